package io.sluice.bootstrap.sandbox;

import io.sluice.bootstrap.BootstrapException;
import io.sluice.bootstrap.config.Durability;
import io.sluice.bootstrap.config.MyCnfRenderer;
import io.sluice.bootstrap.config.ServerConfig;
import io.sluice.bootstrap.files.FileTrees;
import io.sluice.bootstrap.flavor.DatadirFlavor;
import io.sluice.bootstrap.flavor.Flavor;
import io.sluice.bootstrap.flavor.ServerBinaries;
import io.sluice.bootstrap.flavor.SharedLibraries;
import io.sluice.bootstrap.identity.AutoCnf;
import io.sluice.bootstrap.process.MysqldProcess;
import io.sluice.bootstrap.process.ProcessUser;
import io.sluice.bootstrap.registration.AdminSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The server process of one sandbox instance: create its files, start it, wait for it, stop it. */
final class InstanceServer {
  static final String ROOT_USER = "root";
  static final String ROOT_PASSWORD = "";
  private static final Duration CONNECT_ATTEMPT = Duration.ofSeconds(2);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final int LOG_LINES = 20;

  private final Instance instance;
  private final Flavor flavor;
  private final MysqldProcess process;
  // Where the error log ended when this server was launched: what follows is this start's.
  private long errorLogOffset;

  InstanceServer(Instance instance, Flavor flavor) {
    this.instance = instance;
    this.flavor = flavor;
    InstanceLayout l = instance.layout();
    this.process = new MysqldProcess(l.cnf(), l.pidFile(), l.outFile());
  }

  Instance instance() {
    return instance;
  }

  MysqldProcess process() {
    return process;
  }

  boolean hasDatadir() {
    return Files.isDirectory(instance.layout().datadir());
  }

