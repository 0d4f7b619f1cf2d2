package io.sluice.bootstrap.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.bootstrap.BootstrapException;
import io.sluice.bootstrap.flavor.Flavor;
import io.sluice.bootstrap.identity.AutoCnf;
import io.sluice.bootstrap.registration.ReplicaRegistration;
import io.sluice.bootstrap.registration.ReplicationAccount;
import io.sluice.bootstrap.testing.SandboxExtension;
import io.sluice.bootstrap.testing.TestSql;
import java.nio.file.Files;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * master -> relay -> slaves, scale-out after purged binary logs, and the refusals of the one
 * registration path, against real servers. One sandbox per subclass, shared in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class RelayTopologyContract {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  protected abstract SandboxExtension cluster();

  private Sandbox sandbox() {
    return cluster().sandbox();
  }

  private Flavor flavor() {
    return cluster().flavor();
  }

  private Instance relay() {
    return sandbox().relays().get(0);
  }

  @Test
  @Order(1)
  void slavesReplicateFromTheRelayWhichLogsWhatItApplies() throws Exception {
    assertEquals(List.of(1L, 101L, 1001L, 1002L), sandbox().instances().stream().map(Instance::serverId).toList());
    try (Connection c = TestSql.root(relay())) {
      assertEquals("1", TestSql.queryString(c, "SELECT @@log_slave_updates"));
      assertEquals(String.valueOf(sandbox().master().port()), sourcePort(c));
    }
    for (Instance slave : sandbox().slaves()) {
      try (Connection c = TestSql.root(slave)) {
        assertEquals(String.valueOf(relay().port()), sourcePort(c), slave.name());
      }
    }
    String conf = Files.readString(sandbox().routingConf());
    assertTrue(conf.contains("relays = [\n      { name = \"mysql-relay-0\", address = \"" + relay().address() + "\""), conf);
    assertTrue(conf.contains("relays-serve-reads = false"), conf);
  }

  @Test
  @Order(2)
  void aWriteOnTheMasterReachesEveryLeaf() throws Exception {
    try (Connection c = TestSql.app(sandbox().master())) {
      TestSql.execute(c, "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20))", "INSERT INTO t VALUES (1, 'one')");
    }
    cluster().awaitReplication();
    for (Instance leaf : sandbox().slaves()) {
      try (Connection c = TestSql.app(leaf)) {
        assertEquals("one", TestSql.queryString(c, "SELECT v FROM t WHERE id = 1"), leaf.name());
      }
    }
  }

  @Test
  @Order(3)
  void addReplicaAfterPurgedBinlogsSeedsItWithEveryRow() throws Exception {
    writeVariedData();
    purgeBinaryLogs(sandbox().master());
    purgeBinaryLogs(relay());
    ScaleReport report = sandbox().addReplica(TIMEOUT, line -> System.out.println("[add-replica] " + line));
    System.out.println("[add-replica] " + flavor().id() + ": " + report.added() + " " + report.registration().outcome()
        + " in " + report.elapsed().toMillis() + " ms, snapshot " + report.registration().snapshot().orElseThrow());
    Instance added = report.added();
    assertEquals("mysql-slave-2", added.name());
    assertEquals(1003, added.serverId());
    assertEquals(ReplicaRegistration.Outcome.SEEDED_AND_REGISTERED, report.registration().outcome());
    assertEquals(sandbox().slaves().size(), 3);
    String expected = snapshotOfData(sandbox().master());
    try (Connection c = TestSql.app(added)) {
      assertEquals(expected, snapshotOfData(added), "the seeded slave holds exactly the master's rows");
      assertEquals("v-7", TestSql.queryString(c, "SELECT CALL_COUNT FROM (SELECT app.label(7) AS CALL_COUNT) x"));
    }
    try (Connection c = TestSql.app(sandbox().master())) {
      TestSql.execute(c, "INSERT INTO t VALUES (2, 'after-seed')");
    }
    cluster().awaitReplication();
    try (Connection c = TestSql.app(added)) {
      assertEquals("after-seed", TestSql.queryString(c, "SELECT v FROM t WHERE id = 2"));
      assertEquals("1", TestSql.queryString(c, "SELECT COUNT(*) FROM audit WHERE item_id = 2"),
          "the trigger was copied and fires on the master only; its row arrives by replication");
    }
    try (Connection c = TestSql.root(added)) {
      assertEquals(String.valueOf(relay().port()), sourcePort(c));
      if (!flavor().isMariaDb()) {
        String own = TestSql.queryString(c, "SELECT @@gtid_executed");
        try (Connection m = TestSql.root(sandbox().master())) {
          String master = TestSql.queryString(m, "SELECT @@gtid_executed");
          assertEquals("1", TestSql.queryString(m, "SELECT GTID_SUBSET('" + own + "', '" + master + "')"),
              "the seeded slave has no transactions of its own: " + own);
        }
      }
    }
    assertTrue(Files.readString(sandbox().routingConf()).contains(added.address()));
  }

  @Test
  @Order(4)
  void registerAgainLeavesAReplicatingSlaveAlone() throws Exception {
    Instance slave = sandbox().slaves().get(0);
    String relayLog;
    try (Connection c = TestSql.root(slave)) {
      relayLog = relayLogFile(c);
    }
    ReplicaRegistration.Report again = ReplicaRegistration.register(Sandbox.endpoint(slave), Sandbox.endpoint(relay()),
        flavor(), ReplicationAccount.DEFAULT, TIMEOUT, line -> {});
    assertEquals(ReplicaRegistration.Outcome.ALREADY_REPLICATING, again.outcome());
    try (Connection c = TestSql.root(slave)) {
      // STOP/START or CHANGE would have rotated the relay log.
      assertEquals(relayLog, relayLogFile(c));
    }
  }

  @Test
  @Order(5)
  void aSourceWithTheSameServerIdIsRefused() throws Exception {
    Instance slave = sandbox().slaves().get(0);
    try (Connection c = TestSql.root(slave)) {
      TestSql.execute(c, "SET GLOBAL server_id = 101");
      try {
        BootstrapException e = assertThrows(BootstrapException.class, () -> ReplicaRegistration.register(
            Sandbox.endpoint(slave), Sandbox.endpoint(relay()), flavor(), ReplicationAccount.DEFAULT, TIMEOUT,
            line -> {}));
        assertTrue(e.getMessage().contains("both have server_id 101"), e.getMessage());
      } finally {
        TestSql.execute(c, "SET GLOBAL server_id = " + slave.serverId());
      }
    }
  }

  @Test
  @Order(6)
  void aSourceWithTheSameServerUuidIsRefused() throws Exception {
    if (!flavor().hasServerUuid()) {
      // MariaDB has no server_uuid: GTIDs carry the server_id, whose clash the previous test covers.
      return;
    }
    Instance slave = sandbox().slaves().get(1);
    String relayUuid = relay().serverUuid().orElseThrow();
    sandbox().stop(slave);
    AutoCnf.write(slave.layout().datadir(), relayUuid);
    InstanceServer server = new InstanceServer(slave, flavor());
    try {
      server.awaitReady(server.launch(io.sluice.bootstrap.flavor.ServerBinaries.locate(flavor(),
          io.sluice.bootstrap.flavor.CacheRoot.resolve())), TIMEOUT);
      BootstrapException e = assertThrows(BootstrapException.class, () -> ReplicaRegistration.register(
          Sandbox.endpoint(slave), Sandbox.endpoint(relay()), flavor(), ReplicationAccount.DEFAULT, TIMEOUT,
          line -> {}));
      assertTrue(e.getMessage().contains("both have server_uuid " + relayUuid), e.getMessage());
    } finally {
      server.process().stop(Sandbox.STOP_GRACE);
      AutoCnf.write(slave.layout().datadir(), slave.serverUuid().orElseThrow());
    }
    Sandbox.up(SandboxSpec.in(sandbox().dir()));
    try (Connection c = TestSql.root(slave)) {
      assertEquals(slave.serverUuid().orElseThrow(), TestSql.queryString(c, "SELECT @@server_uuid"));
    }
  }

  @Test
  @Order(7)
  void removeReplicaStopsAndForgetsTheLastSlave() throws Exception {
    Instance last = sandbox().slaves().get(sandbox().slaves().size() - 1);
    Instance removed = sandbox().removeReplica(Optional.empty());
    assertEquals(last, removed);
    assertFalse(sandbox().isRunning(removed));
    assertFalse(Files.exists(removed.layout().dir()));
    assertEquals(2, sandbox().slaves().size());
    assertFalse(Files.readString(sandbox().routingConf()).contains(removed.name()));
    BootstrapException e = assertThrows(BootstrapException.class,
        () -> sandbox().removeReplica(Optional.of(relay().name())));
    assertTrue(e.getMessage().contains("only slaves can be removed"), e.getMessage());
    assertTrue(sandbox().status().allRunning());
  }

  private static String relayLogFile(Connection c) throws Exception {
    return TestSql.queryRows(c, "SHOW SLAVE STATUS").get(0).get(7); // Relay_Log_File
  }

  private static String sourcePort(Connection c) throws Exception {
    return TestSql.queryRows(c, "SHOW SLAVE STATUS").isEmpty() ? "none"
        : String.valueOf(TestSql.queryRows(c, "SHOW SLAVE STATUS").get(0).get(3)); // Master_Port
  }

  /** Types a logical copy can get wrong, plus a view, a function and a trigger. */
  private void writeVariedData() throws Exception {
    boolean json = !flavor().isMariaDb();
    try (Connection c = TestSql.app(sandbox().master())) {
      TestSql.execute(c,
          "CREATE TABLE varied (id INT AUTO_INCREMENT PRIMARY KEY, y YEAR, flag TINYINT(1), b MEDIUMBLOB, bits BIT(5),"
              + " d DATETIME(6), ts TIMESTAMP NULL, amount DECIMAL(12,4), txt TEXT CHARACTER SET utf8mb4,"
              + (json ? " doc JSON," : " doc LONGTEXT,")
              + " twice INT AS (flag * 2) VIRTUAL, nothing VARCHAR(5))",
          "INSERT INTO varied (id, y, flag, b, bits, d, ts, amount, txt, doc, nothing) VALUES"
              + " (0, 1999, 1, X'00FF27225C0A', b'10101', '2024-02-29 23:59:59.123456', '2024-01-01 00:00:01',"
              + " -12345678.0001, 'emoji \\uD83D\\uDE00 quote '' backslash \\\\', '{\"a\": [1, 2]}', NULL)",
          "INSERT INTO varied (y, flag, b) VALUES (2024, 0, REPEAT('x', 70000))",
          "CREATE VIEW doubled AS SELECT id, twice FROM varied",
          "CREATE TABLE audit (item_id INT)");
      try (Connection root = TestSql.root(sandbox().master())) {
        // With the binary log on, only a SUPER user may create functions and triggers.
        TestSql.execute(root,
            "CREATE TRIGGER app.t_audit AFTER INSERT ON app.t FOR EACH ROW INSERT INTO app.audit VALUES (NEW.id)");
        TestSql.execute(root, "CREATE FUNCTION app.label(n INT) RETURNS VARCHAR(20) DETERMINISTIC RETURN CONCAT('v-', n)");
      }
      try (java.sql.Statement s = c.createStatement()) {
        StringBuilder many = new StringBuilder("INSERT INTO t VALUES ");
        for (int i = 100; i < 3100; i++) {
          many.append(i == 100 ? "" : ",").append("(").append(i).append(", 'row-").append(i).append("')");
        }
        s.execute(many.toString());
      }
    }
    cluster().awaitReplication();
  }

  private String snapshotOfData(Instance i) throws Exception {
    try (Connection c = TestSql.app(i)) {
      return TestSql.queryRows(c, "SELECT id, y, flag, HEX(b), bits + 0, d, ts, amount, txt, doc, twice, nothing"
              + " FROM varied ORDER BY id")
          + "|" + TestSql.queryRows(c, "SELECT COUNT(*), SUM(id), MAX(v) FROM t")
          + "|" + TestSql.queryRows(c, "SELECT * FROM doubled ORDER BY id");
    }
  }

  private static boolean pause() throws InterruptedException {
    Thread.sleep(100);
    return true;
  }

  private void purgeBinaryLogs(Instance i) throws Exception {
    try (Connection c = TestSql.root(i)) {
      TestSql.execute(c, "FLUSH BINARY LOGS");
      String current = TestSql.queryRows(c, "SHOW MASTER STATUS").get(0).get(0);
      // A log a replica's dump thread still reads is skipped (MariaDB says so in a note): retry.
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      do {
        TestSql.execute(c, "PURGE BINARY LOGS TO '" + current + "'");
      } while (TestSql.queryRows(c, "SHOW BINARY LOGS").size() > 1 && System.nanoTime() < deadline && pause());
      assertEquals(1, TestSql.queryRows(c, "SHOW BINARY LOGS").size(), i.name() + " kept old binary logs");
      if (!flavor().isMariaDb()) {
        assertNotEquals("", TestSql.queryString(c, "SELECT @@gtid_purged"), i.name() + " purged nothing");
      }
    }
  }
}
