package io.sluice.bootstrap.sandbox;

import java.nio.file.Path;

/**
 * Where one sandbox instance keeps its files: {@code DIR/<name>/} holds the datadir, option
 * file, error log, pid file and the process's stdout/stderr.
 *
 * @param socket the Unix socket; under a short {@code /tmp/sluice-<hash>/} directory when the
 *     sandbox directory is so deep that the path would exceed the kernel's ~107-byte limit
 */
public record InstanceLayout(Path dir, Path datadir, Path cnf, Path errorLog, Path pidFile, Path outFile, Path socket) {
  private static final int MAX_SOCKET_PATH = 100;

  static InstanceLayout of(Path sandboxDir, String name) {
    Path dir = sandboxDir.resolve(name);
    Path socket = dir.resolve("mysqld.sock");
    if (socket.toString().length() >= MAX_SOCKET_PATH) {
      socket = shortSocketDir(sandboxDir).resolve(name + ".sock");
    }
    return new InstanceLayout(dir, dir.resolve("data"), dir.resolve("my.cnf"), dir.resolve("error.log"),
        dir.resolve("mysqld.pid"), dir.resolve("mysqld.out"), socket);
  }

  /** The directory for sockets of a sandbox with a long path; one per sandbox directory. */
  static Path shortSocketDir(Path sandboxDir) {
    return Path.of("/tmp", "sluice-" + Integer.toHexString(sandboxDir.toAbsolutePath().toString().hashCode()));
  }
}
