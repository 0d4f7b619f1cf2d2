package io.sluice.bootstrap.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What Linux says about a process in /proc. Used instead of {@link ProcessHandle#isAlive()},
 * which reports a zombie (exited, not yet reaped) as alive, and to read a process's arguments
 * even when the JVM did not start it.
 */
final class Procfs {
  private Procfs() {}

  /** A live (not zombie) process and its arguments. */
  record LiveProcess(long pid, List<String> arguments) {}

  /** Whether the process table still lists {@code pid}, zombie or not. */
  static boolean exists(long pid) {
    return Files.exists(Path.of("/proc", Long.toString(pid)));
  }

  static Optional<LiveProcess> live(long pid) {
    Path proc = Path.of("/proc", Long.toString(pid));
    try {
      String stat = Files.readString(proc.resolve("stat"), StandardCharsets.UTF_8);
      // "pid (comm) S ...": the state follows the last ')' because comm may contain spaces and ')'.
      int close = stat.lastIndexOf(')');
      char state = close >= 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
      if (state == 'Z' || state == 'X') {
        return Optional.empty();
      }
      byte[] raw = Files.readAllBytes(proc.resolve("cmdline"));
      List<String> args = Arrays.asList(new String(raw, StandardCharsets.UTF_8).split("\0"));
      return Optional.of(new LiveProcess(pid, args));
    } catch (IOException e) {
      return Optional.empty(); // gone, or never existed
    }
  }
}
