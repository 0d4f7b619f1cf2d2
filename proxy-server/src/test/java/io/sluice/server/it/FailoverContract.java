package io.sluice.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.bootstrap.registration.AdminSession;
import io.sluice.bootstrap.registration.BinlogHistory;
import io.sluice.bootstrap.sandbox.Instance;
import io.sluice.bootstrap.sandbox.InstanceStatus;
import io.sluice.bootstrap.sandbox.Sandbox;
import io.sluice.bootstrap.sandbox.SandboxSpec;
import io.sluice.bootstrap.sandbox.SandboxStatus;
import io.sluice.bootstrap.testing.SandboxExtension;
import io.sluice.bootstrap.testing.TestSql;
import io.sluice.server.config.ProxyConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Master failure and planned change on a cluster of its own (the drill changes the topology):
 * kill -9 of the master under a writing application, automatic failover, fencing of the old
 * master when it returns, then a switchover. Acknowledged writes are counted against what the
 * final master has.
 */
abstract class FailoverContract {
  abstract SandboxExtension cluster();

  /** Makes every acknowledged commit wait for a replica's receipt, where the flavor can. */
  abstract boolean enableSemiSync() throws SQLException;

  abstract String readOnlyVariable();

  /** Whether the flavor keeps a promotion's read_only across a restart (MySQL 8's SET PERSIST). */
  abstract boolean persistsReadOnly();

