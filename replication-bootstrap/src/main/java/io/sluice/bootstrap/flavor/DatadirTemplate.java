package io.sluice.bootstrap.flavor;

import io.sluice.bootstrap.BootstrapException;
import io.sluice.bootstrap.config.MyCnfRenderer;
import io.sluice.bootstrap.files.FileTrees;
import io.sluice.bootstrap.process.CommandRunner;
import io.sluice.bootstrap.process.ProcessUser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One freshly initialised datadir per flavor and server version, kept in the cache and copied
 * for every new instance: initialising takes seconds, copying a fraction of that. This is what
 * containers started from one image do, and why each copy must get its own server_uuid
 * ({@link io.sluice.bootstrap.identity.AutoCnf}) before its first start.
 *
 * <p>The template holds only what initialisation creates, plus a root account for
 * {@code 127.0.0.1} (MySQL creates only {@code root@localhost}, which a TCP login with
 * skip_name_resolve does not match). It has no binary log, so no copy starts with GTIDs.
 */
public final class DatadirTemplate {
  /** Bump when the initialisation changes, so caches built by an older Sluice are not reused. */
  private static final int LAYOUT = 1;

  private static final String MYSQL_INIT_SQL = """
      CREATE USER 'root'@'127.0.0.1' IDENTIFIED BY '';
      GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
      """;

  private DatadirTemplate() {}

  /** The template datadir for {@code binaries}, created on first use. Never start a server on it. */
  public static Path ensure(ServerBinaries binaries, Path cacheRoot) {
    return FileTrees.createOnce(location(binaries, cacheRoot), datadir -> initialise(binaries, datadir));
  }

  /** Whether {@link #ensure} will return at once (the template exists). */
  public static boolean isReady(ServerBinaries binaries, Path cacheRoot) {
    return Files.isDirectory(location(binaries, cacheRoot));
  }

  private static Path location(ServerBinaries binaries, Path cacheRoot) {
    return CacheRoot.forFlavor(cacheRoot, binaries.flavor()).resolve("template-" + binaries.version() + "-v" + LAYOUT);
  }

  private static void initialise(ServerBinaries b, Path datadir) {
    Path work;
    try {
      work = Files.createTempDirectory("sluice-init-");
    } catch (IOException e) {
      throw new BootstrapException("cannot create a temporary directory: " + e.getMessage(), e);
    }
    try {
      Path cnf = work.resolve("init.cnf");
      Path errorLog = work.resolve("init.err");
      boolean root = ProcessUser.isRoot();
      Files.writeString(cnf, MyCnfRenderer.renderForInitialize(b.flavor(), b.basedir(), datadir, errorLog, root));
      List<String> command = new ArrayList<>();
      if (b.flavor().isMariaDb()) {
        command.add(b.installDb().orElseThrow().toString());
        command.add("--defaults-file=" + cnf); // must come first
        command.add("--auth-root-authentication-method=normal"); // root: empty password, also for 127.0.0.1
        command.add("--skip-test-db");
        command.add("--datadir=" + datadir);
        command.add("--basedir=" + b.basedir());
        if (root) {
          command.add("--user=root");
        }
      } else {
        Path initSql = work.resolve("init.sql");
        Files.writeString(initSql, MYSQL_INIT_SQL, StandardCharsets.UTF_8);
        command.add(b.mysqld().toString());
        command.add("--defaults-file=" + cnf); // must come first
        command.add("--initialize-insecure");
        command.add("--init-file=" + initSql);
      }
      CommandRunner.Result r = CommandRunner.run(command, Duration.ofMinutes(5));
      if (!r.succeeded()) {
        String log = Files.exists(errorLog) ? Files.readString(errorLog) : "";
        String all = r.output() + "\n" + log;
        if (SharedLibraries.mentionsMissingLibaio(all)) {
          throw new BootstrapException(SharedLibraries.LIBAIO_FIX);
        }
        throw new BootstrapException("initialising a " + b.flavor().id() + " datadir failed (exit " + r.exitCode()
            + ", command: " + String.join(" ", command) + "). Output:\n" + r.output().strip()
            + "\nError log:\n" + lastLines(log, 20));
      }
    } catch (IOException e) {
      throw new BootstrapException("cannot prepare the " + b.flavor().id() + " initialisation in " + work + ": "
          + e.getMessage(), e);
    } finally {
      FileTrees.deleteRecursively(work);
    }
  }

  static String lastLines(String text, int n) {
    List<String> lines = text.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
  }
}
