package io.sluice.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.bootstrap.sandbox.Instance;
import io.sluice.bootstrap.testing.TestSql;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/** Helpers for tests that stop, hang and kill backends under a proxy. */
final class FailureDrills {
  private FailureDrills() {}

  /** Sends {@code signal} (STOP, CONT) to the instance's mysqld. */
  static void signal(Instance instance, String signal) throws Exception {
    String pid = Files.readString(instance.layout().pidFile()).trim();
    Process kill = new ProcessBuilder("kill", "-" + signal, pid).inheritIO().start();
    assertEquals(0, kill.waitFor(), "kill -" + signal + " " + pid);
    if (signal.equals("STOP")) {
      // kill returns once the signal is queued; a drill that then expects silence starts once
      // every thread has stopped.
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (!state(pid).startsWith("T")) {
        assertTrue(System.nanoTime() < deadline, "mysqld " + pid + " of " + instance.name()
            + " did not stop: state " + state(pid));
        Thread.sleep(10);
      }
    }
  }

  /** Waits until the proxy's view shows {@code backend} down; returns when (System.nanoTime) it saw that. */
  static long awaitDown(ProxyFixture p, String backend, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!p.server.runtime().view().isDown(backend)) {
      assertTrue(System.nanoTime() < deadline, backend + " is not down within " + within);
      Thread.sleep(5);
    }
    return System.nanoTime();
  }

  /** The State line of /proc/PID/status ("T (stopped)", "S (sleeping)"), or "gone". */
  static String state(String pid) throws java.io.IOException {
    java.nio.file.Path status = java.nio.file.Path.of("/proc", pid, "status");
    if (!Files.exists(status)) {
      return "gone";
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("State:")) {
        return line.substring("State:".length()).trim();
      }
    }
    return "unknown";
  }

  /** Something an application does that fails while a server is away. */
  interface SqlAction {
    void run() throws SQLException;
  }

  /** Repeats {@code action} until it succeeds; throws its last error after {@code within}. */
  static void awaitSuccess(SqlAction action, Duration within) throws SQLException, InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      try {
        action.run();
        return;
      } catch (SQLException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }

  /**
   * The set of servers plain reads of ten new sessions reached, two each; a read that failed
   * counts as "error". Several sessions, because one session's reads stay on one slave for a
   * while (read-affinity); consecutive sessions are given the usable slaves in turn.
   */
  static Set<String> readTargets(ProxyFixture p) {
    Set<String> seen = new HashSet<>();
    for (int s = 0; s < 10; s++) {
      try (Connection c = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
        for (int i = 0; i < 2; i++) {
          try {
            seen.add(String.valueOf(TestSql.serverId(c)));
          } catch (SQLException e) {
            seen.add("error");
          }
        }
      } catch (SQLException e) {
        seen.add("error");
      }
    }
    return seen;
  }

  static void awaitTargets(ProxyFixture p, Set<String> expected, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    Set<String> seen = readTargets(p);
    while (!seen.equals(expected) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      seen = readTargets(p);
    }
    assertEquals(expected, seen, "plain reads reached");
  }

  /**
   * An application thread reading through the proxy without pause on one connection, as a
   * web server would, recording every error it sees.
   */
  static final class ReadLoad implements AutoCloseable {
    private final Thread thread;
    private final AtomicLong reads = new AtomicLong();
    private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean stop;

    ReadLoad(ProxyFixture p) throws SQLException {
      Connection c = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true");
      thread = new Thread(() -> {
        try (c) {
          while (!stop) {
            try {
              TestSql.serverId(c);
              reads.incrementAndGet();
            } catch (SQLException e) {
              errors.add(e.getErrorCode() + " " + e.getMessage());
              if (c.isClosed()) {
                return;
              }
            }
          }
        } catch (SQLException e) {
          errors.add("close: " + e.getMessage());
        }
      }, "read-load");
      thread.start();
    }

    long reads() {
      return reads.get();
    }

    /** Stops the thread and returns the errors it saw (the first ten, then how many more). */
    List<String> stop() throws InterruptedException {
      stop = true;
      thread.join(30_000);
      List<String> all = List.copyOf(errors);
      if (all.size() <= 10) {
        return all;
      }
      List<String> shown = new ArrayList<>(all.subList(0, 10));
      shown.add("... and " + (all.size() - 10) + " more");
      return shown;
    }

    @Override
    public void close() throws InterruptedException {
      stop();
    }
  }
}
