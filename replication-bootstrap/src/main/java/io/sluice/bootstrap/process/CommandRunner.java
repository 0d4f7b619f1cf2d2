package io.sluice.bootstrap.process;

import io.sluice.bootstrap.BootstrapException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short-lived external command (tar, mysqld --initialize, mariadb-install-db, mvn) to
 * completion. Output goes to a temporary file rather than a pipe so a chatty command can never
 * block on a full pipe buffer while we wait for it.
 */
public final class CommandRunner {
  private static final int MAX_OUTPUT_CHARS = 8_000;

  private CommandRunner() {}

  /** Exit code and the (tail of the) combined stdout and stderr. */
  public record Result(int exitCode, String output) {
    public boolean succeeded() {
      return exitCode == 0;
    }
  }

  public static Result run(List<String> command, Duration timeout) {
    return run(command, timeout, null);
  }

  /** Runs {@code command}, feeding it {@code stdin} if given, and waits at most {@code timeout}. */
  public static Result run(List<String> command, Duration timeout, InputStream stdin) {
    Path output = null;
    Process process = null;
    try {
      output = Files.createTempFile("sluice-cmd-", ".out");
      ProcessBuilder pb = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(output.toFile());
      if (stdin == null) {
        pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
      }
      process = pb.start();
      if (stdin != null) {
        try (OutputStream in = process.getOutputStream()) {
          stdin.transferTo(in);
        }
      }
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        throw new BootstrapException("'" + String.join(" ", command) + "' did not finish within "
            + timeout.toSeconds() + "s; output:\n" + tail(output));
      }
      return new Result(process.exitValue(), tail(output));
    } catch (IOException e) {
      String detail = process == null ? "cannot start it" : "it failed";
      String out = output == null ? "" : "; output:\n" + tail(output);
      throw new BootstrapException("'" + String.join(" ", command) + "': " + detail + ": " + e.getMessage() + out, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (process != null) {
        process.destroyForcibly();
      }
      throw new BootstrapException("interrupted while running '" + String.join(" ", command) + "'", e);
    } finally {
      if (output != null) {
        try {
          Files.deleteIfExists(output);
        } catch (IOException ignored) {
          // A leftover temp file is harmless.
        }
      }
    }
  }

  private static String tail(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      return text.length() <= MAX_OUTPUT_CHARS ? text : "..." + text.substring(text.length() - MAX_OUTPUT_CHARS);
    } catch (IOException e) {
      return "(output unreadable: " + e.getMessage() + ")";
    }
  }
}