  @Test
  void theMasterDiesThenASwitchoverAndNoAcknowledgedWriteIsLost() throws Exception {
    Instance m0 = cluster().master();
    boolean semiSync = enableSemiSync();
    try (Connection root = TestSql.root(m0)) {
      TestSql.execute(root, "CREATE TABLE IF NOT EXISTS app.acks (id INT PRIMARY KEY)");
    }
    cluster().sandbox().awaitReplication(Duration.ofSeconds(30));
    Path dir = Files.createTempDirectory("sluice-failover");
    Path conf = dir.resolve("routing.conf");
    Files.writeString(conf, Files.readString(cluster().sandbox().routingConf()));
    String finalMaster;
    try (ProxyFixture p = ProxyFixture.start(conf, c -> c
        .withMonitor(new ProxyConfig.MonitorConfig("root", "", Duration.ofMillis(300), Duration.ofMillis(500),
            Duration.ofSeconds(10)))
        .withFailover(new ProxyConfig.FailoverConfig(true, Duration.ofSeconds(1), "repl", "repl")));
         Writer writer = new Writer(p)) {
      writer.awaitAcks(20, Duration.ofSeconds(10));

      // 1. kill -9 of the master: after failover.down-after the most advanced slave is promoted.
      cluster().sandbox().kill(m0);
      // The write in flight at the kill may fail (it may have run); a write sent later, once the
      // proxy has seen its pooled connections close, may not, found down yet or not.
      long killed = System.nanoTime() + Duration.ofMillis(200).toNanos();
      FailureDrills.awaitDown(p, m0.name(), Duration.ofSeconds(10));
      String promoted = awaitNewMaster(p, m0.name(), Duration.ofSeconds(30));
      int ackedAtKill = writer.acked.size();
      writer.awaitAcks(ackedAtKill + 20, Duration.ofSeconds(20));
      // Writes sent after the kill waited for the health checks' verdict, then for the failover:
      // none failed.
      assertEquals(List.of(), writer.errorsStartedAfter(killed), "writes that failed while the failover was due");
      Set<Integer> lostInFailover = missingOn(instance(promoted), writer.ackedUpTo(ackedAtKill));
      System.out.printf("failover lost %d of %d acknowledged writes (semi-sync %s)%n", lostInFailover.size(),
          ackedAtKill, semiSync ? "on" : "not available");
      if (semiSync) {
        assertEquals(Set.of(), lostInFailover, "with semi-synchronous replication no acknowledged write is lost");
      }
      // With or without semi-sync: the most advanced replica was promoted, so the other one,
      // now following it, holds no acknowledged write the new master lacks.
      String follower = cluster().slaves().stream().map(Instance::name).filter(n -> !n.equals(promoted))
          .findFirst().orElseThrow();
      int lastAcked = writer.acked.get(writer.acked.size() - 1);
      awaitValue(instance(follower), "SELECT COUNT(*) FROM app.acks WHERE id = " + lastAcked, "1", Duration.ofSeconds(15));
      assertEquals(Set.of(), missingOn(instance(promoted), List.copyOf(idsOn(instance(follower)))),
          "acknowledged writes " + follower + " had that the promoted " + promoted + " did not");

      // 2. The old master comes back: it is fenced read-only and takes no reads.
      cluster().sandbox().start(m0, Duration.ofSeconds(60));
      awaitValue(m0, "SELECT @@GLOBAL." + readOnlyVariable(), "1", Duration.ofSeconds(15));
      List<String> backends = p.admin("SELECT * FROM backends");
      assertTrue(backends.get(0).startsWith("1\t" + promoted + "\t") && backends.get(0).contains("\trw\t"),
          String.join("\n", backends));
      String oldMasterRow = backends.stream().filter(l -> l.contains("\t" + m0.name() + "\t")).findFirst().orElseThrow();
      assertTrue(!oldMasterRow.contains("\tup\t"), "the fenced old master takes no reads: " + oldMasterRow);

      // 3. A planned switchover to the other slave loses nothing.
      String other = follower;
      awaitBackendUp(p, other, Duration.ofSeconds(15));
      // A transaction and a temporary table open on the master across the switchover: neither
      // can follow to the new master, so each session's next statement ends it (08S01), and the
      // transaction's row is on no server (it never committed).
      Connection inTransaction = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true");
      Connection withTemporaryTable = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true");
      TestSql.execute(inTransaction, "BEGIN", "INSERT INTO acks VALUES (-7)");
      TestSql.execute(withTemporaryTable, "CREATE TEMPORARY TABLE switch_tmp (a INT)", "INSERT INTO switch_tmp VALUES (1)");
      // Through the command line, as an operator would: it finds the admin port in the config file.
      String text = Files.readString(conf);
      Files.writeString(conf, text.replaceFirst("admin \\{ listen = \"127.0.0.1:\\d+\"",
          "admin { listen = \"127.0.0.1:" + p.adminPort() + "\""));
      java.io.StringWriter out = new java.io.StringWriter();
      picocli.CommandLine cli = io.sluice.server.cli.SluiceCli.commandLine().setOut(new java.io.PrintWriter(out));
      int failedBeforeSwitch = writer.failed.size();
      // By name: the index of a backend moves with every master change.
      int exit = cli.execute("switchover", "--config", conf.toString(), "--to", other);
      assertEquals(0, exit, out.toString());
      assertTrue(out.toString().contains("switched over from " + promoted + " to " + other), out.toString());
      for (Connection c : List.of(inTransaction, withTemporaryTable)) {
        SQLException e = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class,
            () -> TestSql.queryRows(c, "SELECT COUNT(*) FROM acks"));
        assertEquals(1158, e.getErrorCode(), e.getMessage());
        assertEquals("08S01", e.getSQLState(), e.getMessage());
        assertTrue(e.getMessage().contains("the master changed from '" + promoted + "' to '" + other + "'"), e.getMessage());
        c.close();
      }
      if (persistsReadOnly()) {
        // A restart keeps the roles: the new master writable, the old one read-only, whatever
        // their my.cnf says (the promoted slave's says read_only = ON).
        assertEquals("OFF", persisted(instance(other), "read_only"));
        assertEquals("ON", persisted(instance(promoted), "super_read_only"));
      }
      int ackedAtSwitch = writer.acked.size();
      assertTrue(p.admin("SELECT * FROM backends").get(0).startsWith("1\t" + other + "\t"));
      // Config management puts back the file it had before the switchover: the reload is
      // refused, naming the key, and writes stay on the new master.
      String afterSwitch = Files.readString(conf);
      Path stale = dir.resolve("routing.conf.pushed");
      Files.writeString(stale, text);
      Files.move(stale, conf, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      ProxyFixture.AdminError refused = org.junit.jupiter.api.Assertions.assertThrows(ProxyFixture.AdminError.class,
          () -> p.admin("RELOAD"));
      assertTrue(refused.getMessage().contains("sluice.backends.master") && refused.getMessage().contains(other),
          refused.getMessage());
      assertTrue(p.admin("SELECT * FROM backends").get(0).startsWith("1\t" + other + "\t"));
      Files.writeString(conf, afterSwitch);
      writer.awaitAcks(ackedAtSwitch + 20, Duration.ofSeconds(20));
      // Writes that arrived while the master was fenced waited for the new one: none failed.
      assertEquals(List.of(), writer.errors.subList(failedBeforeSwitch, writer.errors.size()),
          "writes that failed across the switchover");
      List<Integer> all = writer.stop();
      Set<Integer> missing = missingOn(instance(other), all);
      missing.removeAll(lostInFailover);
      assertEquals(Set.of(), missing, "the switchover and everything after it lost nothing");
      assertTrue(!idsOn(instance(other)).contains(-7) && !idsOn(instance(promoted)).contains(-7),
          "the transaction cut by the switchover committed nowhere");
      // The former master of step 1 now replicates from the new one.
      awaitValue(instance(promoted), "SELECT COUNT(*) FROM app.acks WHERE id = " + all.get(all.size() - 1), "1",
          Duration.ofSeconds(15));
      ProxyConfig saved = io.sluice.server.config.ConfigLoader.load(conf);
      assertEquals(other, saved.backends().master().name(), "the new topology is in the config file");
      finalMaster = other;
    } finally {
      Files.deleteIfExists(conf);
      Files.deleteIfExists(dir);
    }
    sandboxFollows(m0, finalMaster);
  }

