package io.sluice.bootstrap.process;

import io.sluice.bootstrap.BootstrapException;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Starts and stops one mysqld/mariadbd that runs with a given option file. A server is "ours"
 * when its command line carries {@code --defaults-file=<that file>}: that identifies it even
 * after this JVM exits, and a recycled pid in a stale pid file can never make us signal a
 * stranger's process.
 */
public final class MysqldProcess {
  private static final Duration POLL = Duration.ofMillis(50);
  private static final Duration AFTER_KILL = Duration.ofSeconds(10);
  private static final Duration REAP_WAIT = Duration.ofSeconds(2);

  private final Path cnf;
  private final Path pidFile;
  private final Path outFile;

  /**
   * @param outFile receives the process's stdout and stderr: the dynamic loader's errors
   *     (a missing libaio) appear only there, never in the server's error log
   */
  public MysqldProcess(Path cnf, Path pidFile, Path outFile) {
    this.cnf = cnf.toAbsolutePath();
    this.pidFile = pidFile;
    this.outFile = outFile;
  }

  /**
   * Starts the server in a session of its own (setsid): it outlives this JVM and does not
   * receive the terminal's Ctrl-C or the test runner's signals to our process group. Returns
   * at once; the server is ready only when it accepts connections.
   */
  public Process launch(Path mysqld) {
    List<String> command = new ArrayList<>();
    Optional<Path> setsid = onPath("setsid");
    setsid.ifPresent(p -> command.add(p.toString()));
    command.add(mysqld.toString());
    command.add(definingArgument()); // mysqld requires --defaults-file to be the first option
    try {
      return new ProcessBuilder(command)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(outFile.toFile()))
          .start();
    } catch (IOException e) {
      throw new BootstrapException("cannot start " + mysqld + ": " + e.getMessage(), e);
    }
  }

  /** The pid of our running server, from its pid file or, if that is missing or stale, from /proc. */
  public OptionalLong runningPid() {
    OptionalLong fromFile = pidFromFile();
    if (fromFile.isPresent() && isOurs(fromFile.getAsLong())) {
      return fromFile;
    }
    return ProcessHandle.allProcesses()
        .mapToLong(ProcessHandle::pid)
        .filter(this::isOurs)
        .findFirst();
  }

  public boolean isRunning() {
    return runningPid().isPresent();
  }

  /**
   * Stops the server: SIGTERM (a clean InnoDB shutdown), then SIGKILL if it is still there after
   * {@code grace}. Returns once the process is gone; a no-op if it is not running.
   */
  public void stop(Duration grace) {
    OptionalLong pid = runningPid();
    if (pid.isEmpty()) {
      return;
    }
    ProcessHandle.of(pid.getAsLong()).ifPresent(ProcessHandle::destroy);
    if (awaitGone(pid.getAsLong(), grace)) {
      return;
    }
    kill();
  }

  /** Sends SIGKILL, as a crash would; returns once the process is gone. */
  public void kill() {
    OptionalLong pid = runningPid();
    if (pid.isEmpty()) {
      return;
    }
    ProcessHandle.of(pid.getAsLong()).ifPresent(ProcessHandle::destroyForcibly);
    if (!awaitGone(pid.getAsLong(), AFTER_KILL)) {
      throw new BootstrapException("mysqld pid " + pid.getAsLong() + " (" + cnf + ") survived SIGKILL for "
          + AFTER_KILL.toSeconds() + "s; check it with: ps -o pid,stat,cmd -p " + pid.getAsLong());
    }
  }

  /** Sends SIGTERM without waiting; pair with {@link #awaitStopped} to stop several servers at once. */
  public OptionalLong signalStop() {
    OptionalLong pid = runningPid();
    pid.ifPresent(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroy));
    return pid;
  }

  /** Waits for a server signalled by {@link #signalStop}, killing it after {@code grace}. */
  public void awaitStopped(long pid, Duration grace) {
    if (!awaitGone(pid, grace)) {
      kill();
    }
  }

  /** The text the process wrote to stdout/stderr, if any. */
  public String output() {
    try {
      return Files.exists(outFile) ? Files.readString(outFile, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private boolean isOurs(long pid) {
    return Procfs.live(pid).map(p -> p.arguments().contains(definingArgument())).orElse(false);
  }

  private String definingArgument() {
    return "--defaults-file=" + cnf;
  }

  private OptionalLong pidFromFile() {
    try {
      if (!Files.isRegularFile(pidFile)) {
        return OptionalLong.empty();
      }
      String text = Files.readString(pidFile, StandardCharsets.US_ASCII).trim();
      return text.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text));
    } catch (IOException | NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  private static boolean awaitGone(long pid, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (Procfs.live(pid).isPresent()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      pause(pid);
    }
    // Dead, but possibly a zombie until its parent reaps it: when the JVM that started it has
    // exited, that is init, which some container inits do only every few hundred ms. Wait a
    // little so that "down" means no process is listed any more; never fail on it.
    long reapDeadline = System.nanoTime() + REAP_WAIT.toNanos();
    while (Procfs.exists(pid) && System.nanoTime() < reapDeadline) {
      pause(pid);
    }
    return true;
  }

  private static void pause(long pid) {
    try {
      Thread.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BootstrapException("interrupted while waiting for mysqld pid " + pid + " to exit", e);
    }
  }

  private static Optional<Path> onPath(String program) {
    String path = System.getenv("PATH");
    List<String> dirs = new ArrayList<>(List.of((path == null ? "" : path).split(File.pathSeparator)));
    dirs.addAll(List.of("/usr/bin", "/bin"));
    return dirs.stream()
        .filter(d -> !d.isEmpty())
        .map(d -> Path.of(d, program))
        .filter(Files::isExecutable)
        .findFirst();
  }
}