  /**
   * Creates the instance's directory from the template: the datadir is copied under a
   * temporary name and renamed, so a crash mid-copy never leaves a datadir that looks usable.
   * Then gives it its own server_uuid and writes its option file.
   */
  void create(ServerBinaries binaries, Path template) {
    InstanceLayout l = instance.layout();
    Path partial = l.dir().resolve("data.partial");
    try {
      Files.createDirectories(l.dir());
      Files.createDirectories(l.socket().getParent());
      FileTrees.deleteRecursively(partial);
      FileTrees.copy(template, partial);
      instance.serverUuid().ifPresent(uuid -> AutoCnf.write(partial, uuid));
      Files.move(partial, l.datadir());
      Files.writeString(l.cnf(), MyCnfRenderer.render(config(binaries)), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new BootstrapException("cannot create " + l.dir() + " for " + instance.name() + ": " + e.getMessage(), e);
    }
  }

  /** Renders the option file again, for the instance's role now (read_only, replication at start). */
  void writeOptionFile(ServerBinaries binaries) {
    try {
      Files.writeString(instance.layout().cnf(), MyCnfRenderer.render(config(binaries)), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new BootstrapException("cannot write " + instance.layout().cnf() + ": " + e.getMessage(), e);
    }
  }

  /** Refuses a datadir that another flavor created: that server would fail or convert it for good. */
  void checkDatadirFlavor() {
    Optional<Flavor> found = DatadirFlavor.detect(instance.layout().datadir());
    if (found.isPresent() && found.get() != flavor) {
      throw new BootstrapException("the datadir " + instance.layout().datadir() + " of " + instance.name()
          + " was created by " + found.get().id() + ", but this sandbox runs " + flavor.id()
          + "; use a new directory for " + flavor.id());
    }
  }

  private ServerConfig config(ServerBinaries b) {
    InstanceLayout l = instance.layout();
    return new ServerConfig(flavor, b.basedir(), instance.instanceName(), instance.role(), instance.host(), instance.port(),
        instance.host(), l.datadir(), l.socket(), l.pidFile(), l.errorLog(), Durability.RELAXED, "64M", 500,
        ProcessUser.isRoot());
  }

  void checkPortFree() {
    if (!Ports.isFree(instance.host(), instance.port())) {
      throw portInUse();
    }
  }

  /** Starts the server; pair with {@link #awaitReady} (servers start in parallel, then are awaited). */
  Process launch(ServerBinaries binaries) {
    checkPortFree();
    try {
      Files.createDirectories(instance.layout().socket().getParent());
    } catch (IOException e) {
      throw new BootstrapException("cannot create " + instance.layout().socket().getParent() + ": " + e.getMessage(), e);
    }
    errorLogOffset = sizeOf(instance.layout().errorLog());
    return process.launch(binaries.mysqld());
  }

  /** Returns once the server accepts a root login; explains the failure if it exits or times out. */
  void awaitReady(Process launched, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    SQLException last = null;
    while (true) {
      try (AdminSession s = openRoot(CONNECT_ATTEMPT)) {
        return;
      } catch (SQLException e) {
        last = e;
      }
      if (!launched.isAlive() && !process.isRunning()) {
        throw startFailure(launched.exitValue());
      }
      if (System.nanoTime() > deadline) {
        throw new BootstrapException(instance.name() + " did not accept connections on " + instance.address()
            + " within " + timeout.toSeconds() + "s (last error: " + (last == null ? "none" : last.getMessage())
            + "); last lines of " + instance.layout().errorLog() + ":\n" + errorLogTail());
      }
      sleep();
    }
  }

  /**
   * Ends the binlog dump threads serving replicas. At shutdown MySQL gives them ~8-10 s to
   * send what is left before it kills them, even when they have nothing to send; ending them
   * first makes a source stop in about a second. Only useful once no replica reconnects.
   */
  void endBinlogDumps() {
    if (!process.isRunning()) {
      return;
    }
    try (AdminSession s = openRoot(CONNECT_ATTEMPT)) {
      for (Map<String, String> row : s.rows("SELECT ID FROM information_schema.PROCESSLIST"
          + " WHERE COMMAND IN ('Binlog Dump', 'Binlog Dump GTID')")) {
        try {
          s.execute("KILL " + Long.parseLong(row.get("ID")));
        } catch (BootstrapException ignored) {
          // The thread ended by itself meanwhile.
        }
      }
    } catch (SQLException | BootstrapException e) {
      // Not answering: SIGTERM alone will have to do, slowly.
    }
  }

  AdminSession openRoot(Duration timeout) throws SQLException {
    return AdminSession.open(instance.name(), instance.host(), instance.port(), ROOT_USER, ROOT_PASSWORD, timeout);
  }

  AdminSession openRootOrThrow(Duration timeout) {
    try {
      return openRoot(timeout);
    } catch (SQLException e) {
      throw new BootstrapException("cannot log in to " + instance.name() + " at " + instance.address() + " as root: "
          + e.getMessage(), e);
    }
  }

  private BootstrapException startFailure(int exitCode) {
    String out = process.output();
    String fullLog = errorLogSinceLaunch();
    String log = errorLogTail();
    List<String> errors = errorLinesSinceLaunch();
    if (SharedLibraries.mentionsMissingLibaio(out) || SharedLibraries.mentionsMissingLibaio(fullLog)) {
      return new BootstrapException(instance.name() + " could not start: " + SharedLibraries.LIBAIO_FIX);
    }
    // Another process took the port between our check and mysqld's bind.
    if (fullLog.contains("Address already in use") || fullLog.contains("Bind on TCP/IP port")) {
      return portInUse();
    }
    String output = out.isBlank() ? "" : "\nits stdout/stderr (" + instance.layout().outFile() + "):\n" + lastLines(out);
    // MySQL 5.7 logs dozens of shutdown notes after the error that stopped it: name the errors.
    String errorLines = errors.isEmpty() ? "" : "errors it logged:\n" + String.join("\n", errors) + "\n";
    return new BootstrapException(instance.name() + " (" + flavor.id() + ") exited with code " + exitCode
        + " while starting; " + errorLines + "last lines of " + instance.layout().errorLog() + ":\n" + log + output);
  }

  private BootstrapException portInUse() {
    return Ports.inUse(instance.host(), instance.port(), instance.name());
  }

  String errorLogTail() {
    String text = errorLogSinceLaunch();
    return text.isBlank() ? "(nothing logged)" : lastLines(text);
  }

  private List<String> errorLinesSinceLaunch() {
    List<String> errors = errorLogSinceLaunch().lines().filter(l -> l.contains("[ERROR]")).toList();
    return errors.subList(0, Math.min(errors.size(), 10));
  }

  private String errorLogSinceLaunch() {
    Path log = instance.layout().errorLog();
    try {
      if (!Files.exists(log)) {
        return "";
      }
      byte[] all = Files.readAllBytes(log);
      int from = (int) Math.min(errorLogOffset, all.length);
      return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }

  private static long sizeOf(Path file) {
    try {
      return Files.exists(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  private static String lastLines(String text) {
    List<String> lines = text.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_LINES), lines.size()));
  }

  private static void sleep() {
    try {
      Thread.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BootstrapException("interrupted while waiting for a server to start", e);
    }
  }
}