  /**
   * 4. The sandbox follows the servers: restarted, it records the new master. The first
   * master, left out of both changes (down at the failover, following nothing since), rejoins
   * as a slave only if the kill left no transaction on it that the new master lacks. The proxy
   * is stopped first: with its automatic failover on, it would promote a slave while the
   * sandbox restarts.
   */
  private void sandboxFollows(Instance m0, String other) throws Exception {
    Optional<String> ownOnFirst;
    try (AdminSession first = root(m0); AdminSession now = root(instance(other))) {
      ownOnFirst = BinlogHistory.onlyOn(first, now, cluster().flavor());
    }
    Path sandboxDir = cluster().sandbox().dir();
    System.out.println("before the restart:\n" + Sandbox.status(sandboxDir).render());
    Sandbox.down(sandboxDir);
    if (ownOnFirst.isEmpty()) {
      Sandbox up = Sandbox.up(SandboxSpec.in(sandboxDir));
      assertEquals(other, up.master().name());
      SandboxStatus status = up.status();
      for (InstanceStatus s : status.instances()) {
        if (!s.instance().name().equals(other)) {
          assertTrue(s.replication().orElseThrow().running(), status.render());
        }
      }
    } else {
      io.sluice.bootstrap.BootstrapException e = org.junit.jupiter.api.Assertions.assertThrows(
          io.sluice.bootstrap.BootstrapException.class, () -> Sandbox.up(SandboxSpec.in(sandboxDir)));
      assertTrue(e.getMessage().contains(m0.name() + " replicates from nothing")
          && e.getMessage().contains(ownOnFirst.get()), e.getMessage());
      assertEquals(other, Sandbox.status(sandboxDir).instances().get(0).instance().name(), "recorded all the same");
    }
    System.out.printf("sandbox up after the drill: %s%n", ownOnFirst.map(g -> "refused, " + m0.name()
        + " holds " + g).orElse(m0.name() + " rejoined"));
  }

  private static String persisted(Instance server, String variable) throws SQLException {
    try (Connection c = TestSql.root(server)) {
      return TestSql.queryString(c, "SELECT VARIABLE_VALUE FROM performance_schema.persisted_variables"
          + " WHERE VARIABLE_NAME = '" + variable + "'");
    }
  }

  private static AdminSession root(Instance i) throws SQLException {
    return AdminSession.open(i.name(), i.host(), i.port(), "root", "", Duration.ofSeconds(10));
  }

  private Instance instance(String name) {
    return cluster().sandbox().instances().stream().filter(i -> i.name().equals(name)).findFirst().orElseThrow();
  }

  private static Set<Integer> missingOn(Instance server, List<Integer> acked) throws SQLException {
    Set<Integer> missing = new TreeSet<>(acked);
    missing.removeAll(idsOn(server));
    return missing;
  }

  private static Set<Integer> idsOn(Instance server) throws SQLException {
    Set<Integer> present = new TreeSet<>();
    try (Connection c = TestSql.root(server)) {
      for (List<String> row : TestSql.queryRows(c, "SELECT id FROM app.acks")) {
        present.add(Integer.parseInt(row.get(0)));
      }
    }
    return present;
  }

  private static String awaitNewMaster(ProxyFixture p, String old, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      String first = p.admin("SELECT * FROM backends").get(0);
      String name = first.split("\t")[1];
      if (!name.equals(old)) {
        return name;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no failover within " + within + ": " + p.admin("SELECT * FROM backends"));
  }

  private static void awaitBackendUp(ProxyFixture p, String name, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (p.admin("SELECT * FROM backends").stream().anyMatch(l -> l.contains("\t" + name + "\t") && l.contains("\tup\t"))) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(name + " not up: " + p.admin("SELECT * FROM backends"));
  }

  private static void awaitValue(Instance server, String sql, String expected, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    String seen = null;
    while (System.nanoTime() < deadline) {
      try (Connection c = TestSql.root(server)) {
        seen = TestSql.queryString(c, sql);
        if (expected.equals(seen)) {
          return;
        }
      } catch (SQLException e) {
        seen = e.getMessage();
      }
      Thread.sleep(200);
    }
    throw new AssertionError(server.name() + ": " + sql + " gave " + seen + ", expected " + expected);
  }

  /** An application inserting ids 1, 2, 3... through the proxy, remembering which were acknowledged. */
  static final class Writer implements AutoCloseable {
    final List<Integer> acked = new java.util.concurrent.CopyOnWriteArrayList<>();
    final Set<Integer> failed = new ConcurrentSkipListSet<>();
    final List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** When (System.nanoTime) each failed write was sent, by id. */
    private final java.util.Map<Integer, Long> failedSentAt = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger(1);
    private final Thread thread;
    private volatile boolean stop;

    Writer(ProxyFixture p) {
      thread = new Thread(() -> {
        Connection c = null;
        while (!stop) {
          int id = next.getAndIncrement();
          long sentAt = System.nanoTime();
          try {
            if (c == null || c.isClosed()) {
              c = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true&connectTimeout=2000&socketTimeout=10000");
            }
            TestSql.execute(c, "INSERT INTO app.acks (id) VALUES (" + id + ")");
            acked.add(id);
          } catch (SQLException e) {
            failed.add(id);
            failedSentAt.put(id, sentAt);
            errors.add(id + ": " + e.getErrorCode() + " " + e.getMessage());
            try {
              if (c != null) {
                c.close();
              }
            } catch (SQLException ignored) {
              // reconnecting anyway
            }
            c = null;
            sleep(50);
          }
        }
        try {
          if (c != null) {
            c.close();
          }
        } catch (SQLException ignored) {
          // done
        }
      }, "failover-writer");
      thread.start();
    }

    void awaitAcks(int count, Duration within) throws InterruptedException {
      long deadline = System.nanoTime() + within.toNanos();
      while (acked.size() < count && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(acked.size() >= count, "writes resumed: " + acked.size() + " of " + count + " acknowledged");
    }

    /** The errors of writes sent (or connections opened for them) after {@code nanoTime}. */
    List<String> errorsStartedAfter(long nanoTime) {
      return errors.stream().filter(e -> failedSentAt.get(Integer.parseInt(e.substring(0, e.indexOf(':')))) > nanoTime)
          .toList();
    }

    /** The first {@code n} acknowledged ids (a copy first: the writer keeps appending). */
    List<Integer> ackedUpTo(int n) {
      return List.copyOf(acked).subList(0, n);
    }

    List<Integer> stop() throws InterruptedException {
      stop = true;
      thread.join(30_000);
      return List.copyOf(acked);
    }

    @Override
    public void close() throws InterruptedException {
      stop();
    }

    private static void sleep(long ms) {
      try {
        Thread.sleep(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
