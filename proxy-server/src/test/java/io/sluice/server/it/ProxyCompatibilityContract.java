package io.sluice.server.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.bootstrap.sandbox.Instance;
import io.sluice.bootstrap.testing.SandboxExtension;
import io.sluice.bootstrap.testing.TestSql;
import io.sluice.server.EventLoopBinding;
import io.sluice.server.config.ProxyConfig;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import io.sluice.protocol.response.ResponseTracker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What an application sees through Sluice, checked against real servers with real drivers.
 * Routing is verified on the backends themselves (their server_id and statement counters),
 * never on the proxy's word. Runs once per backend flavor (see the subclasses).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ProxyCompatibilityContract {
  ProxyFixture proxy;

  abstract SandboxExtension cluster();

  @BeforeAll
  void startProxy() throws SQLException {
    proxy = ProxyFixture.start(cluster().sandbox());
    try (Connection root = TestSql.root(cluster().master())) {
      TestSql.execute(root,
          "CREATE TABLE IF NOT EXISTS app.items (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(100), b LONGBLOB)"
              + " DEFAULT CHARSET = utf8mb4",
          "SET GLOBAL max_allowed_packet = 134217728");
    }
    for (Instance s : cluster().slaves()) {
      try (Connection root = TestSql.root(s)) {
        TestSql.execute(root, "SET GLOBAL max_allowed_packet = 134217728");
      }
    }
    cluster().sandbox().awaitReplication(Duration.ofSeconds(30));
  }

  /**
   * Failure drills (SIGSTOP, kill -9, stopped replication) leave the shared proxy's health
   * view behind for a check interval or two; each test starts once it sees every backend up.
   */
  @org.junit.jupiter.api.BeforeEach
  void awaitHealthyCluster() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      io.sluice.core.cluster.ClusterView v = proxy.server.runtime().view();
      if (v.masterHealth() == io.sluice.core.cluster.BackendHealth.UP
          && v.usableSlaves().size() == cluster().slaves().size()) {
        return;
      }
      Thread.sleep(100);
    }
    org.junit.jupiter.api.Assertions.fail("the cluster did not become healthy: " + proxy.server.runtime().view());
  }

  @AfterAll
  void stopProxy() throws SQLException {
    for (Connection c : counterConnections.values()) {
      c.close();
    }
    if (proxy != null) {
      proxy.close();
    }
  }

  Set<Long> slaveIds() {
    return cluster().slaves().stream().map(Instance::serverId).collect(Collectors.toSet());
  }

  long masterId() {
    return cluster().master().serverId();
  }

  /** One root connection per server for reading counters: a new connection's own setup would count. */
  private final Map<String, Connection> counterConnections = new HashMap<>();

  long status(Instance i, String variable) throws SQLException {
    Connection c = counterConnections.get(i.name());
    if (c == null || !c.isValid(2)) { // a server restarted by another test drops it
      c = TestSql.root(i);
      counterConnections.put(i.name(), c);
    }
    List<List<String>> rows = TestSql.queryRows(c, "SHOW GLOBAL STATUS LIKE '" + variable + "'");
    return Long.parseLong(rows.get(0).get(1));
  }

  /**
   * Com_select of the master, then of each slave. Each is read until two reads in a row agree:
   * MySQL's global counter dips for a moment while a session disconnects (its counts leave the
   * live sessions before they reach the global total), and a disconnect elsewhere (a pool
   * closing a connection, another test's leftovers ending) then read as a SELECT count of -1.
   */
  long[] selectCounters() throws SQLException {
    List<Instance> servers = new ArrayList<>();
    servers.add(cluster().master());
    servers.addAll(cluster().slaves());
    long[] out = new long[servers.size()];
    for (int i = 0; i < out.length; i++) {
      long previous = status(servers.get(i), "Com_select");
      long now = status(servers.get(i), "Com_select");
      for (int tries = 0; now != previous && tries < 20; tries++) {
        previous = now;
        now = status(servers.get(i), "Com_select");
      }
      out[i] = now;
    }
    return out;
  }

  // ---- routing ----

  @Test
  void plainReadsReachTheSlavesAndWritesTheMaster() throws Exception {
    Map<String, Long> selectsBefore = new HashMap<>();
    Map<String, Long> insertsBefore = new HashMap<>();
    for (Instance i : cluster().sandbox().instances()) {
      status(i, "Com_select"); // opens the counter connections before counting starts
    }
    // Eight sessions: each one's reads stay on one slave for a while (read-affinity), and
    // consecutive sessions are given the slaves in turn by weight.
    List<Connection> sessions = new ArrayList<>();
    try {
      for (int i = 0; i < 8; i++) {
        sessions.add(proxy.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true"));
      }
      Connection c = sessions.get(0);
      // Counted from here, after the driver's own connect-time statements.
      for (Instance i : cluster().sandbox().instances()) {
        selectsBefore.put(i.name(), status(i, "Com_select"));
        insertsBefore.put(i.name(), status(i, "Com_insert"));
      }
      for (int i = 0; i < 10; i++) {
        TestSql.execute(c, "INSERT INTO items (v) VALUES ('routing-" + i + "')");
      }
      for (Connection session : sessions) {
        for (int i = 0; i < 5; i++) {
          assertTrue(slaveIds().contains(TestSql.serverId(session)), "a plain SELECT ran on a slave");
        }
      }
      assertEquals(masterId(), Long.parseLong(TestSql.queryString(c, "/*master*/ SELECT @@server_id")));
    } finally {
      for (Connection session : sessions) {
        session.close();
      }
    }
    assertEquals(insertsBefore.get(cluster().master().name()) + 10, status(cluster().master(), "Com_insert"),
        "the master ran every INSERT");
    // The slaves are super_read_only, so an INSERT routed there would have failed: all ten
    // succeeded and the master counted them. (A slave's Com_insert also counts replicated rows.)
    long slaveSelects = 0;
    for (Instance s : cluster().slaves()) {
      long delta = status(s, "Com_select") - selectsBefore.get(s.name());
      assertTrue(delta >= 10, "slave " + s.name() + " served reads: " + delta);
      slaveSelects += delta;
    }
    assertTrue(slaveSelects >= 40, "the slaves ran the 40 reads: " + slaveSelects);
    long masterSelects = status(cluster().master(), "Com_select") - selectsBefore.get(cluster().master().name());
    assertEquals(1, masterSelects, "only the /*master*/ read ran on the master");
  }

  @Test
  void weightsOneToThreeSplitReadsOneToThree() throws Exception {
    // Every read chosen by weight (read-affinity = 0), so that one session shows the split.
    try (ProxyFixture weighted = ProxyFixture.start(cluster().sandbox(),
        c -> ProxyFixture.readAffinity(Duration.ZERO).apply(ProxyFixture.weights(1, 3).apply(c)));
         Connection c = weighted.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
      Instance s0 = cluster().slaves().get(0);
      Instance s1 = cluster().slaves().get(1);
      long before0 = status(s0, "Com_select");
      long before1 = status(s1, "Com_select");
      Map<Long, Integer> byServer = new HashMap<>();
      for (int i = 0; i < 400; i++) {
        byServer.merge(TestSql.serverId(c), 1, Integer::sum);
      }
      int n0 = byServer.getOrDefault(s0.serverId(), 0);
      int n1 = byServer.getOrDefault(s1.serverId(), 0);
      assertEquals(400, n0 + n1, "every read on a slave: " + byServer);
      assertTrue(Math.abs(n0 - 100) <= 10 && Math.abs(n1 - 300) <= 10, "close to 1:3: " + byServer);
      long d0 = status(s0, "Com_select") - before0;
      long d1 = status(s1, "Com_select") - before1;
      assertTrue(Math.abs(d1 - 3 * d0) <= 30, "the servers' own counters agree: " + d0 + " vs " + d1);
    }
  }

  /**
   * With read-affinity, one session's reads stay on one slave for that long and then move on by
   * weight: over two seconds with 300 ms, the session meets both slaves, a few times each, and
   * never changes slave sooner than the affinity allows.
   */
  @Test
  void aSessionsReadsStayOnOneSlaveForTheReadAffinity() throws Exception {
    try (ProxyFixture sticky = ProxyFixture.start(cluster().sandbox(), ProxyFixture.readAffinity(Duration.ofMillis(300)));
         Connection c = sticky.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
      List<Long> changes = new ArrayList<>(); // when the session's reads moved to another slave
      long previous = -1;
      int reads = 0;
      long start = System.nanoTime();
      while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2)) {
        long server = TestSql.serverId(c);
        assertTrue(slaveIds().contains(server), "read " + reads + " ran on a slave, not on " + server);
        if (server != previous) {
          changes.add(System.nanoTime());
          previous = server;
        }
        reads++;
      }
      assertTrue(changes.size() >= 3 && changes.size() <= 9,
          changes.size() + " slaves in turn over 2 s of " + reads + " reads, with 300 ms each");
      for (int i = 1; i < changes.size(); i++) {
        long gapMillis = TimeUnit.NANOSECONDS.toMillis(changes.get(i) - changes.get(i - 1));
        // The proxy's clock starts a little after the client's; 50 ms of slack for that.
        assertTrue(gapMillis >= 250, "stayed " + gapMillis + " ms on a slave, less than the 300 ms affinity");
      }
    }
  }

  @Test
  void transactionReadsStayOnTheMaster() throws Exception {
    try (Connection c = proxy.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
      c.setAutoCommit(false);
      TestSql.execute(c, "INSERT INTO items (v) VALUES ('in-txn')");
      assertEquals(masterId(), TestSql.serverId(c));
      assertEquals("1", TestSql.queryString(c, "SELECT COUNT(*) FROM items WHERE v = 'in-txn'"),
          "the transaction sees its own uncommitted row");
      c.rollback();
      c.setAutoCommit(true);
      assertTrue(slaveIds().contains(TestSql.serverId(c)));
    }
  }

  // ---- clients and authentication ----

  @Test
  void connectorJWithDefaultSettingsWritesAndReads() throws Exception {
    try (Connection c = proxy.connect("")) {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO items (v) VALUES (?)", Statement.RETURN_GENERATED_KEYS)) {
        ps.setString(1, "default-settings 😀");
        ps.executeUpdate();
        try (ResultSet keys = ps.getGeneratedKeys()) {
          assertTrue(keys.next() && keys.getLong(1) > 0, "generated key reported");
        }
      }
      assertEquals("default-settings 😀",
          TestSql.queryString(c, "/*master*/ SELECT v FROM items WHERE v LIKE 'default-settings%'"));
    }
  }

  @Test
  void serverSidePreparedStatementsWork() throws Exception {
    try (Connection c = proxy.connect("useServerPrepStmts=true&sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO items (v) VALUES (?)")) {
        for (int i = 0; i < 5; i++) {
          ps.setString(1, "ps-" + i);
          assertEquals(1, ps.executeUpdate());
        }
      }
      try (PreparedStatement ps = c.prepareStatement("/*master*/ SELECT COUNT(*) FROM items WHERE v LIKE ?")) {
        ps.setString(1, "ps-%");
        try (ResultSet rs = ps.executeQuery()) {
          assertTrue(rs.next());
          assertEquals(5, rs.getInt(1));
        }
      }
    }
  }

  static final String SERVER_PS = "useServerPrepStmts=true&cachePrepStmts=true&sslMode=DISABLED&allowPublicKeyRetrieval=true";

  @Test
  void serverPreparedReadsRunOnSlavesAndWritesOnTheMaster() throws Exception {
    // Every read chosen by weight, so the statement is prepared lazily on the second slave too.
    try (ProxyFixture perRead = ProxyFixture.start(cluster().sandbox(), ProxyFixture.readAffinity(Duration.ZERO));
         Connection c = perRead.connect(SERVER_PS)) {
      long slaveExecBefore = 0;
      for (Instance sl : cluster().slaves()) {
        slaveExecBefore += status(sl, "Com_stmt_execute");
      }
      long masterExecBefore = status(cluster().master(), "Com_stmt_execute");
      java.util.Set<Long> seen = new java.util.HashSet<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT @@server_id, ? + 1")) {
        for (int i = 0; i < 20; i++) {
          ps.setInt(1, i); // same types after the first execution: the driver stops sending them
          try (ResultSet rs = ps.executeQuery()) {
            assertTrue(rs.next());
            seen.add(rs.getLong(1));
            assertEquals(i + 1, rs.getInt(2));
          }
        }
      }
      assertEquals(slaveIds(), seen, "the prepared read ran on both slaves");
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO items (v) VALUES (?)")) {
        for (int i = 0; i < 5; i++) {
          ps.setString(1, "prepared-write-" + i);
          assertEquals(1, ps.executeUpdate());
        }
      }
      long slaveExec = -slaveExecBefore;
      for (Instance sl : cluster().slaves()) {
        slaveExec += status(sl, "Com_stmt_execute");
      }
      assertEquals(20, slaveExec, "the slaves executed the 20 reads");
      assertEquals(5, status(cluster().master(), "Com_stmt_execute") - masterExecBefore, "the master the 5 writes");
    }
  }

  @Test
  void batchRewritingSendsMultiRowInsertsAndMultiStatementUpdates() throws Exception {
    try (Connection c = proxy.connect("rewriteBatchedStatements=true&sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO items (v) VALUES (?)")) {
        for (int i = 0; i < 100; i++) {
          ps.setString(1, "batch-" + i);
          ps.addBatch();
        }
        int[] counts = ps.executeBatch(); // one multi-row INSERT
        assertEquals(100, counts.length);
      }
      try (PreparedStatement ps = c.prepareStatement("UPDATE items SET v = ? WHERE v = ?")) {
        for (int i = 0; i < 10; i++) {
          ps.setString(1, "batched-" + i);
          ps.setString(2, "batch-" + i);
          ps.addBatch();
        }
        // Connector/J turns multi-statements on with COM_SET_OPTION and sends "UPDATE ...; UPDATE ..."
        int[] counts = ps.executeBatch();
        assertEquals(10, java.util.Arrays.stream(counts).sum());
      }
      assertEquals("100", TestSql.queryString(c, "/*master*/ SELECT COUNT(*) FROM items WHERE v LIKE 'batch%'"));
      assertEquals("10", TestSql.queryString(c, "/*master*/ SELECT COUNT(*) FROM items WHERE v LIKE 'batched-%'"));
      assertTrue(slaveIds().contains(TestSql.serverId(c)), "plain reads still reach the slaves afterwards");
    }
  }

  @Test
  void longDataReachesTheBackendThatExecutes() throws Exception {
    byte[] blob = new byte[300_000];
    new Random(7).nextBytes(blob);
    try (Connection c = proxy.connect(SERVER_PS)) {
      long id;
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO items (v, b) VALUES ('long-data', ?)",
          Statement.RETURN_GENERATED_KEYS)) {
        ps.setBinaryStream(1, new java.io.ByteArrayInputStream(blob), blob.length); // COM_STMT_SEND_LONG_DATA
        ps.executeUpdate();
        try (ResultSet k = ps.getGeneratedKeys()) {
          k.next();
          id = k.getLong(1);
        }
      }
      try (PreparedStatement ps = c.prepareStatement("/*master*/ SELECT b FROM items WHERE id = ?")) {
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          assertTrue(rs.next());
          assertArrayEquals(blob, rs.getBytes(1));
        }
      }
    }
  }

  @Test
  void cursorFetchReadsEveryRow() throws Exception {
    try (Connection c = proxy.connect(SERVER_PS + "&useCursorFetch=true");
         PreparedStatement ps = c.prepareStatement("SELECT seq FROM " + numbers(250) + " n ORDER BY seq")) {
      ps.setFetchSize(20); // COM_STMT_EXECUTE opens a cursor, COM_STMT_FETCH reads 20 rows at a time
      long sum = 0;
      int rows = 0;
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          sum += rs.getLong(1);
          rows++;
        }
      }
      assertEquals(250, rows);
      assertEquals(250L * 251 / 2, sum);
      assertTrue(slaveIds().contains(TestSql.serverId(c)), "the cursor's pin ended with it");
    }
  }

  /**
   * A cursor outlives the statements run beside it, as on a direct connection: writes (the
   * master), plain reads (a slave), a second cursor over the same SQL (one cached backend
   * statement would serve both, and executing it again closes the first's cursor), a pin, and
   * a COMMIT. Compared with what the master answers directly, in autocommit mode and in a
   * transaction.
   */
  @Test
  void aCursorOutlivesTheStatementsRunBesideItAsDirectly() throws Exception {
    for (boolean autocommit : new boolean[] {true, false}) {
      List<String> direct;
      try (Connection d = DriverManager.getConnection(cluster().master().jdbcUrl("app") + "?" + SERVER_PS
          + "&useCursorFetch=true", "app", "app")) {
        direct = cursorsBesideOtherStatements(d, autocommit);
      }
      try (Connection c = proxy.connect(SERVER_PS + "&useCursorFetch=true")) {
        assertEquals(direct, cursorsBesideOtherStatements(c, autocommit), "autocommit " + autocommit);
        assertEquals(1, TestSql.queryRows(c, "SELECT 1").size(), "the session goes on");
      }
    }
  }

  /**
   * A FETCH needs none of what the session changed since its cursor opened: the proxy sent the
   * session's state to the cursor's connection first, and a USE of a schema dropped since then
   * failed the FETCH (1049) where the server simply fetches.
   */
  @Test
  void aFetchDoesNotDependOnWhatTheSessionChangedSince() throws Exception {
    try (Connection root = TestSql.root(cluster().master())) {
      TestSql.execute(root, "CREATE DATABASE IF NOT EXISTS cursor_gone", "GRANT ALL ON cursor_gone.* TO 'app'@'%'");
    }
    cluster().sandbox().awaitReplication(Duration.ofSeconds(30));
    try (Connection c = proxy.connect(SERVER_PS + "&useCursorFetch=true");
         PreparedStatement ps = c.prepareStatement("SELECT seq FROM " + numbers(50) + " n ORDER BY seq")) {
      ps.setFetchSize(10);
      try (ResultSet rs = ps.executeQuery()) {
        int expected = 1;
        while (rs.next()) {
          assertEquals(expected, rs.getInt(1));
          if (expected == 15) {
            TestSql.execute(c, "USE cursor_gone");
            try (Connection root = TestSql.root(cluster().master())) {
              TestSql.execute(root, "DROP DATABASE cursor_gone");
            }
            cluster().sandbox().awaitReplication(Duration.ofSeconds(30));
          }
          expected++;
        }
        assertEquals(51, expected);
      }
    }
  }

  /**
   * What one session sets never reaches the next session that gets its connections. A login
   * with a default schema ran USE on a master connection and then took that connection for
   * one in the new session's state: the next session's master statements ran under the
   * previous one's sql_mode, time_zone, foreign_key_checks and charset (strict mode and
   * foreign keys silently off, text stored double-encoded). And SET SESSION foreign_key_checks
   * = DEFAULT, what the reset sent, turns the checks OFF on MySQL.
   */
  @Test
  void whatASessionSetsNeverReachesTheNextSession() throws Exception {
    String probe = "SELECT @@session.sql_mode, @@session.time_zone, @@session.foreign_key_checks,"
        + " @@session.unique_checks, @@session.sql_select_limit, @@session.character_set_client";
    String params = "sslMode=DISABLED&allowPublicKeyRetrieval=true";
    List<List<String>> fresh;
    try (Connection d = TestSql.connect(cluster().master().jdbcUrl("app") + "?" + params, "app", "app")) {
      fresh = TestSql.queryRows(d, probe);
    }
    Set<String> slaves = slaveIds().stream().map(String::valueOf).collect(Collectors.toSet());
    // One event loop, so the next session gets the connections the previous one released.
    try (ProxyFixture oneLoop = ProxyFixture.start(cluster().sandbox(), 1, EventLoopBinding.OFF)) {
      for (int round = 0; round < 2; round++) {
        try (Connection previous = oneLoop.connect(params)) {
          TestSql.execute(previous, "SET sql_mode = 'ANSI'", "SET time_zone = '+09:00'", "SET foreign_key_checks = 0",
              "SET unique_checks = 0", "SET sql_select_limit = 7", "SET character_set_client = latin1");
          assertTrue(slaves.contains(TestSql.queryString(previous, "SELECT @@server_id")), "a read on a slave");
          TestSql.queryRows(previous, "/*master*/ SELECT 1");
        }
        try (Connection next = oneLoop.connect(params)) {
          assertEquals(fresh, TestSql.queryRows(next, "/*master*/ " + probe), "on the master, round " + round);
          assertEquals(fresh, TestSql.queryRows(next, probe), "on a slave, round " + round);
        }
      }
    }
  }

  /**
   * A FETCH leaves the diagnostics area alone: SHOW WARNINGS after it shows the warnings of the
   * statement before it, as directly. The proxy went back to the cursor's connection (or
   * cleared the diagnostics) and showed none.
   */
  @Test
  void showWarningsAfterAFetchIsAboutTheStatementBeforeIt() throws Exception {
    List<List<String>> direct;
    try (Connection d = TestSql.connect(cluster().master().jdbcUrl("app") + "?" + SERVER_PS + "&useCursorFetch=true",
        "app", "app")) {
      direct = warningsAfterAFetch(d, "DO 1/0");
    }
    assertEquals("1365", direct.get(0).get(1), "directly: the division's warning");
    try (Connection c = proxy.connect(SERVER_PS + "&useCursorFetch=true")) {
      // The warning on the master, then on the cursor's slave (a read: it runs on the connection
      // parked for the cursor).
      assertEquals(direct, warningsAfterAFetch(c, "/*master*/ DO 1/0"));
      assertEquals(direct, warningsAfterAFetch(c, "SELECT 1/0"));
    }
  }

  /** Opens a cursor (on a slave), runs {@code warning}, fetches, and reads SHOW WARNINGS. */
  private static List<List<String>> warningsAfterAFetch(Connection c, String warning) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT seq FROM " + numbers(20) + " n ORDER BY seq")) {
      ps.setFetchSize(5);
      try (ResultSet rs = ps.executeQuery()) {
        assertTrue(rs.next());
        TestSql.execute(c, warning);
        for (int i = 0; i < 6; i++) {
          assertTrue(rs.next()); // the sixth row is in the second FETCH
        }
        return TestSql.queryRows(c, "SHOW WARNINGS");
      }
    }
  }

  /**
   * COM_SET_OPTION turns multi-statements on for the session's held connection, which must not
   * go back to a pool of connections without them. A FETCH on a cursor's parked connection in
   * between took the held connection's "discard when released" mark, and the next session got
   * a connection running "SELECT 1; SELECT 2" as two statements where the server answers 1064.
   */
  @Test
  void multiStatementsSetOnAHeldConnectionDoNotReachOtherSessions() throws Exception {
    String twoStatements = "/*master*/ SELECT 1; SELECT 2";
    int direct;
    try (RawClient d = direct()) {
      direct = firstByteAndCode(query(d, twoStatements));
    }
    assertEquals(1064, direct, "the server without CLIENT_MULTI_STATEMENTS");
    // One event loop: the master pool hands the next session its most recently released connection.
    try (ProxyFixture oneLoop = ProxyFixture.start(cluster().sandbox(), 1, EventLoopBinding.OFF);
         RawClient a = new RawClient(oneLoop.port(), "app", "app", "app")) {
      byte[] prepared = a.command(io.sluice.protocol.CommandType.COM_STMT_PREPARE,
          buf -> new io.sluice.protocol.packet.ComStmtPrepare("SELECT seq FROM " + numbers(20) + " n").encode(buf)).get(0);
      int id = (prepared[1] & 0xFF) | (prepared[2] & 0xFF) << 8 | (prepared[3] & 0xFF) << 16 | (prepared[4] & 0xFF) << 24;
      a.command(io.sluice.protocol.CommandType.COM_STMT_EXECUTE, // opens a cursor, parked on a slave
          buf -> buf.writeByte(0x17).writeIntLE(id).writeByte(0x01).writeIntLE(1));
      assertEquals(0x00, query(a, "BEGIN")[0]);
      assertEquals(0x00, query(a, "INSERT INTO items (v) VALUES ('multi-held')")[0], "holds a master connection");
      a.command(io.sluice.protocol.CommandType.COM_SET_OPTION, buf -> buf.writeByte(0x1b).writeShortLE(0)); // ON
      List<byte[]> fetched = a.command(io.sluice.protocol.CommandType.COM_STMT_FETCH,
          buf -> buf.writeByte(0x1c).writeIntLE(id).writeIntLE(5));
      assertTrue(fetched.size() >= 5, "rows from the cursor: " + fetched.size());
      assertEquals(0x00, query(a, "COMMIT")[0]);
      try (RawClient b = new RawClient(oneLoop.port(), "app", "app", "app")) {
        assertEquals(direct, firstByteAndCode(query(b, twoStatements)), "another session, without multi-statements");
      }
    }
  }

  /** The error code of an ERR packet, or -1 for any other first packet. */
  private static int firstByteAndCode(byte[] packet) {
    return (packet[0] & 0xFF) == 0xFF ? (packet[1] & 0xFF) | (packet[2] & 0xFF) << 8 : -1;
  }

  /** What a client sees of two cursors over one SQL while other statements run between fetches. */
  private static List<String> cursorsBesideOtherStatements(Connection c, boolean autocommit) throws SQLException {
    List<String> seen = new ArrayList<>();
    c.setAutoCommit(autocommit);
    String sql = "SELECT seq FROM " + numbers(120) + " n ORDER BY seq";
    try (PreparedStatement a = c.prepareStatement(sql); PreparedStatement b = c.prepareStatement(sql);
         PreparedStatement insert = c.prepareStatement("INSERT INTO items (v) VALUES (?)")) {
      a.setFetchSize(10); // a FETCH every 10 rows
      b.setFetchSize(7);
      try (ResultSet ra = a.executeQuery()) {
        while (true) {
          try {
            if (!ra.next()) {
              break;
            }
          } catch (SQLException e) {
            seen.add("fetch failed: " + e.getErrorCode() + " " + e.getSQLState());
            break;
          }
          int seq = ra.getInt(1);
          seen.add("a " + seq);
          if (seq % 25 != 0) {
            continue;
          }
          insert.setString(1, "beside-cursor");
          seen.add("insert " + insert.executeUpdate());
          seen.add("read " + TestSql.queryRows(c, "SELECT COUNT(*) FROM " + numbers(5) + " n"));
          try (ResultSet rb = b.executeQuery()) {
            int rows = 0;
            long sum = 0;
            while (rb.next()) {
              rows++;
              sum += rb.getLong(1);
            }
            seen.add("b " + rows + " rows, sum " + sum);
          }
          if (seq == 50) {
            TestSql.execute(c, "SET @beside_cursor = 1"); // pins the session to the master from here
          }
          if (seq == 75 && !autocommit) {
            c.commit();
            seen.add("committed");
          }
        }
      }
    } finally {
      if (!autocommit) {
        c.rollback();
        c.setAutoCommit(true);
      }
    }
    return seen;
  }

  /**
   * COM_STMT_CLOSE has no answer, so a client sends its next command right after it. Closing a
   * statement with an open cursor makes the proxy close the cursor on its connection (the held
   * one here): the next command must not find that connection busy (which once failed it and,
   * in a transaction, closed the client's connection).
   */
  @Test
  void aCommandRightAfterClosingACursorWaitsForTheCursorsReset() throws Exception {
    try (RawClient p = proxied()) {
      assertEquals(0x00, query(p, "BEGIN")[0]);
      String sql = "SELECT seq FROM " + numbers(50) + " n ORDER BY seq";
      byte[] prepared = p.command(io.sluice.protocol.CommandType.COM_STMT_PREPARE,
          buf -> new io.sluice.protocol.packet.ComStmtPrepare(sql).encode(buf)).get(0);
      assertEquals(0x00, prepared[0], "PREPARE_OK");
      int id = (prepared[1] & 0xFF) | (prepared[2] & 0xFF) << 8 | (prepared[3] & 0xFF) << 16 | (prepared[4] & 0xFF) << 24;
      // flags 0x01: CURSOR_TYPE_READ_ONLY; the answer is the column definitions, rows come by FETCH
      p.command(io.sluice.protocol.CommandType.COM_STMT_EXECUTE,
          buf -> buf.writeByte(0x17).writeIntLE(id).writeByte(0x01).writeIntLE(1));
      // COM_STMT_CLOSE (no answer) and the next command in one send, as a pipelining client does
      p.sendTogether(List.of(buf -> buf.writeByte(0x19).writeIntLE(id),
          buf -> new io.sluice.protocol.packet.ComQuery("SELECT 1").encode(buf)));
      ResponseTracker next = p.readUntilComplete(io.sluice.protocol.CommandType.COM_QUERY);
      assertFalse(next.isError(), "SELECT 1 answered: " + (next.isError() ? next.error() : ""));
      assertEquals(1, next.rowCount());
      assertEquals(0x00, query(p, "COMMIT")[0], "the transaction and its connection are still there");
    }
  }

  /**
   * A backend statement is shared by sessions only when they would parse it alike: one prepared
   * under ANSI_QUOTES ("v" a column) must not serve a session without it ("v" a string). With one
   * event loop the master pool hands out its most recently released connection: the one the
   * ANSI_QUOTES session's transaction prepared the statement on.
   */
  @Test
  void aCachedBackendStatementServesOnlySessionsThatParseItAlike() throws Exception {
    String sql = "/*master*/ SELECT \"v\" FROM (SELECT 'col' AS v) t";
    Map<String, String> direct = new HashMap<>();
    for (String mode : List.of("ANSI_QUOTES", "")) {
      try (Connection d = DriverManager.getConnection(cluster().master().jdbcUrl("app") + "?" + SERVER_PS, "app", "app")) {
        TestSql.execute(d, "SET sql_mode = '" + mode + "'");
        direct.put(mode, preparedRead(d, sql));
      }
    }
    assertEquals(Map.of("ANSI_QUOTES", "col", "", "v"), direct, "what the server itself answers");
    try (ProxyFixture oneLoop = ProxyFixture.start(cluster().sandbox(), 1, EventLoopBinding.OFF);
         Connection ansi = oneLoop.connect(SERVER_PS); Connection plain = oneLoop.connect(SERVER_PS)) {
      TestSql.execute(ansi, "SET sql_mode = 'ANSI_QUOTES'");
      TestSql.execute(ansi, "START TRANSACTION"); // holds a master connection and prepares there
      assertEquals(direct.get("ANSI_QUOTES"), preparedRead(ansi, sql));
      assertEquals(direct.get(""), preparedRead(plain, sql), "prepared on another master connection");
      TestSql.execute(ansi, "COMMIT"); // its connection, with its statement, is now the pool's next
      assertEquals(direct.get(""), preparedRead(plain, sql), "on the connection the ANSI_QUOTES session used");
      assertEquals(direct.get("ANSI_QUOTES"), preparedRead(ansi, sql));
    }
  }

  /**
   * A prepared statement keeps the parse of its PREPARE when the session changes sql_mode
   * afterwards, as on the server: it was prepared again under the new mode (the cache key
   * now holds the mode) and "v" turned from a string into a column.
   */
  @Test
  void aPreparedStatementKeepsTheParseOfItsPrepare() throws Exception {
    String sql = "/*master*/ SELECT \"v\" FROM (SELECT 'col' AS v) t";
    List<String> direct;
    try (Connection d = DriverManager.getConnection(cluster().master().jdbcUrl("app") + "?" + SERVER_PS, "app", "app")) {
      direct = readBeforeAndAfterAnsiQuotes(d, sql);
    }
    assertEquals(List.of("v", "v"), direct, "what the server itself answers");
    try (ProxyFixture oneLoop = ProxyFixture.start(cluster().sandbox(), 1, EventLoopBinding.OFF);
         Connection c = oneLoop.connect(SERVER_PS)) {
      assertEquals(direct, readBeforeAndAfterAnsiQuotes(c, sql));
    }
  }

  /**
   * A connection that never had the statement prepares it under the PREPARE's sql_mode, not
   * the session's current one: the master connection that prepared it is held by another
   * session's transaction, so the execution runs on another one, which prepared it under
   * ANSI_QUOTES and read "v" as a column.
   */
  @Test
  void aConnectionNewToAPreparedStatementPreparesItUnderItsPrepareSqlMode() throws Exception {
    String sql = "/*master*/ SELECT \"v\" FROM (SELECT 'col' AS v) new_to_it";
    try (ProxyFixture oneLoop = ProxyFixture.start(cluster().sandbox(), 1, EventLoopBinding.OFF);
         Connection c = oneLoop.connect(SERVER_PS);
         Connection other = oneLoop.connect(SERVER_PS)) {
      TestSql.execute(c, "SET sql_mode = ''");
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        // The other session's transaction takes the connection just released: the PREPARE's.
        TestSql.execute(other, "BEGIN");
        TestSql.execute(other, "SELECT 1 FROM items LIMIT 1");
        TestSql.execute(c, "SET sql_mode = 'ANSI_QUOTES'");
        try (ResultSet rs = ps.executeQuery()) {
          assertTrue(rs.next());
          assertEquals("v", rs.getString(1), "the string of the PREPARE's parse, as directly");
        }
        TestSql.execute(other, "COMMIT");
        assertEquals(List.of(List.of("ANSI_QUOTES")), TestSql.queryRows(c, "/*master*/ SELECT @@sql_mode"),
            "the session's own sql_mode is intact");
        try (PreparedStatement again = c.prepareStatement("/*master*/ SELECT \"v\" FROM (SELECT 'col' AS v) t2");
             ResultSet rs = again.executeQuery()) {
          assertTrue(rs.next());
          assertEquals("col", rs.getString(1), "a statement prepared now is read under ANSI_QUOTES");
        }
      }
    }
  }

  private static List<String> readBeforeAndAfterAnsiQuotes(Connection c, String sql) throws SQLException {
    List<String> read = new ArrayList<>();
    TestSql.execute(c, "SET sql_mode = ''");
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (String mode : List.of("", "ANSI_QUOTES")) {
        TestSql.execute(c, "SET sql_mode = '" + mode + "'");
        try (ResultSet rs = ps.executeQuery()) {
          assertTrue(rs.next());
          read.add(rs.getString(1));
        }
      }
    }
    return read;
  }

  private static String preparedRead(Connection c, String sql) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
      assertTrue(rs.next());
      return rs.getString(1);
    }
  }

  /**
   * A session holds at most 16,382 prepared statements (MySQL's default max_prepared_stmt_count,
   * which a server applies to all sessions together): past that PREPARE gets the server's 1461,
   * worded as the server words it, and closing one makes room again. A client that never closes
   * its statements cannot grow the proxy without bound.
   */
  @Test
  void aSessionsPreparedStatementsAreBoundedAsOnTheServer() throws Exception {
    java.util.function.Consumer<io.netty.buffer.ByteBuf> prepare =
        buf -> new io.sluice.protocol.packet.ComStmtPrepare("SELECT 1").encode(buf);
    String direct;
    try (Connection root = TestSql.root(cluster().master()); RawClient d = direct()) {
      String limit = TestSql.queryString(root, "SELECT @@GLOBAL.max_prepared_stmt_count");
      TestSql.execute(root, "SET GLOBAL max_prepared_stmt_count = 0");
      try {
        direct = errorOf(d.command(io.sluice.protocol.CommandType.COM_STMT_PREPARE, prepare).get(0));
      } finally {
        TestSql.execute(root, "SET GLOBAL max_prepared_stmt_count = " + limit);
      }
    }
    assertTrue(direct.startsWith("1461 42000 "), "what the server answers at its limit: " + direct);
    try (RawClient p = proxied()) {
      for (int i = 1; i <= 16_382; i++) {
        byte[] ok = p.command(io.sluice.protocol.CommandType.COM_STMT_PREPARE, prepare).get(0);
        assertEquals(0x00, ok[0], "statement " + i);
      }
      String refused = errorOf(p.command(io.sluice.protocol.CommandType.COM_STMT_PREPARE, prepare).get(0));
      assertEquals(direct.replace("(current value: 0)", "(current value: 16382)"), refused);
      p.send(buf -> buf.writeByte(0x19).writeIntLE(1)); // COM_STMT_CLOSE of the first
      assertEquals(0x00, p.command(io.sluice.protocol.CommandType.COM_STMT_PREPARE, prepare).get(0)[0], "room again");
      assertTrue((query(p, "SELECT 1")[0] & 0xFF) != 0xFF, "the session goes on");
    }
  }

  /** "code sqlstate message" of an ERR packet. */
  private static String errorOf(byte[] err) {
    assertEquals(0xFF, err[0] & 0xFF, "an ERR packet: " + new String(err, StandardCharsets.UTF_8));
    return ((err[1] & 0xFF) | (err[2] & 0xFF) << 8) + " " + new String(err, 4, 5, StandardCharsets.US_ASCII) + " "
        + new String(err, 9, err.length - 9, StandardCharsets.UTF_8);
  }

  @Test
  void preparingManyStatementsDoesNotExhaustTheBackends() throws Exception {
    try (Connection c = proxy.connect("useServerPrepStmts=true&sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
      for (int i = 0; i < 300; i++) {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + i + " + ?")) { // 300 distinct statements
          ps.setInt(1, 1);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            assertEquals(i + 1, rs.getInt(1));
          }
        }
      }
    }
    for (Instance i : cluster().sandbox().instances()) {
      long open = status(i, "Prepared_stmt_count");
      assertTrue(open <= 64 * 4, i.name() + " holds " + open + " prepared statements");
    }
  }

  @Test
  void unknownStatementIdGetsTheServersError() throws Exception {
    try (RawClient d = direct(); RawClient p = proxied()) {
      java.util.function.Consumer<io.netty.buffer.ByteBuf> execute =
          buf -> buf.writeByte(0x17).writeIntLE(12345).writeByte(0).writeIntLE(1);
      byte[] err = p.command(io.sluice.protocol.CommandType.COM_STMT_EXECUTE, execute).get(0);
      assertEquals(0xFF, err[0] & 0xFF);
      assertEquals(1243, (err[1] & 0xFF) | (err[2] & 0xFF) << 8);
      assertEquals(new String(d.command(io.sluice.protocol.CommandType.COM_STMT_EXECUTE, execute).get(0), StandardCharsets.UTF_8),
          new String(err, StandardCharsets.UTF_8), "the server's own ERR packet, message included");
      java.util.function.Consumer<io.netty.buffer.ByteBuf> reset = buf -> buf.writeIntLE(12345);
      assertEquals(new String(d.command(io.sluice.protocol.CommandType.COM_STMT_RESET, reset).get(0), StandardCharsets.UTF_8),
          new String(p.command(io.sluice.protocol.CommandType.COM_STMT_RESET, reset).get(0), StandardCharsets.UTF_8),
          "COM_STMT_RESET of an unknown id");
    }
  }

  @Test
  void tlsRequiredConnects() throws Exception {
    try (Connection c = proxy.connect("sslMode=REQUIRED")) {
      assertTrue(slaveIds().contains(TestSql.serverId(c)));
    }
  }

  @Test
  void tlsRequiredIsRefusedWhenTheProxyOffersNoTls() {
    try (ProxyFixture noTls = ProxyFixture.start(cluster().sandbox(), c -> new ProxyConfig(c.source(), c.listen(),
        c.admin(), c.metricsListen(), c.users(), c.backends(), c.monitor(), c.pool(),
        new ProxyConfig.TlsConfig(false, java.util.Optional.empty(), java.util.Optional.empty()), c.backendTls()))) {
      assertThrows(SQLException.class, () -> noTls.connect("sslMode=REQUIRED").close());
    }
  }

  @Test
  void fullAuthenticationWithoutTlsUsesTheRsaPublicKey() throws Exception {
    proxy.server.runtime().authCache().clear();
    SQLException refused = assertThrows(SQLException.class,
        () -> proxy.connect("sslMode=DISABLED").close(), "full auth without TLS needs the public key");
    assertTrue(refused.getMessage().contains("Public Key Retrieval"), refused.getMessage());
    try (Connection c = proxy.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
      assertTrue(slaveIds().contains(TestSql.serverId(c)));
    }
    // Now cached: the fast path needs no key and no TLS, as with MySQL.
    try (Connection c = proxy.connect("sslMode=DISABLED")) {
      assertTrue(slaveIds().contains(TestSql.serverId(c)));
    }
  }

  @Test
  void wrongOrMissingPasswordGetsAccessDeniedAsFromTheServer() {
    for (String password : List.of("wrong", "")) {
      Properties p = new Properties();
      p.setProperty("user", "app");
      p.setProperty("password", password);
      p.setProperty("sslMode", "DISABLED");
      p.setProperty("allowPublicKeyRetrieval", "true");
      SQLException direct = assertThrows(SQLException.class, () -> DriverManager.getConnection(
          cluster().master().jdbcUrl("app"), p).close());
      SQLException proxied = assertThrows(SQLException.class, () -> DriverManager.getConnection(
          "jdbc:mysql://127.0.0.1:" + proxy.port() + "/app", p).close());
      assertEquals(1045, proxied.getErrorCode(), proxied.getMessage());
      assertEquals("28000", proxied.getSQLState());
      // The host part differs (the server sees the proxy); "(using password: YES/NO)" must not.
      String using = direct.getMessage().substring(direct.getMessage().lastIndexOf('('));
      assertEquals(password.isEmpty() ? "(using password: NO)" : "(using password: YES)", using, direct.getMessage());
      assertTrue(proxied.getMessage().endsWith(using), "password '" + password + "': " + proxied.getMessage());
    }
  }

  @Test
  void unknownUserGetsAccessDenied() {
    SQLException e = assertThrows(SQLException.class,
        () -> proxy.connect("nobody", "x", "sslMode=DISABLED&allowPublicKeyRetrieval=true").close());
    assertEquals(1045, e.getErrorCode());
  }

  @Test
  void unknownDatabaseGetsTheSameErrorAsADirectConnection() {
    Properties p = new Properties();
    p.setProperty("user", "app");
    p.setProperty("password", "app");
    p.setProperty("sslMode", "DISABLED");
    p.setProperty("allowPublicKeyRetrieval", "true");
    SQLException direct = assertThrows(SQLException.class, () -> DriverManager.getConnection(
        cluster().master().jdbcUrl("no_such_db"), p).close());
    SQLException proxied = assertThrows(SQLException.class, () -> DriverManager.getConnection(
        "jdbc:mysql://127.0.0.1:" + proxy.port() + "/no_such_db", p).close());
    // app has no privileges outside its schema: MySQL answers 1044 rather than 1049.
    assertEquals(direct.getErrorCode(), proxied.getErrorCode(), proxied.getMessage());
    assertEquals(direct.getSQLState(), proxied.getSQLState());
    assertEquals(direct.getMessage(), proxied.getMessage());
  }

  @Test
  void authSwitchToMysqlNativePassword() throws Exception {
    try (Connection root = TestSql.root(cluster().master())) {
      TestSql.execute(root, createNativeUserSql(), "GRANT ALL ON app.* TO 'native'@'%'");
    }
    cluster().sandbox().awaitReplication(Duration.ofSeconds(30));
    try (ProxyFixture p = ProxyFixture.start(cluster().sandbox(), ProxyFixture.withUser(
        new ProxyConfig.UserConfig("native", "native-pw", "mysql_native_password", 0)));
         Connection c = p.connect("native", "native-pw", "sslMode=DISABLED")) {
      assertTrue(TestSql.queryString(c, "/*master*/ SELECT CURRENT_USER()").startsWith("native@"));
      assertTrue(slaveIds().contains(TestSql.serverId(c)));
    }
  }

  String createNativeUserSql() {
    return "CREATE USER IF NOT EXISTS 'native'@'%' IDENTIFIED WITH mysql_native_password BY 'native-pw'";
  }

  @Test
  void changeUserSwitchesTheAccount() throws Exception {
    authSwitchToMysqlNativePassword();
    try (ProxyFixture p = ProxyFixture.start(cluster().sandbox(), ProxyFixture.withUser(
        new ProxyConfig.UserConfig("native", "native-pw", "mysql_native_password", 0)));
         Connection c = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
      assertTrue(TestSql.queryString(c, "/*master*/ SELECT CURRENT_USER()").startsWith("app@"));
      c.unwrap(com.mysql.cj.jdbc.JdbcConnection.class).changeUser("native", "native-pw");
      assertTrue(TestSql.queryString(c, "/*master*/ SELECT CURRENT_USER()").startsWith("native@"));
    }
  }

  @Test
  void mariadbConnectorJWritesAndReads() throws Exception {
    String url = "jdbc:mariadb://127.0.0.1:" + proxy.port() + "/app?user=app&password=app";
    try (Connection c = DriverManager.getConnection(url + "&sslMode=disable&allowPublicKeyRetrieval=true")) {
      TestSql.execute(c, "INSERT INTO items (v) VALUES ('mariadb-connector')");
      assertTrue(slaveIds().contains(TestSql.serverId(c)));
      assertEquals("1", TestSql.queryString(c, "/*master*/ SELECT COUNT(*) FROM items WHERE v = 'mariadb-connector'"));
    }
    try (Connection c = DriverManager.getConnection(url + "&sslMode=trust")) {
      assertTrue(slaveIds().contains(TestSql.serverId(c)), "over TLS too");
    }
  }

  @Test
  void mariadbCommandLineClientWritesAndReads() throws Exception {
    String out = mariadbCli("INSERT INTO items (v) VALUES ('cli'); SELECT @@server_id; /*master*/ SELECT COUNT(*) FROM items WHERE v = 'cli'");
    String[] lines = out.trim().split("\n");
    assertEquals(2, lines.length, out);
    assertTrue(slaveIds().contains(Long.parseLong(lines[0].trim())), out);
    assertEquals("1", lines[1].trim(), out);
  }

  String mariadbCli(String sql) throws Exception {
    // --comments: by default the client strips comments, /*master*/ hints included, before sending.
    Process p = new ProcessBuilder("mariadb", "--comments", "-h127.0.0.1", "-P" + proxy.port(), "-uapp", "-papp",
        "--batch", "--skip-column-names", "app", "-e", sql).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS), "mariadb client finished");
    assertEquals(0, p.exitValue(), "mariadb client failed: " + out);
    return out;
  }

  // ---- protocol edges ----

  @Test
  void packetsOver16MiBRoundTrip() throws Exception {
    byte[] blob = new byte[17 * 1024 * 1024 + 123];
    new Random(42).nextBytes(blob);
    try (Connection c = proxy.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true&useServerPrepStmts=false")) {
      long id;
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO items (v, b) VALUES ('big', ?)",
          Statement.RETURN_GENERATED_KEYS)) {
        ps.setBytes(1, blob);
        ps.executeUpdate();
        try (ResultSet k = ps.getGeneratedKeys()) {
          k.next();
          id = k.getLong(1);
        }
      }
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("/*master*/ SELECT b FROM items WHERE id = " + id)) {
        assertTrue(rs.next());
        byte[] back = rs.getBytes(1);
        assertEquals(blob.length, back.length);
        assertArrayEquals(MessageDigest.getInstance("SHA-256").digest(blob),
            MessageDigest.getInstance("SHA-256").digest(back));
      }
    }
  }

  @Test
  void largeResultSetStreamsThrough() throws Exception {
    try (Connection c = proxy.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true");
         Statement s = c.createStatement(java.sql.ResultSet.TYPE_FORWARD_ONLY, java.sql.ResultSet.CONCUR_READ_ONLY)) {
      s.setFetchSize(Integer.MIN_VALUE);
      long rows = 0;
      long bytes = 0;
      try (ResultSet rs = s.executeQuery(
          "SELECT a.seq, REPEAT('x', 200) FROM " + numbers(1000) + " a CROSS JOIN " + numbers(300) + " b")) {
        while (rs.next()) {
          rows++;
          bytes += rs.getString(2).length();
        }
      }
      assertEquals(300_000, rows);
      assertEquals(300_000L * 200, bytes);
    }
  }

  /**
   * Sluice frames small forwarded packets into one buffer per backend read and writes large
   * ones as they are: rows on both sides of that line (8 KiB) and of the 64 KiB batch limit,
   * interleaved, must arrive complete and in order.
   */
  @Test
  void rowsOfMixedSizesArriveCompleteAndInOrder() throws Exception {
    String length = "CASE seq % 4 WHEN 0 THEN 70000 WHEN 1 THEN 8170 + seq % 40 WHEN 2 THEN 3 ELSE 600 END";
    try (Connection c = proxy.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true");
         Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT seq, " + length + " AS len, REPEAT(CHAR(65 + seq % 26), " + length
             + ") AS v FROM " + numbers(400) + " n ORDER BY seq")) {
      int expected = 1;
      while (rs.next()) {
        assertEquals(expected, rs.getInt(1));
        String v = rs.getString(3);
        assertEquals(rs.getInt(2), v.length(), "row " + expected);
        char letter = (char) (65 + expected % 26);
        assertEquals(-1, v.chars().filter(ch -> ch != letter).findFirst().orElse(-1), "row " + expected + " content");
        expected++;
      }
      assertEquals(401, expected);
    }
  }

  /** A derived table of 1..n without recursion limits: works on MySQL 5.7, 8.0 and MariaDB. */
  static String numbers(int n) {
    StringBuilder sb = new StringBuilder("(SELECT (t.d + 10 * u.d + 100 * h.d) + 1 AS seq FROM ");
    String digits = "(SELECT 0 d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4"
        + " UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9)";
    sb.append(digits).append(" t, ").append(digits).append(" u, ").append(digits).append(" h");
    sb.append(" WHERE (t.d + 10 * u.d + 100 * h.d) < ").append(n).append(")");
    return sb.toString();
  }

  @Test
  void aClientThatStopsReadingDoesNotMakeTheProxyBufferTheResult() throws Exception {
    // 100 rows of 2 MB: the server produces 200 MB as fast as it can be taken.
    try (RawClient p = proxied()) {
      p.send(buf -> new io.sluice.protocol.packet.ComQuery(
          "SELECT seq, REPEAT('x', 2000000) FROM " + numbers(100) + " n").encode(buf));
      long peak = 0;
      for (int i = 0; i < 30; i++) { // the client reads nothing for 3 s
        Thread.sleep(100);
        peak = Math.max(peak, proxy.server.bufferedClientBytes());
      }
      ResponseTracker done = p.readUntilComplete(io.sluice.protocol.CommandType.COM_QUERY);
      assertEquals(100, done.rowCount(), "every row arrived once the client read again");
      // What may wait in the proxy: one backend read past the client's 64 KiB high-water mark,
      // and a 2 MB row is forwarded as one packet. Without backpressure it is most of 200 MB.
      assertTrue(peak < 8L * 1024 * 1024,
          "the proxy held " + peak / 1024 + " KiB of a 200 MB result for a stalled client");
    }
  }

  @Test
  void malformedHandshakeGetsTheServersErrorAndTheConnectionIsClosed() throws Exception {
    byte[] expected = answerToTruncatedHandshake(cluster().master().port());
    byte[] actual = answerToTruncatedHandshake(proxy.port());
    assertEquals(0xFF, actual[0] & 0xFF, "an ERR packet");
    int code = (actual[1] & 0xFF) | (actual[2] & 0xFF) << 8;
    assertEquals((expected[1] & 0xFF) | (expected[2] & 0xFF) << 8, code, "the server's error code");
    assertEquals(new String(expected, 4, 5, StandardCharsets.US_ASCII), new String(actual, 4, 5, StandardCharsets.US_ASCII),
        "the server's SQLSTATE");
  }

  /** The ERR packet a server answers a 3-byte HandshakeResponse41 with; it must close the connection after it. */
  private static byte[] answerToTruncatedHandshake(int port) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(5000);
      InputStream in = new DataInputStream(s.getInputStream());
      readPacket(in); // greeting
      OutputStream out = s.getOutputStream();
      // Far too short to hold capability flags and a user name.
      out.write(new byte[] {3, 0, 0, 1, 1, 2, 3});
      out.flush();
      byte[] err = readPacket(in);
      assertEquals(-1, in.read(), "port " + port + " closes the connection after its answer");
      return err;
    }
  }

  // ---- Sluice to the backends ----

  /** Whether the flavor's sandbox servers offer TLS (MySQL 8.0 generates certificates; MariaDB has none). */
  boolean backendsOfferTls() {
    return true;
  }

  static java.util.function.UnaryOperator<ProxyConfig> backendTls(String mode) {
    return c -> new ProxyConfig(c.source(), c.listen(), c.admin(), c.metricsListen(), c.users(), c.backends(),
        c.monitor(), c.pool(), c.tls(), new ProxyConfig.BackendTlsConfig(mode, java.util.Optional.empty()));
  }

  @Test
  void backendTlsRequiredEncryptsBackendConnectionsOrRefusesClearly() throws Exception {
    try (ProxyFixture p = ProxyFixture.start(cluster().sandbox(), backendTls("required"))) {
      if (backendsOfferTls()) {
        try (Connection c = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
          // Asked on the backend connection itself: its TLS version.
          String version = TestSql.queryRows(c, "SHOW SESSION STATUS LIKE 'Ssl_version'").get(0).get(1);
          assertTrue(version.startsWith("TLS"), "backend connection encrypted: " + version);
          TestSql.execute(c, "INSERT INTO items (v) VALUES ('over-tls')");
          assertTrue(slaveIds().contains(TestSql.serverId(c)));
        }
      } else {
        SQLException e = assertThrows(SQLException.class,
            () -> p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true").close());
        assertTrue(e.getMessage().contains("does not offer TLS"), e.getMessage());
      }
    }
  }

  @Test
  void backendTlsDisabledLeavesBackendConnectionsPlain() throws Exception {
    try (Connection c = proxy.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
      assertEquals("", TestSql.queryRows(c, "SHOW SESSION STATUS LIKE 'Ssl_version'").get(0).get(1));
    }
  }

  // ---- differential: the same scenario direct and through Sluice ----

  @org.junit.jupiter.api.TestFactory
  java.util.stream.Stream<org.junit.jupiter.api.DynamicTest> scenariosBehaveExactlyAsOnADirectConnection() {
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    return DifferentialScenarios.all().stream().map(sc -> org.junit.jupiter.api.DynamicTest.dynamicTest(sc.name(), () -> {
      int i = n.incrementAndGet();
      List<String> direct;
      List<String> proxied;
      try (Connection c = TestSql.app(cluster().master())) {
        direct = DifferentialScenarios.run(c, sc, "diff_direct_" + i, () -> {});
      }
      // Replication is awaited after each proxied statement: this suite compares semantics;
      // replica lag on plain reads is what read-your-writes (a separate level) is about.
      List<String> misplaced = new ArrayList<>();
      try (Connection c = proxy.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
        proxied = DifferentialScenarios.run(c, sc, "diff_proxy_" + i,
            () -> cluster().sandbox().awaitReplication(Duration.ofSeconds(10)), this::selectCounters, misplaced);
      }
      assertEquals(direct.stream().map(l -> l.replace("diff_direct_" + i, "${t}")).toList(),
          proxied.stream().map(l -> l.replace("diff_proxy_" + i, "${t}")).toList());
      assertEquals(List.of(), misplaced, "statements that ran on the wrong server (Com_select on each)");
    }));
  }

  /** The same scenarios with MariaDB Connector/J on both sides. */
  @org.junit.jupiter.api.TestFactory
  java.util.stream.Stream<org.junit.jupiter.api.DynamicTest> scenariosBehaveAlikeWithMariaDbConnectorJ() {
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    String params = "?user=app&password=app&sslMode=disable&allowPublicKeyRetrieval=true";
    return DifferentialScenarios.all().stream().map(sc -> org.junit.jupiter.api.DynamicTest.dynamicTest(sc.name(), () -> {
      int i = n.incrementAndGet();
      List<String> direct;
      List<String> proxied;
      try (Connection c = DriverManager.getConnection("jdbc:mariadb://" + cluster().master().address() + "/app" + params)) {
        direct = DifferentialScenarios.run(c, sc, "mdiff_direct_" + i, () -> {});
      }
      List<String> misplaced = new ArrayList<>();
      try (Connection c = DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + proxy.port() + "/app" + params)) {
        proxied = DifferentialScenarios.run(c, sc, "mdiff_proxy_" + i,
            () -> cluster().sandbox().awaitReplication(Duration.ofSeconds(10)), this::selectCounters, misplaced);
      }
      assertEquals(direct.stream().map(l -> l.replace("mdiff_direct_" + i, "${t}")).toList(),
          proxied.stream().map(l -> l.replace("mdiff_proxy_" + i, "${t}")).toList());
      assertEquals(List.of(), misplaced, "statements that ran on the wrong server (Com_select on each)");
    }));
  }

  /**
   * The same scenarios as scripts for the mariadb command-line client, one session each, with
   * errors and warnings shown. A script cannot wait for replication between statements, so the
   * proxied session asks for read-your-writes (the proxy's own setting, which prints nothing).
   */
  @org.junit.jupiter.api.TestFactory
  java.util.stream.Stream<org.junit.jupiter.api.DynamicTest> scenariosBehaveAlikeInTheMariadbCommandLineClient() {
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    return DifferentialScenarios.all().stream().map(sc -> org.junit.jupiter.api.DynamicTest.dynamicTest(sc.name(), () -> {
      int i = n.incrementAndGet();
      String direct = mariadbCli(cluster().master().port(), DifferentialScenarios.script(sc, "cdiff_direct_" + i))
          .replace("cdiff_direct_" + i, "${t}");
      // On the script's first line, so the line numbers in error messages stay the same.
      String proxied = mariadbCli(proxy.port(), "SET sluice_consistency = 'read-your-writes'; "
          + DifferentialScenarios.script(sc, "cdiff_proxy_" + i)).replace("cdiff_proxy_" + i, "${t}");
      assertEquals(direct, proxied, "mariadb client output");
    }));
  }

  /** Runs a script in one mariadb client session; returns everything it printed, errors included. */
  private static String mariadbCli(int port, String script) throws Exception {
    Process p = new ProcessBuilder("mariadb", "--protocol=tcp", "-h127.0.0.1", "-P" + port, "-uapp", "-papp",
        "--batch", "--force", "--show-warnings", "app").redirectErrorStream(true).start();
    try (java.io.OutputStream in = p.getOutputStream()) {
      in.write(script.getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "mariadb client finished");
    return out;
  }

  /**
   * A procedure that creates a temporary table leaves state on its connection that Sluice never
   * saw being made. Without session-state information every CALL pins the session; with it
   * (Connector/J's trackSessionState) only a CALL the server reports as changing state does.
   */
  @Test
  void aStoredProcedureThatChangesSessionStateKeepsTheSessionOnItsConnection() throws Exception {
    try (Connection root = TestSql.root(cluster().master())) {
      TestSql.execute(root, "DROP PROCEDURE IF EXISTS app.make_tmp", "DROP PROCEDURE IF EXISTS app.just_insert",
          "CREATE PROCEDURE app.make_tmp() BEGIN CREATE TEMPORARY TABLE IF NOT EXISTS proc_tmp (id INT);"
              + " INSERT INTO proc_tmp VALUES (7); END",
          "CREATE PROCEDURE app.just_insert() BEGIN INSERT INTO app.items (v) VALUES ('from-procedure'); END");
    }
    cluster().sandbox().awaitReplication(Duration.ofSeconds(30));
    try (Connection c = proxy.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
      TestSql.execute(c, "CALL make_tmp()");
      assertEquals(List.of(List.of("7")), TestSql.queryRows(c, "SELECT id FROM proc_tmp"));
      assertEquals(cluster().master().serverId(), TestSql.serverId(c), "pinned after a CALL it cannot see into");
    }
    try (Connection c = proxy.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true&trackSessionState=true")) {
      TestSql.execute(c, "CALL just_insert()");
      assertTrue(slaveIds().contains(TestSql.serverId(c)), "a CALL that changed no session state does not pin");
      TestSql.execute(c, "CALL make_tmp()");
      assertEquals(List.of(List.of("7")), TestSql.queryRows(c, "SELECT id FROM proc_tmp"));
      assertEquals(cluster().master().serverId(), TestSql.serverId(c), "pinned after the server reported a change");
    }
  }

  /**
   * Applications know Sluice's connection ids. A JDBC query timeout (Connector/J sends KILL QUERY
   * on a second connection), KILL QUERY and KILL from another session of the same user reach the
   * statement where it runs; unknown ids get the server's error.
   */
  @Test
  void queryTimeoutsAndKillReachTheRunningStatement() throws Exception {
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
    try (Connection c = proxy.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true");
         Connection other = proxy.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
      long start = System.nanoTime();
      try (Statement st = c.createStatement()) {
        st.setQueryTimeout(1);
        assertThrows(java.sql.SQLTimeoutException.class, () -> st.executeQuery("SELECT SLEEP(20)"));
      }
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertTrue(ms < 5_000, "the timeout ended the statement after " + ms + " ms");
      assertTrue(slaveIds().contains(TestSql.serverId(c)), "the connection works after its timeout");

      long id = c.unwrap(com.mysql.cj.jdbc.JdbcConnection.class).getId();
      java.util.concurrent.Future<String> sleeping = pool.submit(() -> {
        try {
          return TestSql.queryString(c, "SELECT SLEEP(20)");
        } catch (SQLException e) {
          return "error " + e.getErrorCode();
        }
      });
      awaitRunningOnMaster("SELECT SLEEP(20)");
      String backendThread;
      try (Connection root = TestSql.root(cluster().master())) {
        backendThread = TestSql.queryString(root,
            "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO = 'SELECT SLEEP(20)'");
      }
      start = System.nanoTime();
      TestSql.execute(other, "KILL QUERY " + id);
      // What a direct connection sees too: MySQL's SLEEP returns 1 when killed, MariaDB's fails with 1317.
      String killed = sleeping.get(5, TimeUnit.SECONDS);
      assertTrue(killed.equals("1") || killed.equals("error 1317"), "the statement was interrupted: " + killed);
      assertTrue((System.nanoTime() - start) / 1_000_000 < 5_000);
      // The connection the KILL was aimed at serves no other session: the KILL could have landed
      // on that session's statement had this one ended first. It is closed, not pooled.
      awaitGoneFromMaster(backendThread);

      TestSql.execute(other, "KILL " + id);
      awaitClosed(c);
      SQLException unknown = assertThrows(SQLException.class, () -> TestSql.execute(other, "KILL QUERY 999999"));
      assertEquals(1094, unknown.getErrorCode());
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * A statement still running when the proxy's drain time ends gets what a server shutting down
   * answers, 1053/08S01 "Server shutdown in progress", not a connection that just drops.
   */
  @Test
  void aStatementStillRunningWhenTheDrainEndsGetsServerShutdown() throws Exception {
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
    try (ProxyFixture own = ProxyFixture.start(cluster().sandbox());
         Connection c = own.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
      java.util.concurrent.Future<SQLException> running = pool.submit(() -> {
        try {
          TestSql.queryString(c, "SELECT SLEEP(21)");
          return null;
        } catch (SQLException e) {
          return e;
        }
      });
      awaitRunningOnMaster("SELECT SLEEP(21)");
      long start = System.nanoTime();
      own.server.shutdown(Duration.ofMillis(300));
      SQLException e = running.get(10, TimeUnit.SECONDS);
      assertTrue(e != null, "the statement did not end with an error");
      assertEquals(List.of(1053, "08S01", "Server shutdown in progress"),
          List.of(e.getErrorCode(), e.getSQLState(), e.getMessage()));
      assertTrue((System.nanoTime() - start) / 1_000_000 < 5_000, "answered at the end of the drain");
    } finally {
      pool.shutdownNow();
      // The abandoned SLEEP runs on in the master until it next writes: end it for the tests after this one.
      try (Connection root = TestSql.root(cluster().master())) {
        for (List<String> row : TestSql.queryRows(root,
            "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO = 'SELECT SLEEP(21)'")) {
          TestSql.execute(root, "KILL " + row.get(0));
        }
      }
    }
  }

  /** Waits until the master's process list no longer has thread {@code id}. */
  private void awaitGoneFromMaster(String id) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    try (Connection root = TestSql.root(cluster().master())) {
      while (!"0".equals(TestSql.queryString(root, "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = " + id))) {
        assertTrue(System.nanoTime() < deadline, "backend thread " + id + " is still connected");
        Thread.sleep(50);
      }
    }
  }

  /** Waits until the master's process list shows {@code sql} running. */
  /** KILL of one's own connection answers with the server's error (MySQL 1317, MariaDB 1927), then closes. */
  @Test
  void killingOnesOwnConnectionAnswersAsTheServerDoes() throws Exception {
    SQLException direct;
    try (Connection c = TestSql.app(cluster().master())) {
      long id = Long.parseLong(TestSql.queryString(c, "SELECT CONNECTION_ID()"));
      direct = assertThrows(SQLException.class, () -> TestSql.execute(c, "KILL " + id));
    }
    try (Connection c = proxy.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
      long id = Long.parseLong(TestSql.queryString(c, "SELECT CONNECTION_ID()"));
      SQLException proxied = assertThrows(SQLException.class, () -> TestSql.execute(c, "KILL " + id));
      assertEquals(direct.getErrorCode(), proxied.getErrorCode(), proxied.getMessage());
      assertEquals(direct.getSQLState(), proxied.getSQLState(), proxied.getMessage());
      assertEquals(direct.getMessage(), proxied.getMessage());
      assertThrows(SQLException.class, () -> TestSql.serverId(c));
    }
  }

  /**
   * A statement running on a slave that REMOVE BACKEND takes out of the view is still killed
   * where it runs: the KILL QUERY goes to that slave, not to the master (where the same thread
   * id is another connection's).
   */
  @Test
  void killQueryReachesAStatementOnASlaveRemovedMeanwhile() throws Exception {
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
    try (ProxyFixture p = ProxyFixture.start(cluster().sandbox());
         Connection c = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true");
         Connection other = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
      long id = c.unwrap(com.mysql.cj.jdbc.JdbcConnection.class).getId();
      // A read that takes seconds (SLEEP would go to the master: it has a side effect).
      String sql = "SELECT COUNT(*) FROM information_schema.COLLATIONS a, information_schema.COLLATIONS b,"
          + " information_schema.COLLATIONS c WHERE 'removed-slave' <> ''";
      java.util.concurrent.Future<String> sleeping = pool.submit(() -> {
        try {
          return TestSql.queryString(c, sql);
        } catch (SQLException e) {
          return "error " + e.getErrorCode();
        }
      });
      Instance runningOn = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (runningOn == null && System.nanoTime() < deadline) {
        for (Instance slave : cluster().slaves()) {
          try (Connection root = TestSql.root(slave)) {
            if (!"0".equals(TestSql.queryString(root, "SELECT COUNT(*) FROM information_schema.PROCESSLIST"
                + " WHERE INFO LIKE '%removed-slave%' AND COMMAND = 'Query' AND ID <> CONNECTION_ID()"))) {
              runningOn = slave;
            }
          }
        }
        Thread.sleep(50);
      }
      assertTrue(runningOn != null, "the hinted statement runs on a slave");
      p.admin("REMOVE BACKEND " + runningOn.name());
      long start = System.nanoTime();
      TestSql.execute(other, "KILL QUERY " + id);
      String killed = sleeping.get(10, TimeUnit.SECONDS);
      assertEquals("error 1317", killed, "the statement was interrupted (not left to finish)");
      assertTrue((System.nanoTime() - start) / 1_000_000 < 5_000);
    } finally {
      pool.shutdownNow();
    }
  }

  private void awaitRunningOnMaster(String sql) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    try (Connection root = TestSql.root(cluster().master())) {
      while (System.nanoTime() < deadline) {
        String n = TestSql.queryString(root,
            "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO = " + "'" + sql.replace("'", "''") + "'");
        if (!"0".equals(n)) {
          return;
        }
        Thread.sleep(50);
      }
    }
    throw new AssertionError(sql + " never ran on the master");
  }

  /** Waits until a statement on {@code c} fails because the proxy closed the session. */
  private static void awaitClosed(Connection c) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        TestSql.serverId(c);
      } catch (SQLException e) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the killed session is still open");
  }

  @Test
  void onlyTheSameUserMayKillASession() throws Exception {
    try (Connection root = TestSql.root(cluster().master())) {
      TestSql.execute(root, "CREATE USER IF NOT EXISTS 'ryw'@'%' IDENTIFIED BY 'ryw-pw'", "GRANT ALL ON app.* TO 'ryw'@'%'");
    }
    cluster().sandbox().awaitReplication(Duration.ofSeconds(30));
    try (ProxyFixture p = ProxyFixture.start(cluster().sandbox(),
        ProxyFixture.withUser(new ProxyConfig.UserConfig("ryw", "ryw-pw", null, 0)));
         Connection app = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true");
         Connection stranger = p.connect("ryw", "ryw-pw", "sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
      long id = app.unwrap(com.mysql.cj.jdbc.JdbcConnection.class).getId();
      SQLException denied = assertThrows(SQLException.class, () -> TestSql.execute(stranger, "KILL " + id));
      assertEquals(1095, denied.getErrorCode());
      assertTrue(slaveIds().contains(TestSql.serverId(app)), "the session lives on");
    }
  }

  @Test
  void loadDataLocalInfileWorksThroughTheProxy() throws Exception {
    java.nio.file.Path csv = java.nio.file.Files.createTempFile("sluice-load", ".csv");
    StringBuilder rows = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      rows.append("loaded-").append(i).append('\n');
    }
    java.nio.file.Files.writeString(csv, rows);
    try (Connection root = TestSql.root(cluster().master())) {
      TestSql.execute(root, "SET GLOBAL local_infile = 1");
    }
    try (Connection c = proxy.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true&allowLoadLocalInfile=true");
         Statement s = c.createStatement()) {
      int loaded = s.executeUpdate("LOAD DATA LOCAL INFILE '" + csv + "' INTO TABLE items (v)");
      assertEquals(1000, loaded);
      assertEquals("1000", TestSql.queryString(c, "/*master*/ SELECT COUNT(*) FROM items WHERE v LIKE 'loaded-%'"));
      assertTrue(slaveIds().contains(TestSql.serverId(c)), "the session goes on normally");
    } finally {
      java.nio.file.Files.deleteIfExists(csv);
    }
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"useServerPrepStmts=false", "useServerPrepStmts=true"})
  void callReturnsOutParameters(String mode) throws Exception {
    try (Connection app = TestSql.app(cluster().master())) { // app defines it, so app may read its parameters
      TestSql.execute(app, "DROP PROCEDURE IF EXISTS app.twice",
          "CREATE PROCEDURE app.twice(IN x INT, OUT y INT) BEGIN SET y = x * 2; END");
    }
    cluster().sandbox().awaitReplication(Duration.ofSeconds(10));
    try (Connection c = proxy.connect(mode + "&sslMode=DISABLED&allowPublicKeyRetrieval=true");
         java.sql.CallableStatement cs = c.prepareCall("{CALL twice(?, ?)}")) {
      cs.setInt(1, 21);
      cs.registerOutParameter(2, java.sql.Types.INTEGER);
      cs.execute();
      assertEquals(42, cs.getInt(2));
    }
  }

  @Test
  void perUserConnectionLimitIsEnforcedAndFreedOnClose() throws Exception {
    try (ProxyFixture p = ProxyFixture.start(cluster().sandbox(), c -> {
      List<ProxyConfig.UserConfig> users = c.users().stream()
          .map(u -> new ProxyConfig.UserConfig(u.name(), u.password(), u.authPlugin(), 2)).toList();
      return new ProxyConfig(c.source(), c.listen(), c.admin(), c.metricsListen(), users, c.backends(),
          c.monitor(), c.pool(), c.tls(), c.backendTls());
    })) {
      String params = "sslMode=DISABLED&allowPublicKeyRetrieval=true";
      try (Connection a = p.connect(params); Connection b = p.connect(params)) {
        SQLException e = assertThrows(SQLException.class, () -> p.connect(params).close());
        assertEquals(1203, e.getErrorCode(), e.getMessage());
        assertEquals("42000", e.getSQLState());
        SQLException wrong = assertThrows(SQLException.class, () -> p.connect("app", "wrong", params).close());
        assertEquals(1045, wrong.getErrorCode(), "as in MySQL, the password is checked first");
      }
      Thread.sleep(200); // the closes reach the proxy
      try (Connection again = p.connect(params)) {
        assertTrue(slaveIds().contains(TestSql.serverId(again)), "slots are freed on close");
      }
    }
  }

  /** Runs Debian's sysbench against the proxy and returns its output; fails on a non-zero exit. */
  private String sysbench(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("sysbench"));
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("--mysql-host=127.0.0.1", "--mysql-port=" + proxy.port(), "--mysql-user=app",
        "--mysql-password=app", "--mysql-db=app", "--tables=2", "--table-size=1000"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    org.junit.jupiter.api.Assertions.assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
    org.junit.jupiter.api.Assertions.assertEquals(0, p.exitValue(), "sysbench (installed by bin/install-deps) failed:\n" + out);
    return out;
  }

  private static long sysbenchCount(String out, String label) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(label + ":\\s+(\\d+)").matcher(out);
    org.junit.jupiter.api.Assertions.assertTrue(m.find(), label + " in:\n" + out);
    return Long.parseLong(m.group(1));
  }

  @org.junit.jupiter.api.Test
  void sysbenchRunsWithoutErrorsAndOnlyReadsOutsideTransactionsReachTheSlaves() throws Exception {
    sysbench("oltp_read_write", "cleanup");
    sysbench("oltp_read_write", "prepare");
    cluster().sandbox().awaitReplication(java.time.Duration.ofSeconds(30));
    io.sluice.bootstrap.sandbox.Instance master = cluster().master();
    long masterBefore = status(master, "Com_select");
    long slavesBefore = 0;
    for (io.sluice.bootstrap.sandbox.Instance s : cluster().slaves()) {
      slavesBefore += status(s, "Com_select");
    }
    // Deadlocks and lock waits between sysbench's own threads are the server's answer and happen
    // on a direct connection too; any other error aborts the run, and sysbench() fails the test
    // on its exit status.
    String rw = sysbench("oltp_read_write", "run", "--threads=4", "--time=5", "--mysql-ignore-errors=1213,1205");
    long transactions = sysbenchCount(rw, "transactions");
    long masterRw = status(master, "Com_select") - masterBefore;
    long slavesRw = -slavesBefore;
    for (io.sluice.bootstrap.sandbox.Instance s : cluster().slaves()) {
      slavesRw += status(s, "Com_select");
    }
    // Each oltp_read_write transaction runs 14 SELECTs inside BEGIN ... COMMIT: all on the master.
    org.junit.jupiter.api.Assertions.assertTrue(masterRw >= transactions * 14, masterRw + " vs " + transactions);
    org.junit.jupiter.api.Assertions.assertEquals(0, slavesRw, "no read of a transaction reached a slave");

    String ro = sysbench("oltp_read_only", "run", "--skip_trx=on", "--threads=4", "--time=3", "--mysql-ignore-errors=none");
    long queries = sysbenchCount(ro, "read");
    long slavesRo = -slavesBefore - slavesRw;
    for (io.sluice.bootstrap.sandbox.Instance s : cluster().slaves()) {
      slavesRo += status(s, "Com_select");
    }
    org.junit.jupiter.api.Assertions.assertEquals(queries, slavesRo, "every autocommit read ran on a slave");
    sysbench("oltp_read_write", "cleanup");
  }

  // ---- health ----

  String replicationThreadSql(boolean start) {
    return (start ? "START" : "STOP") + " REPLICA SQL_THREAD";
  }

  /**
   * A slave whose SQL thread stops, that hangs (SIGSTOP: the kernel still accepts connections
   * but nothing answers) or that is killed leaves read rotation and comes back when healthy;
   * meanwhile an application reading without pause sees no error at all, because a read whose
   * slave fails before answering runs again on another backend.
   */
  @Test
  void aSlaveThatStopsReplicatingHangsOrDiesLeavesRotationWithoutAppErrors() throws Exception {
    ProxyConfig.MonitorConfig fast = new ProxyConfig.MonitorConfig("root", "", Duration.ofMillis(300),
        Duration.ofMillis(500), Duration.ofSeconds(10));
    Instance s0 = cluster().slaves().get(0);
    Instance s1 = cluster().slaves().get(1);
    Set<String> both = Set.of(String.valueOf(s0.serverId()), String.valueOf(s1.serverId()));
    Set<String> onlyS1 = Set.of(String.valueOf(s1.serverId()));
    try (ProxyFixture p = ProxyFixture.start(cluster().sandbox(), c -> new ProxyConfig(c.source(), c.listen(), c.admin(),
        c.metricsListen(), c.users(), c.backends(), fast, c.pool(), c.tls(), c.backendTls()))) {
      FailureDrills.awaitTargets(p, both, Duration.ofSeconds(5));
      FailureDrills.ReadLoad load = new FailureDrills.ReadLoad(p);
      try (Connection root = TestSql.root(s0)) {
        TestSql.execute(root, replicationThreadSql(false));
      }
      // Taken out within two check intervals (0.6 s); the bound leaves room for a loaded machine.
      FailureDrills.awaitTargets(p, onlyS1, Duration.ofSeconds(3));
      try (Connection root = TestSql.root(s0)) {
        TestSql.execute(root, replicationThreadSql(true));
      }
      FailureDrills.awaitTargets(p, both, Duration.ofSeconds(5));
      FailureDrills.signal(s0, "STOP");
      try {
        // A silent server is out after two silent rounds (a 0.5 s timeout and a 0.3 s interval each).
        FailureDrills.awaitTargets(p, onlyS1, Duration.ofSeconds(6));
      } finally {
        FailureDrills.signal(s0, "CONT");
      }
      FailureDrills.awaitTargets(p, both, Duration.ofSeconds(10));
      try {
        cluster().sandbox().kill(s0); // kill -9
        FailureDrills.awaitTargets(p, onlyS1, Duration.ofSeconds(3));
      } finally {
        io.sluice.bootstrap.sandbox.Sandbox.up(io.sluice.bootstrap.sandbox.SandboxSpec.in(cluster().sandbox().dir()));
        cluster().sandbox().awaitReplication(Duration.ofSeconds(60));
      }
      FailureDrills.awaitTargets(p, both, Duration.ofSeconds(10));
      long reads = load.reads();
      assertEquals(List.of(), load.stop(), "errors the reading application saw");
      assertTrue(reads > 100, "the application kept reading: " + reads);
    }
  }

  /**
   * A switchover whose candidate cannot catch up (its applier blocked by a table lock) holds
   * master-bound statements for its 30 s bound, then is abandoned with the master writable
   * again. A held statement that the application cancels (KILL QUERY, what a JDBC query timeout
   * sends) is answered 1317 at once and never runs, not even once the hold ends.
   */
  @Test
  void aStatementHeldByASwitchoverCanBeCancelledAndNeverRuns() throws Exception {
    Instance master = cluster().master();
    Instance candidate = cluster().slaves().get(0);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try (ProxyFixture p = ProxyFixture.start(cluster().sandbox(), c -> c
        .withFailover(new ProxyConfig.FailoverConfig(false, Duration.ofSeconds(10), "repl", "repl")));
         Connection held = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true");
         Connection killer = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true");
         Connection lock = TestSql.root(candidate);
         Connection masterRoot = TestSql.root(master)) {
      FailureDrills.awaitTargets(p, slaveIds().stream().map(String::valueOf).collect(Collectors.toSet()),
          Duration.ofSeconds(10));
      long id = held.unwrap(com.mysql.cj.jdbc.JdbcConnection.class).getId();
      TestSql.execute(lock, "LOCK TABLES app.items READ");
      TestSql.execute(masterRoot, "INSERT INTO app.items (v) VALUES ('candidate-lags')");
      java.util.concurrent.Future<String> switchover = pool.submit(() -> {
        try {
          return String.join("\n", p.admin("SWITCHOVER " + candidate.name()));
        } catch (ProxyFixture.AdminError e) {
          return e.getMessage();
        }
      });
      try {
        heldWriteIsCancelled(held, killer, id, masterRoot, pool);
      } finally {
        // The candidate stays locked until the switchover has given up, whatever failed above:
        // unlocked earlier, it would catch up and the switchover would go through.
        String outcome = switchover.get(60, TimeUnit.SECONDS);
        assertTrue(outcome.contains("did not apply") && outcome.contains("writable again"), outcome);
      }
      assertEquals("0", TestSql.queryString(masterRoot, "SELECT @@GLOBAL.read_only"));
      assertEquals("0", TestSql.queryString(masterRoot, "SELECT COUNT(*) FROM app.items WHERE v = 'held-then-killed'"),
          "the cancelled write never ran");
      TestSql.execute(held, "INSERT INTO items (v) VALUES ('after-the-hold')"); // the session goes on
    } finally {
      pool.shutdownNow();
      cluster().sandbox().awaitReplication(Duration.ofSeconds(60));
    }
  }

  private static void heldWriteIsCancelled(Connection held, Connection killer, long id, Connection masterRoot,
      java.util.concurrent.ExecutorService pool) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!"1".equals(TestSql.queryString(masterRoot, "SELECT @@GLOBAL.read_only"))) {
      assertTrue(System.nanoTime() < deadline, "the switchover fences the master");
      Thread.sleep(20);
    }
    java.util.concurrent.Future<String> write = pool.submit(() -> {
      try {
        TestSql.execute(held, "INSERT INTO items (v) VALUES ('held-then-killed')");
        return "ran";
      } catch (SQLException e) {
        return "error " + e.getErrorCode();
      }
    });
    Thread.sleep(500);
    assertFalse(write.isDone(), "the write waits for the switchover: " + (write.isDone() ? write.get() : ""));
    long start = System.nanoTime();
    TestSql.execute(killer, "KILL QUERY " + id);
    assertEquals("error 1317", write.get(5, TimeUnit.SECONDS));
    assertTrue((System.nanoTime() - start) / 1_000_000 < 3_000, "answered at once, not when the hold ends");
  }

  /**
   * A master made read-only behind the proxy's back is flagged (admin state, metrics, log) and
   * not failed over; its writes get the server's own 1290, and all is back once it is writable.
   * With a heartbeat table, so that on MySQL, where super_read_only refuses even the monitor's
   * heartbeat, that refusal does not count as the master being down.
   */
  @Test
  void aMasterMadeReadOnlyByHandIsFlaggedNotFailedOver() throws Exception {
    ProxyConfig.MonitorConfig fast = new ProxyConfig.MonitorConfig("root", "", Duration.ofMillis(300),
        Duration.ofMillis(500), Duration.ofSeconds(10), java.util.Optional.of("sluice_hb.heartbeat"));
    Instance master = cluster().master();
    String readOnly = cluster().flavor().isMariaDb() ? "read_only" : "super_read_only"; // implies read_only
    try (ProxyFixture p = ProxyFixture.start(cluster().sandbox(), c -> c.withMonitor(fast)
        .withFailover(new ProxyConfig.FailoverConfig(true, Duration.ofSeconds(1), "repl", "repl")));
         Connection app = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
      try {
        try (Connection root = TestSql.root(master)) {
          TestSql.execute(root, "SET GLOBAL " + readOnly + " = ON");
        }
        awaitMasterState(p, "read_only", Duration.ofSeconds(5));
        SQLException e = assertThrows(SQLException.class, () -> TestSql.execute(app, "INSERT INTO items (v) VALUES ('ro')"));
        assertEquals(1290, e.getErrorCode(), e.getMessage());
        assertTrue(e.getMessage().contains("read-only") || e.getMessage().contains("read_only"), e.getMessage());
        String body = metrics(p);
        assertEquals(1.0, metric(body, "sluice_backend_read_only{backend=\"" + master.name() + "\"}"), body);
        assertEquals(0.0, metric(body, "sluice_backend_up{backend=\"" + master.name() + "\"}"), body);
        assertEquals(1.0, metric(body, "sluice_backend_master{backend=\"" + master.name() + "\"}"), body);
        for (Instance s : cluster().slaves()) {
          assertEquals(0.0, metric(body, "sluice_backend_master{backend=\"" + s.name() + "\"}"), body);
        }
        Thread.sleep(1500); // longer than failover.down-after: still the master, no failover
        assertTrue(p.admin("SELECT * FROM backends").get(0).startsWith("1\t" + master.name() + "\t"));
      } finally {
        try (Connection root = TestSql.root(master)) {
          TestSql.execute(root, "SET GLOBAL " + readOnly + " = OFF", "SET GLOBAL read_only = OFF");
        }
      }
      awaitMasterState(p, "up", Duration.ofSeconds(5));
      TestSql.execute(app, "INSERT INTO items (v) VALUES ('writable again')");
      assertEquals(0.0, metric(metrics(p), "sluice_backend_read_only{backend=\"" + master.name() + "\"}"));
    }
  }

  /**
   * Wrong monitor credentials take every backend down; the backends table says why and which
   * keys to fix, instead of a cluster that looks dead while it serves everyone else.
   */
  @Test
  void wrongMonitorCredentialsAreNamedBesideEveryBackendTheyTookDown() throws Exception {
    ProxyConfig.MonitorConfig wrong = new ProxyConfig.MonitorConfig("root", "not-the-password", Duration.ofMillis(300),
        Duration.ofSeconds(1), Duration.ofSeconds(10));
    try (ProxyFixture p = ProxyFixture.start(cluster().sandbox(), c -> c.withMonitor(wrong))) {
      awaitMasterState(p, "down", Duration.ofSeconds(10));
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      List<String> rows = p.admin("SELECT * FROM backends");
      while (rows.stream().anyMatch(r -> !r.contains("\tdown\t")) && System.nanoTime() < deadline) {
        Thread.sleep(100);
        rows = p.admin("SELECT * FROM backends");
      }
      assertEquals(3, rows.size(), String.join("\n", rows));
      for (String row : rows) {
        assertTrue(row.contains("\tdown\t") && row.contains("Access denied for user 'root'")
            && row.contains("check sluice.monitor.user and sluice.monitor.password"), row);
      }
    }
  }

  private static void awaitMasterState(ProxyFixture p, String state, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    String row = "";
    while (System.nanoTime() < deadline) {
      row = p.admin("SELECT * FROM backends").get(0);
      if (row.split("\t")[3].equals(state)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the master is not " + state + " within " + within + ": " + row);
  }

  private static void awaitWaitingStatements(ProxyFixture p, int expected, String why) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    double seen;
    while ((seen = metric(metrics(p), "sluice_master_waiting_statements")) != expected) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(why + ": sluice_master_waiting_statements is " + seen + ", not " + expected);
      }
      Thread.sleep(50);
    }
  }

  private static String metrics(ProxyFixture p) throws Exception {
    int port = p.server.metricsAddress().orElseThrow().getPort();
    return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
  }

  /**
   * With monitor.heartbeat-table the master's probe stamps a row each interval and a replica's
   * lag is how old the stamp it has applied is: a slave delayed by 4 s passes a 2 s
   * max-replica-lag, leaves rotation, and returns once the delay is removed.
   */
  @Test
  void aHeartbeatTableMeasuresLagAndTakesALaggingSlaveOut() throws Exception {
    Instance s0 = cluster().slaves().get(0);
    Instance s1 = cluster().slaves().get(1);
    Set<String> both = Set.of(String.valueOf(s0.serverId()), String.valueOf(s1.serverId()));
    Set<String> onlyS1 = Set.of(String.valueOf(s1.serverId()));
    ProxyConfig.MonitorConfig heartbeat = new ProxyConfig.MonitorConfig("root", "", Duration.ofMillis(300),
        Duration.ofMillis(500), Duration.ofSeconds(2), java.util.Optional.of("sluice_hb.heartbeat"));
    try (ProxyFixture p = ProxyFixture.start(cluster().sandbox(), c -> c.withMonitor(heartbeat))) {
      FailureDrills.awaitTargets(p, both, Duration.ofSeconds(10));
      try (Connection root = TestSql.root(cluster().master())) {
        assertEquals("1", TestSql.queryString(root,
            "SELECT COUNT(*) FROM sluice_hb.heartbeat WHERE ts > NOW(6) - INTERVAL 2 SECOND"), "the master is stamped");
      }
      try (Connection root = TestSql.root(s0)) {
        TestSql.execute(root, delaySql(4).toArray(String[]::new));
      }
      try {
        FailureDrills.awaitTargets(p, onlyS1, Duration.ofSeconds(10));
        long lag = p.server.runtime().view().replica(s0.name()).orElseThrow().lagMillis();
        assertTrue(lag > 2000, "heartbeat lag of the delayed slave: " + lag + " ms");
        long fresh = p.server.runtime().view().replica(s1.name()).orElseThrow().lagMillis();
        assertTrue(fresh >= 0 && fresh < 2000, "heartbeat lag of the other slave: " + fresh + " ms");
      } finally {
        try (Connection root = TestSql.root(s0)) {
          TestSql.execute(root, delaySql(0).toArray(String[]::new));
        }
      }
      FailureDrills.awaitTargets(p, both, Duration.ofSeconds(15));
    }
  }

  /**
   * A master that answers its health probe late, but within two rounds, is never taken out,
   * although it answers no client meanwhile: here it is stopped (SIGSTOP) for 1 s at a time and
   * let run for 0.2 s, again and again, so most probes wait past the 0.5 s timeout. The late
   * probe is not abandoned for a fresh login, which would be late again (this took an idle
   * master down under the benchmark's load): the next round takes its answer, come meanwhile
   * or still to come, on the same connection.
   */
  @Test
  void aMasterLateToItsProbeButAnsweringWithinTwoRoundsStaysUp() throws Exception {
    Instance master = cluster().master();
    ProxyConfig.MonitorConfig fast = new ProxyConfig.MonitorConfig("root", "", Duration.ofMillis(300),
        Duration.ofMillis(500), Duration.ofSeconds(10));
    try (ProxyFixture p = ProxyFixture.start(cluster().sandbox(), c -> c.withMonitor(fast));
         Connection root = TestSql.root(master)) {
      FailureDrills.awaitSuccess(() -> {
        if (p.server.runtime().view().masterHealth() != io.sluice.core.cluster.BackendHealth.UP) {
          throw new SQLException("the master is not up yet");
        }
      }, Duration.ofSeconds(10));
      Thread.sleep(700); // a round or two on the kept monitor connection
      long loginsBefore = connectionsCounted(root);
      java.util.List<String> seen = new java.util.ArrayList<>();
      long start = System.nanoTime();
      try {
        while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(8)) {
          FailureDrills.signal(master, "STOP");
          awaitMasterStaysUp(p, 1_000, start, seen);
          FailureDrills.signal(master, "CONT");
          awaitMasterStaysUp(p, 200, start, seen);
        }
      } finally {
        FailureDrills.signal(master, "CONT");
      }
      long logins = connectionsCounted(root) - loginsBefore;
      assertEquals(List.of(), seen, "a master answering its probes within two rounds stays up");
      assertTrue(logins <= 1, logins + " logins at the master in 8 s: a late probe must not be repeated on a fresh login");
    }
  }

  /** Polls the master's health for {@code ms}, noting any state but UP (with the time since {@code start}). */
  private static void awaitMasterStaysUp(ProxyFixture p, long ms, long start, List<String> seen)
      throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    while (System.nanoTime() < until) {
      io.sluice.core.cluster.BackendHealth h = p.server.runtime().view().masterHealth();
      if (h != io.sluice.core.cluster.BackendHealth.UP) {
        seen.add(h + " after " + (System.nanoTime() - start) / 1_000_000 + " ms");
      }
      Thread.sleep(20);
    }
  }

  /**
   * A master whose health probe gets no answer while it answers the clients (its heartbeat row
   * is locked, so the probe's stamp waits) stays up past the two silent rounds that take a
   * silent server out, so no write fails; after five silent rounds it is down all the same (what
   * it answers says nothing of the probe's write), and up again once the probe is answered. A
   * probe that got no answer in time is not repeated on a fresh login at once: the next round
   * waits on for its answer on the same connection, and only the round after that logs in
   * afresh (a login every two silent rounds, not one or two every round).
   */
  @Test
  void aMasterSilentToItsProbeButAnsweringClientsStaysUpForAFewRounds() throws Exception {
    ProxyConfig.MonitorConfig heartbeat = new ProxyConfig.MonitorConfig("root", "", Duration.ofMillis(300),
        Duration.ofMillis(500), Duration.ofSeconds(10), java.util.Optional.of("sluice_hb.heartbeat"));
    try (ProxyFixture p = ProxyFixture.start(cluster().sandbox(), c -> c.withMonitor(heartbeat));
         Connection writer = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true");
         Connection lock = TestSql.root(cluster().master())) {
      FailureDrills.awaitSuccess(() -> {
        if (!"1".equals(TestSql.queryString(lock, "SELECT COUNT(*) FROM sluice_hb.heartbeat"))) {
          throw new SQLException("the master's probe has not stamped its heartbeat row yet");
        }
      }, Duration.ofSeconds(10));
      assertEquals(io.sluice.core.cluster.BackendHealth.UP, p.server.runtime().view().masterHealth());
      lock.setAutoCommit(false);
      TestSql.queryString(lock, "SELECT ts FROM sluice_hb.heartbeat WHERE id = 1 FOR UPDATE");
      long loginsBefore = connectionsCounted(lock);
      try {
        // Two silent rounds (a 0.5 s timeout and a 0.3 s interval each) take about 1.6 s.
        long start = System.nanoTime();
        while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(2_500)) {
          TestSql.execute(writer, "INSERT INTO items (v) VALUES ('probe-silent')");
          Thread.sleep(20);
        }
        assertEquals(io.sluice.core.cluster.BackendHealth.UP, p.server.runtime().view().masterHealth(),
            "a master answering every write is not taken out after two silent rounds");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (p.server.runtime().view().masterHealth() != io.sluice.core.cluster.BackendHealth.DOWN
            && System.nanoTime() < deadline) {
          try {
            TestSql.execute(writer, "INSERT INTO items (v) VALUES ('probe-silent')");
          } catch (SQLException e) {
            // the write that meets the master taken out fails with the proxy's error
          }
          Thread.sleep(20);
        }
        long silentMs = (System.nanoTime() - start) / 1_000_000;
        long logins = connectionsCounted(lock) - loginsBefore;
        assertEquals(io.sluice.core.cluster.BackendHealth.DOWN, p.server.runtime().view().masterHealth(),
            "down after five silent rounds although it answers");
        // A late probe is waited for through the next round, then replaced: about one login
        // per two silent rounds; logging in afresh each silent round would make five or more.
        assertTrue(logins <= 3, logins + " logins at the master in " + silentMs
            + " ms of silent rounds: a late probe must not be repeated on a fresh login at once");
        assertTrue(silentMs >= 3_000, "taken out after " + silentMs + " ms, before five silent rounds");
      } finally {
        lock.rollback();
      }
      FailureDrills.awaitSuccess(() -> TestSql.execute(writer, "INSERT INTO items (v) VALUES ('probe-answered')"),
          Duration.ofSeconds(10));
      assertEquals(io.sluice.core.cluster.BackendHealth.UP, p.server.runtime().view().masterHealth());
    }
  }

  /**
   * A proxy started with --bind-io-threads serves as any other, each of its event loops running
   * on one CPU only, in turn over the CPUs the process may use (twice round with twice as many
   * loops as CPUs, up to eight loops).
   */
  @Test
  void eventLoopsBoundToCpusServeReadsAndWrites() throws Exception {
    List<Integer> allowed = io.sluice.server.ProcCpus.ofThisThread();
    int loops = Math.min(2 * allowed.size(), 8);
    assertLoopsServe(allowed, EventLoopBinding.ON, loops, loops, true);
  }

  /**
   * The default (auto) binds the loops only when they are one per allowed CPU; with one loop
   * more, or with off, every loop may run on every allowed CPU. (At most eight sessions, each
   * starting one loop in turn.)
   */
  @Test
  void byDefaultEventLoopsAreBoundOnlyWhenOnePerAllowedCpu() throws Exception {
    List<Integer> allowed = io.sluice.server.ProcCpus.ofThisThread();
    int sessions = Math.min(allowed.size(), 8);
    assertLoopsServe(allowed, EventLoopBinding.AUTO, allowed.size(), sessions, allowed.size() > 1);
    assertLoopsServe(allowed, EventLoopBinding.AUTO, allowed.size() + 1, sessions, false);
    assertLoopsServe(allowed, EventLoopBinding.OFF, allowed.size(), sessions, false);
  }

  /**
   * Starts a proxy with {@code loops} event loops bound as {@code binding} says, writes to the
   * master and reads from a slave in {@code sessions} sessions (each starting the next loop), and
   * checks the loops' CPUs: when {@code bound}, one each, in turn over the {@code allowed} CPUs in
   * the order the loops started; else every allowed CPU.
   */
  private void assertLoopsServe(List<Integer> allowed, EventLoopBinding binding, int loops, int sessions, boolean bound)
      throws Exception {
    Set<String> before = eventLoopThreads().keySet();
    List<Connection> open = new ArrayList<>();
    String tag = binding + "-" + loops + "-";
    try (ProxyFixture p = ProxyFixture.start(cluster().sandbox(), loops, binding)) {
      for (int i = 0; i < sessions; i++) { // Netty hands new connections to the loops in turn
        Connection c = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true");
        open.add(c);
        TestSql.execute(c, "INSERT INTO items (v) VALUES ('" + tag + i + "')");
        String readBy = TestSql.queryString(c, "SELECT @@server_id");
        assertTrue(cluster().slaves().stream().anyMatch(sl -> String.valueOf(sl.serverId()).equals(readBy)),
            "a read through the proxy (" + binding + ", " + loops + " loops) answered by server_id " + readBy
                + ", not a slave");
      }
      try (Connection root = TestSql.root(cluster().master())) {
        assertEquals(String.valueOf(sessions),
            TestSql.queryString(root, "SELECT COUNT(*) FROM app.items WHERE v LIKE '" + tag + "%'"),
            "every write through the proxy (" + binding + ", " + loops + " loops) reached the master");
      }
      Map<String, List<Integer>> started = new TreeMap<>(eventLoopThreads());
      started.keySet().removeAll(before);
      assertEquals(sessions, started.size(), "event loops started for " + sessions + " sessions: " + started);
      List<List<Integer>> expected = new ArrayList<>();
      for (int i = 0; i < sessions; i++) {
        expected.add(bound ? List.of(allowed.get(i % allowed.size())) : allowed);
      }
      // Thread ids grow as the loops start; sort by them for the order of binding.
      List<List<Integer>> actual = started.entrySet().stream()
          .sorted(java.util.Comparator.comparingLong(e -> Long.parseLong(e.getKey()))).map(Map.Entry::getValue).toList();
      assertEquals(expected, actual, binding + " with " + loops + " loops on CPUs " + allowed
          + ": CPUs of the event loops started (by thread id): " + started);
    } finally {
      for (Connection c : open) {
        c.close();
      }
    }
  }

  /** This JVM's proxy event-loop threads (by thread id) and the CPUs each may run on. */
  private static Map<String, List<Integer>> eventLoopThreads() throws java.io.IOException {
    Map<String, List<Integer>> threads = new TreeMap<>();
    try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/task"))) {
      for (java.nio.file.Path task : tasks.toList()) {
        try {
          if (java.nio.file.Files.readString(task.resolve("comm")).startsWith("sluice-io-")) {
            threads.put(task.getFileName().toString(), io.sluice.server.ProcCpus.allowed(task.resolve("status")));
          }
        } catch (java.nio.file.NoSuchFileException gone) {
          // a thread that ended meanwhile
        }
      }
    }
    return threads;
  }

  /**
   * The error a write through {@code p} gets while {@code master} is stopped. Should it succeed,
   * the failure says where it could have run: the master's process state, the proxy's view and
   * which slaves have the row.
   */
  private SQLException writeToHungMasterFails(ProxyFixture p, Connection writer, Instance master, String value)
      throws Exception {
    try {
      TestSql.execute(writer, "INSERT INTO items (v) VALUES ('" + value + "')");
    } catch (SQLException expected) {
      return expected;
    }
    String pid = java.nio.file.Files.readString(master.layout().pidFile()).trim();
    StringBuilder rows = new StringBuilder();
    for (Instance s : cluster().slaves()) {
      try (Connection root = TestSql.root(s)) {
        rows.append(' ').append(s.name()).append('=')
            .append(TestSql.queryString(root, "SELECT COUNT(*) FROM app.items WHERE v = '" + value + "'"));
      }
    }
    throw new AssertionError("a write with the master stopped succeeded; mysqld " + pid + " is "
        + FailureDrills.state(pid) + "; the proxy's view " + p.server.runtime().view() + "; rows on the slaves:" + rows);
  }

  /** The server's count of connection attempts (its {@code Connections} status variable). */
  private static long connectionsCounted(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW GLOBAL STATUS LIKE 'Connections'")) {
      assertTrue(rs.next(), "SHOW GLOBAL STATUS LIKE 'Connections' returned no row");
      return rs.getLong(2);
    }
  }

  /**
   * A hung master (SIGSTOP): writes get a clear error within the health-check bound instead of
   * hanging, and at once once it is known down; reads go on on the slaves without an error;
   * writes work again as soon as the master answers. Then a killed master with automatic
   * failover off: writes fail at once, reads go on, nothing is promoted, and writes resume
   * when it is restarted.
   */
  @Test
  void aHungMasterFailsWritesPromptlyWhileReadsGoOn() throws Exception {
    ProxyConfig.MonitorConfig fast = new ProxyConfig.MonitorConfig("root", "", Duration.ofMillis(300),
        Duration.ofMillis(500), Duration.ofSeconds(10));
    Instance master = cluster().master();
    try (ProxyFixture p = ProxyFixture.start(cluster().sandbox(), c -> c.withMonitor(fast)
        .withFailover(new ProxyConfig.FailoverConfig(false, Duration.ofSeconds(1), "repl", "repl")));
         Connection writer = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
      TestSql.execute(writer, "INSERT INTO items (v) VALUES ('before-hang')");
      FailureDrills.ReadLoad load = new FailureDrills.ReadLoad(p);
      FailureDrills.signal(master, "STOP");
      try {
        long start = System.nanoTime();
        SQLException first = writeToHungMasterFails(p, writer, master, "during-hang");
        long firstMs = (System.nanoTime() - start) / 1_000_000;
        // Two silent health-check rounds (a 0.5 s timeout and a 0.3 s interval each) and room for a loaded machine.
        assertTrue(firstMs < 6_000, "the first write failed after " + firstMs + " ms: " + first.getMessage());
        start = System.nanoTime();
        SQLException second = assertThrows(SQLException.class,
            () -> TestSql.execute(writer, "INSERT INTO items (v) VALUES ('during-hang-2')"));
        long secondMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(secondMs < 1_000, "a write once the master is known down failed after " + secondMs + " ms");
        assertTrue(second.getMessage().contains("down"), second.getMessage());
        Thread.sleep(500); // reads keep flowing meanwhile
      } finally {
        FailureDrills.signal(master, "CONT");
      }
      FailureDrills.awaitSuccess(() -> TestSql.execute(writer, "INSERT INTO items (v) VALUES ('after-hang')"),
          Duration.ofSeconds(10));

      // Killed, with automatic failover off: writes fail at once, reads go on, nobody is promoted.
      // One slave stopped receiving before (its IO thread stopped, a write it never got): once
      // the master is down it stays out, and no read returns what it has.
      Instance stale = cluster().slaves().get(1);
      try (Connection root = TestSql.root(stale)) {
        TestSql.execute(root, "STOP SLAVE IO_THREAD");
      }
      TestSql.execute(writer, "UPDATE items SET v = 'fresh' WHERE v = 'after-hang'");
      try (Connection root = TestSql.root(cluster().slaves().get(0))) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!"1".equals(TestSql.queryString(root, "SELECT COUNT(*) FROM app.items WHERE v = 'fresh'"))) {
          assertTrue(System.nanoTime() < deadline, "the other slave did not get the write");
          Thread.sleep(100);
        }
      }
      try {
        cluster().sandbox().kill(master);
        for (int i = 0; i < 3; i++) {
          long start = System.nanoTime();
          assertThrows(SQLException.class, () -> TestSql.execute(writer, "INSERT INTO items (v) VALUES ('killed')"));
          long ms = (System.nanoTime() - start) / 1_000_000;
          assertTrue(ms < 2_000, "a write to the killed master failed after " + ms + " ms");
        }
        Thread.sleep(1_500); // longer than failover.down-after (1 s): with auto off nothing happens
        assertEquals(master.name(), p.server.runtime().view().master().name(), "no promotion with failover off");
        ProxyFixture.AdminError switchover = assertThrows(ProxyFixture.AdminError.class,
            () -> p.admin("SWITCHOVER " + cluster().slaves().get(0).name()));
        assertTrue(switchover.getMessage().contains("the master " + master.name() + " is down")
            && switchover.getMessage().contains("use FAILOVER"), switchover.getMessage());
        assertTrue(p.server.runtime().view().usableSlaves().stream().noneMatch(b -> b.name().equals(stale.name())),
            "the slave that stopped receiving stays out: " + p.admin("SELECT * FROM backends"));
        for (int i = 0; i < 20; i++) {
          try (Connection c = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
            assertEquals("1", TestSql.queryString(c, "SELECT COUNT(*) FROM items WHERE v = 'fresh'"), "read " + i);
          }
        }
        // A transactional writer (Connector/J's setAutoCommit(false) is SET autocommit = 0, run
        // on a slave while the master is down) gets the master-down error for its writes, again
        // and again on the same connection, never a "master changed" 08S01 that drops it.
        try (Connection tx = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
          tx.setAutoCommit(false);
          for (int i = 0; i < 3; i++) {
            SQLException down = assertThrows(SQLException.class,
                () -> TestSql.execute(tx, "INSERT INTO items (v) VALUES ('tx-while-down')"));
            assertTrue(!"08S01".equals(down.getSQLState()) && down.getMessage().contains("down"), down.getMessage());
            assertFalse(tx.isClosed(), "the session stays");
          }
        }
        // A new application connection (a default schema, the driver's SETs) reads on: its
        // login's schema check, SET and USE run on a slave while the master is down.
        Set<String> slaves = slaveIds().stream().map(String::valueOf).collect(Collectors.toSet());
        try (Connection reader = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
          TestSql.execute(reader, "SET NAMES utf8mb4", "SET time_zone = '+01:00'", "USE app");
          List<String> row = TestSql.queryRows(reader, "SELECT @@server_id, @@time_zone, DATABASE()").get(0);
          assertTrue(slaves.contains(row.get(0)), "read on a slave: " + row);
          assertEquals(List.of("+01:00", "app"), row.subList(1, 3));
        }
      } finally {
        io.sluice.bootstrap.sandbox.Sandbox.up(io.sluice.bootstrap.sandbox.SandboxSpec.in(cluster().sandbox().dir()));
        try (Connection root = TestSql.root(stale)) {
          TestSql.execute(root, "START SLAVE IO_THREAD");
        }
      }
      FailureDrills.awaitSuccess(() -> TestSql.execute(writer, "INSERT INTO items (v) VALUES ('after-restart')"),
          Duration.ofSeconds(15));
      cluster().sandbox().awaitReplication(Duration.ofSeconds(30));
      long reads = load.reads();
      assertEquals(List.of(), load.stop(), "errors the reading application saw");
      assertTrue(reads > 50, "the application kept reading: " + reads);
    }
  }

  /**
   * With automatic failover on, a write that arrives while the master is known down waits for
   * the failover instead of failing: when the master answers again first it runs there; when
   * the failover attempt fails (here no replica may be promoted, both are offline) it gets the
   * master-down error then, and later writes get it at once. A held write that the application
   * cancels (KILL QUERY) is answered 1317 at once and never runs.
   */
  @Test
  void writesWaitForADueFailoverAndRunWhenTheMasterReturns() throws Exception {
    Instance master = cluster().master();
    ProxyConfig.MonitorConfig fast = new ProxyConfig.MonitorConfig("root", "", Duration.ofMillis(300),
        Duration.ofMillis(500), Duration.ofSeconds(10));
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
    try {
      // The master comes back before failover.down-after (30 s): the held write runs on it.
      try (ProxyFixture p = ProxyFixture.start(cluster().sandbox(), c -> c.withMonitor(fast)
          .withFailover(new ProxyConfig.FailoverConfig(true, Duration.ofSeconds(30), "repl", "repl")));
           Connection writer = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true");
           Connection cancelled = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true");
           Connection killer = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
        for (Connection c : List.of(writer, cancelled, killer)) { // idle master connections on every event loop
          TestSql.execute(c, "INSERT INTO items (v) VALUES ('before-the-blip')");
        }
        java.util.concurrent.Future<String> write;
        FailureDrills.signal(master, "STOP");
        try {
          // A login with a schema, checked on the master until it is known down: it ends once
          // the master is found down (an error to retry, or a slave checked the schema), not
          // when the master answers again.
          java.util.concurrent.Future<String> login = pool.submit(() -> {
            try (Connection c = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
              return "ok";
            } catch (SQLException e) {
              return "error " + e.getErrorCode() + " " + e.getMessage();
            }
          });
          FailureDrills.awaitDown(p, master.name(), Duration.ofSeconds(10));
          String loggedIn = login.get(10, TimeUnit.SECONDS);
          assertTrue(loggedIn.equals("ok") || loggedIn.startsWith("error 9001"), loggedIn);
          write = pool.submit(() -> outcome(writer, "INSERT INTO items (v) VALUES ('held-over-the-blip')"));
          java.util.concurrent.Future<String> toCancel =
              pool.submit(() -> outcome(cancelled, "INSERT INTO items (v) VALUES ('held-then-killed')"));
          Thread.sleep(700);
          assertFalse(write.isDone(), "the write waits: " + (write.isDone() ? write.get() : ""));
          assertFalse(toCancel.isDone(), "the write waits: " + (toCancel.isDone() ? toCancel.get() : ""));
          assertEquals(2.0, metric(metrics(p), "sluice_master_waiting_statements"), "the gauge counts both");
          TestSql.execute(killer, "KILL QUERY " + cancelled.unwrap(com.mysql.cj.jdbc.JdbcConnection.class).getId());
          String killed = toCancel.get(5, TimeUnit.SECONDS);
          assertTrue(killed.startsWith("error 1317"), killed);
          assertEquals(1.0, metric(metrics(p), "sluice_master_waiting_statements"), "the killed one no longer waits");
          // A client that leaves while its write waits: the write is dropped, never run.
          Connection leaver = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true");
          java.util.concurrent.Future<String> abandoned =
              pool.submit(() -> outcome(leaver, "INSERT INTO items (v) VALUES ('held-then-abandoned')"));
          awaitWaitingStatements(p, 2, "the leaver's write waits too");
          leaver.abort(Runnable::run);
          abandoned.get(5, TimeUnit.SECONDS);
          awaitWaitingStatements(p, 1, "the write of a client that left no longer waits");
        } finally {
          FailureDrills.signal(master, "CONT");
        }
        assertEquals("ok", write.get(15, TimeUnit.SECONDS));
        assertEquals(0.0, metric(metrics(p), "sluice_master_waiting_statements"), "none waits once it ran");
        assertEquals(master.name(), p.server.runtime().view().master().name(), "no failover");
        try (Connection root = TestSql.root(master)) {
          assertEquals(List.of(List.of("held-over-the-blip")), TestSql.queryRows(root,
              "SELECT v FROM app.items WHERE v IN ('held-over-the-blip', 'held-then-killed', 'held-then-abandoned')"));
        }
      }

      // Nothing may be promoted (every slave offline): the failover attempt after
      // failover.down-after (1 s) fails, and the held write gets the master-down error then.
      try (ProxyFixture p = ProxyFixture.start(cluster().sandbox(), c -> c.withMonitor(fast)
          .withFailover(new ProxyConfig.FailoverConfig(true, Duration.ofSeconds(1), "repl", "repl")));
           Connection writer = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
        for (Instance s : cluster().slaves()) {
          p.admin("SET OFFLINE '" + s.name() + "'");
        }
        assertTrue(p.server.runtime().view().usableSlaves().isEmpty(), p.admin("SELECT * FROM backends").toString());
        FailureDrills.signal(master, "STOP");
        try {
          FailureDrills.awaitDown(p, master.name(), Duration.ofSeconds(10));
          long start = System.nanoTime();
          String held = outcome(writer, "INSERT INTO items (v) VALUES ('held-then-refused')");
          long heldMs = (System.nanoTime() - start) / 1_000_000;
          assertTrue(held.startsWith("error 9001") && held.contains("down"), held);
          assertTrue(heldMs > 300 && heldMs < 8_000, "answered when the failover failed, after " + heldMs + " ms");
          start = System.nanoTime();
          String next = outcome(writer, "INSERT INTO items (v) VALUES ('refused-at-once')");
          long nextMs = (System.nanoTime() - start) / 1_000_000;
          assertTrue(next.startsWith("error 9001") && next.contains("down"), next);
          assertTrue(nextMs < 1_000, "once the failover failed, writes fail at once; this one after " + nextMs + " ms");
        } finally {
          FailureDrills.signal(master, "CONT");
        }
        assertEquals(master.name(), p.server.runtime().view().master().name(), "nothing was promoted");
        FailureDrills.awaitSuccess(() -> TestSql.execute(writer, "INSERT INTO items (v) VALUES ('after-the-outage')"),
            Duration.ofSeconds(10));
      }
    } finally {
      pool.shutdownNow();
    }
    cluster().sandbox().awaitReplication(Duration.ofSeconds(30));
  }

  /**
   * A write held for a due failover when the proxy shuts down waits out the drain (the master
   * may still answer), then gets 1053 "Server shutdown in progress" as from a server shutting
   * down, and never runs; before, the shutdown released it to the down master (9001).
   */
  @Test
  void aWriteHeldForAFailoverAtShutdownGetsServerShutdownAndNeverRuns() throws Exception {
    Instance master = cluster().master();
    ProxyConfig.MonitorConfig fast = new ProxyConfig.MonitorConfig("root", "", Duration.ofMillis(300),
        Duration.ofMillis(500), Duration.ofSeconds(10));
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try (ProxyFixture p = ProxyFixture.start(cluster().sandbox(), c -> c.withMonitor(fast)
        .withFailover(new ProxyConfig.FailoverConfig(true, Duration.ofSeconds(30), "repl", "repl")));
         Connection writer = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
      TestSql.execute(writer, "INSERT INTO items (v) VALUES ('before-the-shutdown')");
      FailureDrills.signal(master, "STOP");
      try {
        FailureDrills.awaitDown(p, master.name(), Duration.ofSeconds(10));
        java.util.concurrent.Future<String> write =
            pool.submit(() -> outcome(writer, "INSERT INTO items (v) VALUES ('held-at-shutdown')"));
        Thread.sleep(700);
        assertFalse(write.isDone(), "the write waits: " + (write.isDone() ? write.get() : ""));
        long start = System.nanoTime();
        java.util.concurrent.Future<?> shutdown = pool.submit(() -> p.server.shutdown(Duration.ofSeconds(1)));
        String held = write.get(10, TimeUnit.SECONDS);
        long heldMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(held.startsWith("error 1053") && held.contains("Server shutdown in progress"), held);
        assertTrue(heldMs >= 900, "answered after the drain, not before: " + heldMs + " ms");
        shutdown.get(10, TimeUnit.SECONDS);
      } finally {
        FailureDrills.signal(master, "CONT");
      }
      try (Connection root = TestSql.root(master)) {
        assertEquals(List.of(), TestSql.queryRows(root, "SELECT v FROM app.items WHERE v = 'held-at-shutdown'"));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * The master is killed and, before the next health round finds it down, a write arrives and
   * an application connects with a default schema. With automatic failover on, the write does
   * not fail on the refused connection (9001): it waits for the health checks' verdict, then at
   * the gate, and runs once the master is back (here restarted before failover.down-after); the
   * login's schema check goes to a slave. Before, both failed at once.
   */
  @Test
  void aWriteToAMasterKilledBeforeTheHealthChecksNoticeWaitsForTheirVerdict() throws Exception {
    Instance master = cluster().master();
    // Rounds 3 s apart: the write and the login come well before the next one.
    ProxyConfig.MonitorConfig slow = new ProxyConfig.MonitorConfig("root", "", Duration.ofSeconds(3),
        Duration.ofMillis(500), Duration.ofSeconds(10));
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try (ProxyFixture p = ProxyFixture.start(cluster().sandbox(), c -> c.withMonitor(slow)
        .withFailover(new ProxyConfig.FailoverConfig(true, Duration.ofSeconds(60), "repl", "repl")));
         Connection writer = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
      TestSql.execute(writer, "INSERT INTO items (v) VALUES ('before-the-kill')");
      Thread.sleep(3_200); // just after a round: the next is about 3 s away
      java.util.concurrent.Future<String> write;
      String login;
      try {
        cluster().sandbox().kill(master);
        assertFalse(p.server.runtime().view().isDown(master.name()), "not found down yet");
        write = pool.submit(() -> outcome(writer, "INSERT INTO items (v) VALUES ('sent-before-the-verdict')"));
        try (Connection c = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
          login = "ok " + TestSql.queryString(c, "SELECT DATABASE()");
        } catch (SQLException e) {
          login = "error " + e.getErrorCode() + " " + e.getMessage();
        }
        Thread.sleep(300);
        assertFalse(write.isDone(), "the write waits: " + (write.isDone() ? write.get() : ""));
        assertEquals(1.0, metric(metrics(p), "sluice_master_waiting_statements"), "the gauge counts it");
        FailureDrills.awaitDown(p, master.name(), Duration.ofSeconds(10));
        assertFalse(write.isDone(), "the write waits at the gate: " + (write.isDone() ? write.get() : ""));
      } finally {
        io.sluice.bootstrap.sandbox.Sandbox.up(io.sluice.bootstrap.sandbox.SandboxSpec.in(cluster().sandbox().dir()));
      }
      assertEquals("ok app", login, "a login with a schema while the master was gone but not found down");
      assertEquals("ok", write.get(30, TimeUnit.SECONDS));
      assertEquals(master.name(), p.server.runtime().view().master().name(), "no failover");
      try (Connection root = TestSql.root(master)) {
        assertEquals("1", TestSql.queryString(root, "SELECT COUNT(*) FROM app.items WHERE v = 'sent-before-the-verdict'"));
      }
    } finally {
      pool.shutdownNow();
    }
    cluster().sandbox().awaitReplication(Duration.ofSeconds(30));
  }

  /** The proxy's log lines (slf4j-simple writes them to System.err) while {@code action} runs. */
  private interface Action {
    void run() throws Exception;
  }

  private static List<String> logLinesDuring(Action action) throws Exception {
    java.io.PrintStream err = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(new java.io.OutputStream() {
      @Override
      public void write(int b) {
        err.write(b);
        synchronized (captured) {
          captured.write(b);
        }
      }

      @Override
      public void write(byte[] b, int off, int len) {
        err.write(b, off, len);
        synchronized (captured) {
          captured.write(b, off, len);
        }
      }
    }, true));
    try {
      action.run();
    } finally {
      System.setErr(err);
    }
    synchronized (captured) {
      return captured.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
    }
  }

  /** "ok", or "error CODE MESSAGE" for what the statement got. */
  private static String outcome(Connection c, String sql) {
    try {
      TestSql.execute(c, sql);
      return "ok";
    } catch (SQLException e) {
      return "error " + e.getErrorCode() + " " + e.getMessage();
    }
  }

  /**
   * In Shift-JIS, '表' is 0x95 0x5C: its second byte is a backslash's. Read as UTF-8 it would
   * escape the closing quote, and the FOR UPDATE after it would read as part of a string (the
   * apostrophe in the comment closing it), sending a locking read to a slave.
   */
  @Test
  void aLockingReadInShiftJisGoesToTheMaster() throws Exception {
    try (Connection root = TestSql.root(cluster().master())) {
      TestSql.execute(root, "CREATE TABLE IF NOT EXISTS app.sjis_probe (id INT PRIMARY KEY)",
          "INSERT IGNORE INTO app.sjis_probe VALUES (1)");
    }
    cluster().sandbox().awaitReplication(Duration.ofSeconds(30));
    String master = String.valueOf(cluster().master().serverId());
    Set<String> slaves = slaveIds().stream().map(String::valueOf).collect(Collectors.toSet());
    try (Connection c = proxy.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true&characterEncoding=SJIS")) {
      String read = "SELECT @@server_id FROM sjis_probe WHERE id = 1 AND '表' <> ''";
      assertTrue(slaves.contains(TestSql.queryRows(c, read + " -- it's a plain read").get(0).get(0)),
          "a plain read still goes to a slave");
      assertEquals(List.of(List.of(master)), TestSql.queryRows(c, read + " FOR UPDATE -- it's a locking read"));
    }
  }

  /**
   * A versioned comment above the server's version is a comment to the server. Sluice cannot
   * know every backend's version, so it reads such a text both ways: where the readings differ
   * ("SELECT" in the comment, an UPDATE outside it) the statement goes to the master; where they
   * agree a read still goes to a slave.
   */
  @Test
  void aWriteBehindAVersionedCommentTheServerSkipsGoesToTheMaster() throws Exception {
    try (Connection root = TestSql.root(cluster().master())) {
      TestSql.execute(root, "CREATE TABLE IF NOT EXISTS app.versioned_probe (id INT PRIMARY KEY, v INT)",
          "INSERT IGNORE INTO app.versioned_probe VALUES (1, 0)");
    }
    cluster().sandbox().awaitReplication(Duration.ofSeconds(30));
    Set<String> slaves = slaveIds().stream().map(String::valueOf).collect(Collectors.toSet());
    try (Connection c = proxy.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
      String read = "/*master*/ SELECT v FROM versioned_probe WHERE id = 1";
      long before = Long.parseLong(TestSql.queryString(c, read));
      TestSql.execute(c, "/*!999999 SELECT */ UPDATE versioned_probe SET v = v + 1 WHERE id = 1");
      assertEquals(before + 1, Long.parseLong(TestSql.queryString(c, read)));
      assertTrue(slaves.contains(TestSql.queryString(c, "SELECT /*!999999 SQL_NO_CACHE */ @@server_id")),
          "a read whose readings agree goes to a slave");
    }
  }

  /**
   * A READ ONLY transaction runs on a slave. A statement in it that would leave state on that
   * connection (a user variable, a user lock, a temporary table, a prepared statement) is
   * refused with 1235 before it runs, and the transaction goes on: after the transaction the
   * session would read that state at the master, where it is missing. Started as /*master*\/
   * the transaction runs on the master, where all of it works.
   */
  @Test
  void stateInAReadOnlyTransactionOnASlaveIsRefusedNotLost() throws Exception {
    Set<String> slaves = slaveIds().stream().map(String::valueOf).collect(Collectors.toSet());
    String master = String.valueOf(cluster().master().serverId());
    try (Connection c = proxy.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
      TestSql.execute(c, "START TRANSACTION READ ONLY");
      assertTrue(slaves.contains(TestSql.queryString(c, "SELECT @@server_id")), "the transaction runs on a slave");
      for (String sql : List.of("SET @ro_x = 1", "SELECT GET_LOCK('ro-lock', 0)", "CREATE TEMPORARY TABLE ro_tmp (a INT)",
          "PREPARE ro_s FROM 'SELECT 1'")) {
        SQLException e = assertThrows(SQLException.class, () -> TestSql.execute(c, sql), sql);
        assertEquals(1235, e.getErrorCode(), sql + ": " + e.getMessage());
        assertEquals("42000", e.getSQLState());
      }
      assertTrue(slaves.contains(TestSql.queryString(c, "SELECT @@server_id")), "the transaction goes on");
      TestSql.execute(c, "COMMIT");
      assertEquals("1", TestSql.queryString(c, "SELECT @ro_x IS NULL"), "nothing was set anywhere");

      TestSql.execute(c, "/*master*/ START TRANSACTION READ ONLY");
      TestSql.execute(c, "SET @ro_x = 1");
      assertEquals(master, TestSql.queryString(c, "SELECT @@server_id"));
      TestSql.execute(c, "COMMIT");
      assertEquals("1", TestSql.queryString(c, "SELECT @ro_x"), "the variable is where the session goes on");
    }
  }

  /**
   * The binary protocol gets the text protocol's answers in a READ ONLY transaction on a slave:
   * a prepared write gets the master's 1792 (as directly), not the slave's read_only error; a
   * prepared statement that would leave state on the slave's connection is refused with 1235;
   * the transaction goes on.
   */
  @Test
  void preparedStatementsInAReadOnlyTransactionGetTheTextProtocolsAnswers() throws Exception {
    Set<String> slaves = slaveIds().stream().map(String::valueOf).collect(Collectors.toSet());
    String insert = "INSERT INTO items (v) VALUES (?)";
    SQLException direct;
    try (Connection d = DriverManager.getConnection(cluster().master().jdbcUrl("app") + "?" + SERVER_PS, "app", "app")) {
      TestSql.execute(d, "START TRANSACTION READ ONLY");
      direct = assertThrows(SQLException.class, () -> executeUpdate(d, insert, "ro-ps"));
      TestSql.execute(d, "ROLLBACK");
    }
    assertEquals(1792, direct.getErrorCode(), "what the server itself answers: " + direct.getMessage());
    try (Connection c = proxy.connect(SERVER_PS)) {
      TestSql.execute(c, "START TRANSACTION READ ONLY");
      assertTrue(slaves.contains(TestSql.queryString(c, "SELECT @@server_id")), "the transaction runs on a slave");
      SQLException write = assertThrows(SQLException.class, () -> executeUpdate(c, insert, "ro-ps"));
      assertEquals(List.of(direct.getErrorCode(), direct.getSQLState(), direct.getMessage()),
          List.of(write.getErrorCode(), write.getSQLState(), write.getMessage()));
      try (PreparedStatement lock = c.prepareStatement("SELECT GET_LOCK(?, 0)")) {
        lock.setString(1, "ro-ps-lock");
        SQLException refused = assertThrows(SQLException.class, lock::executeQuery);
        assertEquals(1235, refused.getErrorCode(), refused.getMessage());
        assertEquals("42000", refused.getSQLState());
      }
      assertTrue(slaves.contains(TestSql.queryString(c, "SELECT @@server_id")), "the transaction goes on");
      TestSql.execute(c, "COMMIT");
    }
  }

  /**
   * Long data sent for an execution the proxy refuses (a write in a READ ONLY transaction on a
   * slave) is forgotten, as the server forgets it after any execution: the next execution
   * stores only the data sent for it. Same raw commands directly and through the proxy.
   */
  @Test
  void longDataIsForgottenAfterARefusedExecutionAsDirectly() throws Exception {
    String direct;
    try (RawClient d = direct()) {
      direct = longDataAfterRefusal(d, "direct");
    }
    assertEquals("xyz-direct", direct, "what the server itself stores");
    try (RawClient p = proxied()) {
      assertEquals("xyz-proxied", longDataAfterRefusal(p, "proxied"));
    }
  }

  /** Long data, a refused INSERT in a READ ONLY transaction, new long data, the INSERT again: the value stored. */
  private String longDataAfterRefusal(RawClient c, String tag) throws Exception {
    // Prepared before the transaction: the server refuses to prepare a write inside it (1792 too).
    byte[] prepared = c.command(io.sluice.protocol.CommandType.COM_STMT_PREPARE,
        buf -> new io.sluice.protocol.packet.ComStmtPrepare("INSERT INTO items (v) VALUES (?)").encode(buf)).get(0);
    assertEquals(0x00, prepared[0], "PREPARE_OK: " + new String(prepared, StandardCharsets.UTF_8));
    int id = (prepared[1] & 0xFF) | (prepared[2] & 0xFF) << 8 | (prepared[3] & 0xFF) << 16 | (prepared[4] & 0xFF) << 24;
    assertEquals(0x00, query(c, "START TRANSACTION READ ONLY")[0]);
    // COM_STMT_SEND_LONG_DATA (no answer): statement, parameter 0, the bytes
    java.util.function.Function<String, java.util.function.Consumer<io.netty.buffer.ByteBuf>> longData =
        v -> buf -> buf.writeByte(0x18).writeIntLE(id).writeShortLE(0).writeBytes(v.getBytes(StandardCharsets.UTF_8));
    // COM_STMT_EXECUTE: no cursor, one iteration, null bitmap 0, types bound (MYSQL_TYPE_STRING), the value sent as long data
    java.util.function.Consumer<io.netty.buffer.ByteBuf> execute =
        buf -> buf.writeByte(0x17).writeIntLE(id).writeByte(0).writeIntLE(1).writeByte(0).writeByte(1).writeByte(0xFE).writeByte(0);
    c.send(longData.apply("abc-"));
    byte[] refused = c.command(io.sluice.protocol.CommandType.COM_STMT_EXECUTE, execute).get(0);
    assertEquals(0xFF, refused[0] & 0xFF, "the INSERT in the READ ONLY transaction is refused");
    assertEquals(1792, (refused[1] & 0xFF) | (refused[2] & 0xFF) << 8);
    assertEquals(0x00, query(c, "COMMIT")[0]);
    c.send(longData.apply("xyz-" + tag));
    byte[] ok = c.command(io.sluice.protocol.CommandType.COM_STMT_EXECUTE, execute).get(0);
    assertEquals(0x00, ok[0], "the INSERT after the transaction: " + new String(ok, StandardCharsets.UTF_8));
    try (Connection root = TestSql.root(cluster().master())) {
      return TestSql.queryString(root, "SELECT v FROM app.items WHERE v LIKE '%xyz-" + tag + "' ORDER BY id DESC LIMIT 1");
    }
  }

  private static int executeUpdate(Connection c, String sql, String value) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, value);
      return ps.executeUpdate();
    }
  }

  /**
   * GET DIAGNOSTICS reads the previous statement's diagnostics into user variables: after a
   * statement on the master it runs on that same connection and the variables read back as on
   * a direct connection; after a read a slave ran, it is refused rather than answered from
   * another connection's diagnostics.
   */
  @Test
  void getDiagnosticsReadsThePreviousStatementsConditionAsDirectly() throws Exception {
    List<List<String>> expected;
    try (Connection d = DriverManager.getConnection(cluster().master().jdbcUrl("app"), "app", "app")) {
      assertThrows(SQLException.class, () -> TestSql.execute(d, "INSERT INTO no_such_table VALUES (1)"));
      TestSql.execute(d, "GET DIAGNOSTICS CONDITION 1 @gd_state = RETURNED_SQLSTATE, @gd_errno = MYSQL_ERRNO");
      expected = TestSql.queryRows(d, "SELECT @gd_state, @gd_errno");
    }
    assertEquals(List.of(List.of("42S02", "1146")), expected, "what the server itself answers");
    try (Connection c = proxy.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
      for (int i = 0; i < 3; i++) { // other sessions' statements in between would show with a pooled connection
        assertThrows(SQLException.class, () -> TestSql.execute(c, "INSERT INTO no_such_table VALUES (1)"));
        TestSql.execute(c, "GET DIAGNOSTICS CONDITION 1 @gd_state = RETURNED_SQLSTATE, @gd_errno = MYSQL_ERRNO");
        assertEquals(expected, TestSql.queryRows(c, "SELECT @gd_state, @gd_errno"));
      }
      // Pinned by its user variables now, the session reads on the master: a failed read too.
      assertThrows(SQLException.class, () -> TestSql.execute(c, "SELECT * FROM no_such_table"));
      TestSql.execute(c, "GET DIAGNOSTICS CONDITION 1 @gd_state = RETURNED_SQLSTATE, @gd_errno = MYSQL_ERRNO");
      assertEquals(expected, TestSql.queryRows(c, "SELECT @gd_state, @gd_errno"));
    }
    try (Connection fresh = proxy.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
      assertThrows(SQLException.class, () -> TestSql.execute(fresh, "SELECT * FROM no_such_table")); // on a slave
      SQLException refused = assertThrows(SQLException.class,
          () -> TestSql.execute(fresh, "GET DIAGNOSTICS CONDITION 1 @gd_state = RETURNED_SQLSTATE"));
      assertEquals(1235, refused.getErrorCode(), refused.getMessage());
      assertEquals("42000", refused.getSQLState());
    }
  }

  /**
   * A prepared read whose lazy prepare on the transaction's connection fails (its table was
   * dropped) fails alone, as on a direct connection: the transaction goes on and its COMMIT
   * commits the earlier INSERT. Other sessions hold master connections meanwhile (each by a user
   * lock), so a transaction connection given back to the pool would be out of this session's
   * reach.
   */
  @Test
  void aStatementThatFailsBeforeItIsSentLeavesTheTransactionWhereItIs() throws Exception {
    try (Connection root = TestSql.root(cluster().master())) {
      TestSql.execute(root, "CREATE TABLE IF NOT EXISTS app.t_gone (id INT)");
    }
    cluster().sandbox().awaitReplication(Duration.ofSeconds(30));
    List<Connection> others = new java.util.ArrayList<>();
    try (Connection c = proxy.connect(SERVER_PS)) {
      PreparedStatement ps = c.prepareStatement("SELECT * FROM t_gone"); // a read: prepared on a slave
      try (Connection root = TestSql.root(cluster().master())) {
        TestSql.execute(root, "DROP TABLE app.t_gone");
      }
      cluster().sandbox().awaitReplication(Duration.ofSeconds(30));
      // BEGIN, not autocommit=0: a pooled connection's autocommit=0 would be synced back to 1
      // before another session's statement, committing whatever transaction it carried.
      TestSql.execute(c, "BEGIN", "INSERT INTO items (v) VALUES ('kept-in-transaction')");
      SQLException gone = assertThrows(SQLException.class, ps::executeQuery);
      assertEquals(1146, gone.getErrorCode(), gone.getMessage());
      for (int i = 0; i < 4; i++) {
        Connection o = proxy.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true");
        others.add(o);
        TestSql.queryString(o, "SELECT GET_LOCK('held-" + i + "', 0)");
      }
      TestSql.execute(c, "COMMIT");
      try (Connection root = TestSql.root(cluster().master())) {
        assertEquals("1", TestSql.queryString(root, "SELECT COUNT(*) FROM app.items WHERE v = 'kept-in-transaction'"),
            "the transaction's INSERT was committed by its own COMMIT");
      }
    } finally {
      for (Connection o : others) {
        o.close();
      }
    }
  }

  /**
   * The connection with a session's open transaction is killed while the client is idle: the
   * next statement is not run on another connection outside that transaction; the client
   * hears 08S01 and the session ends, as on a direct connection.
   */
  @Test
  void aTransactionWhoseConnectionDiedEndsTheSession() throws Exception {
    Connection c = proxy.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true");
    try {
      c.setAutoCommit(false);
      TestSql.execute(c, "INSERT INTO items (v) VALUES ('lost-with-its-connection')");
      // In a larger expression CONNECTION_ID() is the server's (alone it answers Sluice's id).
      String thread = TestSql.queryString(c, "SELECT CONNECTION_ID() + 0");
      try (Connection root = TestSql.root(cluster().master())) {
        TestSql.execute(root, "KILL " + thread);
        for (int i = 0; i < 50 && TestSql.queryString(root,
            "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = " + thread).equals("1"); i++) {
          Thread.sleep(100);
        }
      }
      Thread.sleep(300); // the proxy sees the close
      SQLException e = assertThrows(SQLException.class,
          () -> TestSql.execute(c, "INSERT INTO items (v) VALUES ('outside-the-transaction')"));
      assertEquals("08S01", e.getSQLState(), e.getMessage());
      try (Connection root = TestSql.root(cluster().master())) {
        assertEquals("0", TestSql.queryString(root,
            "SELECT COUNT(*) FROM app.items WHERE v IN ('lost-with-its-connection', 'outside-the-transaction')"));
      }
    } finally {
      try {
        c.close();
      } catch (SQLException ended) {
        // the proxy ended the session: Connector/J's rollback on close finds it closed
      }
    }
  }

  /**
   * COM_INIT_DB in a READ ONLY transaction goes to the transaction's slave connection: the
   * transaction goes on there (a write in it still gets 1792) instead of ending silently.
   */
  @Test
  void initDbInAReadOnlyTransactionStaysInIt() throws Exception {
    try (RawClient p = proxied()) {
      assertEquals(0x00, query(p, "START TRANSACTION READ ONLY")[0], "OK");
      byte[] use = p.command(io.sluice.protocol.CommandType.COM_INIT_DB,
          buf -> new io.sluice.protocol.packet.ComInitDb("information_schema").encode(buf)).get(0);
      assertEquals(0x00, use[0], "COM_INIT_DB answered OK");
      byte[] write = query(p, "INSERT INTO app.items (v) VALUES ('not in a read-only transaction')");
      assertEquals(0xFF, write[0] & 0xFF, "still in the READ ONLY transaction: the write is refused");
      assertEquals(1792, (write[1] & 0xFF) | (write[2] & 0xFF) << 8);
      assertEquals(0x00, query(p, "COMMIT")[0]);
    }
  }

  private static byte[] query(RawClient p, String sql) throws java.io.IOException {
    return p.command(io.sluice.protocol.CommandType.COM_QUERY,
        buf -> new io.sluice.protocol.packet.ComQuery(sql).encode(buf)).get(0);
  }

  /**
   * A prepared statement is prepared again, lazily, on whichever connection runs it: with the
   * bytes the client sent, not a re-encoding of them. A latin1 client's 'é' (0xE9) decoded as
   * UTF-8 and encoded back became "ï¿½". Other sessions hold the connections it was prepared on,
   * so each round runs on a connection that has not seen it.
   */
  @Test
  void aLatin1PreparedStatementKeepsItsBytesOnEveryConnection() throws Exception {
    List<Connection> others = new java.util.ArrayList<>();
    String latin1 = SERVER_PS + "&characterEncoding=ISO-8859-1"; // the others too: pools are per charset
    try (Connection c = proxy.connect(latin1);
         PreparedStatement ps = c.prepareStatement("INSERT INTO items (v) VALUES (CONCAT('\u00e9', ?))")) {
      for (int round = 0; round < 3; round++) {
        ps.setString(1, "-latin1-" + round);
        ps.executeUpdate();
        for (int i = 0; i < 4; i++) {
          Connection o = proxy.connect(latin1);
          others.add(o);
          TestSql.queryString(o, "SELECT GET_LOCK('latin1-" + round + "-" + i + "', 0)");
        }
      }
    } finally {
      for (Connection o : others) {
        o.close();
      }
    }
    try (Connection root = TestSql.root(cluster().master())) {
      assertEquals(List.of(List.of("\u00e9-latin1-0"), List.of("\u00e9-latin1-1"), List.of("\u00e9-latin1-2")),
          TestSql.queryRows(root, "SELECT v FROM app.items WHERE v LIKE '%-latin1-%' ORDER BY id"));
    }
  }

  /**
   * SET TRANSACTION READ ONLY as a server-side prepared statement (COM_STMT_PREPARE and
   * COM_STMT_EXECUTE: Connector/J prepares SET on the client) is the session's, as in text: run
   * on a pooled connection, it waited there for the next transaction of whichever session came
   * next, whose INSERT then failed with 1792.
   */
  @Test
  void aPreparedSetTransactionStaysWithItsSession() throws Exception {
    List<RawClient> others = new java.util.ArrayList<>();
    try (RawClient c = proxied()) {
      byte[] prepared = c.command(io.sluice.protocol.CommandType.COM_STMT_PREPARE,
          buf -> new io.sluice.protocol.packet.ComStmtPrepare("SET TRANSACTION READ ONLY").encode(buf)).get(0);
      assertEquals(0x00, prepared[0], "PREPARE_OK");
      int id = (prepared[1] & 0xFF) | (prepared[2] & 0xFF) << 8 | (prepared[3] & 0xFF) << 16 | (prepared[4] & 0xFF) << 24;
      byte[] executed = c.command(io.sluice.protocol.CommandType.COM_STMT_EXECUTE,
          buf -> buf.writeByte(0x17).writeIntLE(id).writeByte(0).writeIntLE(1)).get(0);
      assertEquals(0x00, executed[0], "OK");
      for (int i = 0; i < 4; i++) { // some on the session's event loop, taking its last connection
        RawClient o = proxied();
        others.add(o);
        byte[] insert = query(o, "INSERT INTO items (v) VALUES ('not read-only " + i + "')");
        assertEquals(0x00, insert[0], "another session's INSERT: " + new String(insert, StandardCharsets.UTF_8));
      }
    } finally {
      for (RawClient o : others) {
        o.close();
      }
    }
  }

  /**
   * SET TRANSACTION READ ONLY applies to the next transaction: a SELECT without a table is none
   * on the server (Connector/J sends one before an INSERT through the proxy), a SELECT of a
   * table is. Each sequence ends as on a direct connection.
   */
  @Test
  void theNextTransactionIsTheOneTheServerStarts() throws Exception {
    for (String between : List.of("SELECT 1", "SELECT COUNT(*) FROM items")) {
      String direct;
      try (Connection d = DriverManager.getConnection(cluster().master().jdbcUrl("app")
          + "?sslMode=DISABLED&allowPublicKeyRetrieval=true", "app", "app")) {
        direct = readOnlyThenInsert(d, between);
      }
      try (Connection c = proxy.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
        assertEquals(direct, readOnlyThenInsert(c, between), "SET TRANSACTION READ ONLY; " + between + "; INSERT");
      }
    }
  }

  /**
   * A statement refused under SET TRANSACTION READ ONLY does not use the setting up on the
   * server: it still waits on that connection. The connection must not go back to the pool,
   * where another session's INSERT would be refused.
   */
  @Test
  void aRefusedStatementLeavesNoNextTransactionSettingForOthers() throws Exception {
    List<Connection> others = new java.util.ArrayList<>();
    try (Connection c = proxy.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
      assertEquals("1792", readOnlyThenInsert(c, "SELECT 1"));
      for (int i = 0; i < 4; i++) { // some on the session's event loop, taking its last connection
        Connection o = proxy.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true");
        others.add(o);
        TestSql.execute(o, "INSERT INTO items (v) VALUES ('read-write " + i + "')");
      }
    } finally {
      for (Connection o : others) {
        o.close();
      }
    }
  }

  /** "ok", or the error code of the INSERT after SET TRANSACTION READ ONLY and {@code between}. */
  private static String readOnlyThenInsert(Connection c, String between) throws SQLException {
    TestSql.execute(c, "SET TRANSACTION READ ONLY");
    TestSql.queryRows(c, between);
    try {
      TestSql.execute(c, "INSERT INTO items (v) VALUES ('after the next transaction')");
      return "ok";
    } catch (SQLException e) {
      return String.valueOf(e.getErrorCode());
    }
  }

  // ---- consistency ----

  /**
   * Slaves whose SQL threads are stopped while the health checks still count them (an hour
   * between rounds) stand for lag the checks have not seen yet. An eventual session then reads
   * a stale answer; a read-your-writes session (by config, or by SET sluice_consistency) sees
   * its own write, from the master while no slave has it and from a slave once one has.
   */
  @Test
  void readYourWritesSessionsSeeTheirOwnWrites() throws Exception {
    ProxyConfig.MonitorConfig rare = new ProxyConfig.MonitorConfig("root", "", Duration.ofHours(1),
        Duration.ofMillis(500), Duration.ofSeconds(10));
    ProxyConfig.UserConfig ryw = new ProxyConfig.UserConfig("ryw", "ryw-pw", null, 0,
        io.sluice.core.session.ConsistencyLevel.READ_YOUR_WRITES);
    try (Connection root = TestSql.root(cluster().master())) {
      TestSql.execute(root, "CREATE USER IF NOT EXISTS 'ryw'@'%' IDENTIFIED BY 'ryw-pw'",
          "GRANT ALL ON app.* TO 'ryw'@'%'");
    }
    cluster().sandbox().awaitReplication(Duration.ofSeconds(30));
    Set<String> slaves = slaveIds().stream().map(String::valueOf).collect(Collectors.toSet());
    String master = String.valueOf(cluster().master().serverId());
    try (ProxyFixture p = ProxyFixture.start(cluster().sandbox(), c -> ProxyFixture.withUser(ryw).apply(
        new ProxyConfig(c.source(), c.listen(), c.admin(), c.metricsListen(), c.users(), c.backends(), rare, c.pool(),
            c.tls(), c.backendTls())))) {
      FailureDrills.awaitTargets(p, slaves, Duration.ofSeconds(5));
      setReplication(false);
      try (Connection eventual = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true");
           Connection own = p.connect("ryw", "ryw-pw", "sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
        TestSql.execute(eventual, "INSERT INTO items (v) VALUES ('ryw-eventual')");
        assertEquals(List.of(), TestSql.queryRows(eventual, "SELECT v FROM items WHERE v = 'ryw-eventual'"),
            "an eventual session reads the lagging slave");

        TestSql.execute(own, "INSERT INTO items (v) VALUES ('ryw-own')");
        assertEquals(List.of(List.of("ryw-own", master)),
            TestSql.queryRows(own, "SELECT v, @@server_id FROM items WHERE v = 'ryw-own'"),
            "read-your-writes: no slave has the write, so the master answers");
        try (PreparedStatement ps = own.prepareStatement("SELECT v, @@server_id FROM items WHERE v = ?")) {
          ps.setString(1, "ryw-own");
          try (ResultSet rs = ps.executeQuery()) {
            assertTrue(rs.next(), "the prepared read sees the write too");
            assertEquals(master, rs.getString(2));
          }
        }
        // A slave has missed this GTID by now (one 0.5 s wait): later reads ask the slaves
        // without waiting, so six more reads take nowhere near 6 x 0.5 s.
        long sixReads = System.nanoTime();
        for (int i = 0; i < 6; i++) {
          assertEquals(List.of(List.of("ryw-own", master)),
              TestSql.queryRows(own, "SELECT v, @@server_id FROM items WHERE v = 'ryw-own'"));
        }
        long sixReadsMs = (System.nanoTime() - sixReads) / 1_000_000;
        assertTrue(sixReadsMs < 1500, "six reads after the slaves missed the write took " + sixReadsMs + " ms");

        // A client that asks for session-state info gets the GTID in the write's OK packet.
        try (Connection tracked = p.connect("ryw", "ryw-pw",
            "sslMode=DISABLED&allowPublicKeyRetrieval=true&trackSessionState=true")) {
          TestSql.execute(tracked, "INSERT INTO items (v) VALUES ('ryw-tracked')");
          assertEquals(List.of(List.of("ryw-tracked", master)),
              TestSql.queryRows(tracked, "SELECT v, @@server_id FROM items WHERE v = 'ryw-tracked'"));
        }
        // A server-side statement read through a cursor (a row per fetch) moves to the master
        // the same way: the slave's wait fails before anything was sent to the client.
        try (Connection cursor = p.connect("ryw", "ryw-pw",
            "sslMode=DISABLED&allowPublicKeyRetrieval=true&useServerPrepStmts=true&useCursorFetch=true")) {
          TestSql.execute(cursor, "INSERT INTO items (v) VALUES ('ryw-cursor'), ('ryw-cursor')");
          try (PreparedStatement ps = cursor.prepareStatement("SELECT v, @@server_id FROM items WHERE v = ?")) {
            ps.setFetchSize(1);
            ps.setString(1, "ryw-cursor");
            try (ResultSet rs = ps.executeQuery()) {
              assertTrue(rs.next(), "the cursor read sees the write");
              assertEquals(master, rs.getString(2));
              assertTrue(rs.next(), "and fetches its second row");
              assertFalse(rs.next());
            }
          }
        }

        assertEquals("eventual", TestSql.queryString(eventual, "SELECT @@sluice_consistency"));
        TestSql.execute(eventual, "SET sluice_consistency = 'read-your-writes'");
        assertEquals("read-your-writes", TestSql.queryString(eventual, "SELECT @@session.sluice_consistency"));
        TestSql.execute(eventual, "SET sluice_consistency = DEFAULT"); // the user's, from the config
        assertEquals("eventual", TestSql.queryString(eventual, "SELECT @@sluice_consistency"));
        TestSql.execute(eventual, "SET sluice_consistency = 'read-your-writes'");
        try (java.sql.Statement st = eventual.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SELECT @@sluice_consistency AS level")) {
          assertEquals("level", rs.getMetaData().getColumnLabel(1));
          assertEquals(java.sql.Types.VARCHAR, rs.getMetaData().getColumnType(1));
          assertTrue(rs.next());
          assertEquals("read-your-writes", rs.getString(1));
          assertFalse(rs.next());
        }
        TestSql.execute(eventual, "INSERT INTO items (v) VALUES ('ryw-switched')");
        assertEquals(List.of(List.of("ryw-switched")),
            TestSql.queryRows(eventual, "SELECT v FROM items WHERE v = 'ryw-switched'"), "after SET sluice_consistency");
        SQLException bad = assertThrows(SQLException.class,
            () -> TestSql.execute(eventual, "SET sluice_consistency = 'sometimes'"));
        assertEquals(1231, bad.getErrorCode());
        assertEquals("42000", bad.getSQLState());
        SQLException unknown = assertThrows(SQLException.class,
            () -> TestSql.execute(eventual, "SET sluice_colour = 'blue'"));
        assertEquals(1193, unknown.getErrorCode());

        setReplication(true);
        cluster().sandbox().awaitReplication(Duration.ofSeconds(30));
        List<List<String>> rows = TestSql.queryRows(own, "SELECT v, @@server_id FROM items WHERE v = 'ryw-own'");
        assertEquals("ryw-own", rows.get(0).get(0));
        assertTrue(slaves.contains(rows.get(0).get(1)), "caught-up slaves serve the session again: " + rows);
      } finally {
        setReplication(true);
      }
    }
  }

  /** Statements that make a slave apply each transaction {@code seconds} after its commit. */
  List<String> delaySql(int seconds) {
    return List.of("STOP REPLICA SQL_THREAD", "CHANGE REPLICATION SOURCE TO SOURCE_DELAY = " + seconds,
        "START REPLICA SQL_THREAD");
  }

  /**
   * Slaves delayed on purpose by 2 s stay within max-replica-lag, so the health checks keep
   * them in rotation, as a real moderately lagging slave. Write-then-read, 10 times each: an
   * eventual session reads stale rows, a read-your-writes session never does.
   */
  @Test
  void readYourWritesNeverReadsAStaleRowFromADelayedSlave() throws Exception {
    try (Connection root = TestSql.root(cluster().master())) {
      TestSql.execute(root, "CREATE USER IF NOT EXISTS 'ryw'@'%' IDENTIFIED BY 'ryw-pw'", "GRANT ALL ON app.* TO 'ryw'@'%'");
    }
    cluster().sandbox().awaitReplication(Duration.ofSeconds(30));
    ProxyConfig.UserConfig ryw = new ProxyConfig.UserConfig("ryw", "ryw-pw", null, 0,
        io.sluice.core.session.ConsistencyLevel.READ_YOUR_WRITES);
    try (ProxyFixture p = ProxyFixture.start(cluster().sandbox(), ProxyFixture.withUser(ryw))) {
      for (Instance slave : cluster().slaves()) {
        try (Connection root = TestSql.root(slave)) {
          TestSql.execute(root, delaySql(2).toArray(String[]::new));
        }
      }
      try (Connection eventual = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true");
           Connection own = p.connect("ryw", "ryw-pw", "sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
        int staleEventual = 0;
        int staleOwn = 0;
        for (int i = 0; i < 10; i++) {
          TestSql.execute(eventual, "INSERT INTO items (v) VALUES ('delayed-eventual-" + i + "')");
          staleEventual += TestSql.queryRows(eventual, "SELECT v FROM items WHERE v = 'delayed-eventual-" + i + "'")
              .isEmpty() ? 1 : 0;
          TestSql.execute(own, "INSERT INTO items (v) VALUES ('delayed-own-" + i + "')");
          staleOwn += TestSql.queryRows(own, "SELECT v FROM items WHERE v = 'delayed-own-" + i + "'").isEmpty() ? 1 : 0;
        }
        assertEquals(0, staleOwn, "read-your-writes returned a stale (empty) answer");
        assertTrue(staleEventual > 0, "the delayed slaves really were behind: eventual reads saw every write");
        assertTrue(p.server.runtime().view().usableSlaves().size() == 2, "the delayed slaves stayed in rotation");
      }
    } finally {
      for (Instance slave : cluster().slaves()) {
        try (Connection root = TestSql.root(slave)) {
          TestSql.execute(root, delaySql(0).toArray(String[]::new));
        }
      }
      cluster().sandbox().awaitReplication(Duration.ofSeconds(30));
    }
  }

  private void setReplication(boolean running) throws SQLException {
    for (Instance slave : cluster().slaves()) {
      try (Connection root = TestSql.root(slave)) {
        TestSql.execute(root, replicationThreadSql(running));
      }
    }
  }

  // ---- admin interface and reload ----

  /**
   * The admin port speaks the MySQL protocol to the mariadb client: Atlas's statements list
   * and change the backends and the client allow-list, and application reads follow at once.
   */
  /**
   * The admin port takes JDBC connections, as ProxySQL's does: Connector/J reads its settings
   * variables when it connects and MariaDB Connector/J sends SET statements; both were refused
   * as unknown admin statements.
   */
  @Test
  void theAdminPortTakesJdbcConnections() throws Exception {
    try (ProxyFixture p = ProxyFixture.start(cluster().sandbox())) {
      for (String url : List.of("jdbc:mysql://127.0.0.1:" + p.adminPort() + "/?sslMode=DISABLED&allowPublicKeyRetrieval=true",
          "jdbc:mariadb://127.0.0.1:" + p.adminPort() + "/")) {
        try (Connection admin = DriverManager.getConnection(url, "admin", "admin")) {
          List<List<String>> rows = TestSql.queryRows(admin, "SELECT * FROM backends");
          assertEquals(cluster().master().name(), rows.get(0).get(1), url);
          assertEquals(3, rows.size(), url);
        }
      }
    }
  }

  @Test
  void theAdminInterfaceListsAndChangesBackendsAndClients() throws Exception {
    Instance s0 = cluster().slaves().get(0);
    Instance s1 = cluster().slaves().get(1);
    Set<String> both = Set.of(String.valueOf(s0.serverId()), String.valueOf(s1.serverId()));
    Set<String> onlyS1 = Set.of(String.valueOf(s1.serverId()));
    try (ProxyFixture p = ProxyFixture.start(cluster().sandbox());
         Connection app = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
      FailureDrills.awaitTargets(p, both, Duration.ofSeconds(5));
      List<String> backends = p.admin("SELECT * FROM backends");
      ProxyFixture.AdminError masterAsSlave = assertThrows(ProxyFixture.AdminError.class,
          () -> p.admin("ADD SLAVE 127.0.0.1:" + cluster().master().port()));
      assertTrue(masterAsSlave.getMessage().contains("a slave must be another server"), masterAsSlave.getMessage());
      assertEquals(3, backends.size(), String.join("\n", backends));
      assertTrue(backends.get(0).startsWith("1\t" + cluster().master().name() + "\t127.0.0.1:"), backends.get(0));
      assertTrue(backends.get(0).contains("\tup\trw\t"), backends.get(0));
      assertTrue(backends.get(1).startsWith("2\t" + s0.name() + "\t") && backends.get(1).contains("\tup\tro\t1\t"),
          backends.get(1));
      assertTrue(p.admin("SELECT * FROM help").stream().anyMatch(l -> l.startsWith("SET OFFLINE n")));

      // Every change is logged with who made it and how it went; reading is not.
      List<String> logged = logLinesDuring(() -> {
        p.admin("SELECT * FROM backends");
        p.admin("SET OFFLINE 2");
        assertThrows(ProxyFixture.AdminError.class, () -> p.admin("SET WEIGHT no-such-slave 2"));
      });
      assertTrue(logged.stream().anyMatch(l -> l.contains("admin admin@127.0.0.1: SET OFFLINE 2")), logged.toString());
      assertTrue(logged.stream().anyMatch(l -> l.contains("WARN") && l.contains("admin admin@127.0.0.1: SET WEIGHT"
          + " no-such-slave 2 refused: no backend named 'no-such-slave'")), logged.toString());
      assertTrue(logged.stream().noneMatch(l -> l.contains("admin@127.0.0.1: SELECT")), logged.toString());
      assertTrue(p.admin("SELECT * FROM backends").get(1).contains("\toffline\t"));
      FailureDrills.awaitTargets(p, onlyS1, Duration.ofSeconds(2));
      p.admin("SET ONLINE '" + s0.name() + "'"); // by name too: an index moves when backends do
      FailureDrills.awaitTargets(p, both, Duration.ofSeconds(5));

      p.admin("set weight \"" + s0.name().toUpperCase(java.util.Locale.ROOT) + "\" 0"); // "", any case
      FailureDrills.awaitTargets(p, onlyS1, Duration.ofSeconds(2));
      p.admin("REMOVE BACKEND `" + s0.name() + "`");
      assertEquals(2, p.admin("SELECT * FROM backends").size());
      p.admin("ADD SLAVE " + s0.address() + "@2");
      List<String> added = p.admin("SELECT * FROM backends");
      assertTrue(added.get(2).contains("\t" + s0.address() + "\t") && added.get(2).contains("\tro\t2\t"),
          added.get(2));
      FailureDrills.awaitTargets(p, both, Duration.ofSeconds(5));

      assertTrue(p.admin("SELECT * FROM sessions").stream().anyMatch(l -> l.contains("\tapp\t127.0.0.1\t")));
      p.admin("ADD CLIENT 10.0.0.0/8");
      assertEquals(List.of("10.0.0.0/8"), p.admin("SELECT * FROM clients"));
      SQLException refused = assertThrows(SQLException.class,
          () -> p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true").close());
      assertTrue(refused.getMessage().contains("is not allowed to connect"), refused.getMessage());
      assertTrue(slaveIds().contains(TestSql.serverId(app)), "connections already open are not cut");
      p.admin("REMOVE CLIENT 10.0.0.0/8");
      p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true").close();

      // `sluice admin` finds the admin port and account in the config file.
      java.nio.file.Path conf = java.nio.file.Files.createTempFile("sluice-admin", ".conf");
      try {
        java.nio.file.Files.writeString(conf, java.nio.file.Files.readString(cluster().sandbox().routingConf())
            .replaceFirst("admin \\{ listen = \"127.0.0.1:\\d+\"", "admin { listen = \"127.0.0.1:" + p.adminPort() + "\""));
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cli = io.sluice.server.cli.SluiceCli.commandLine()
            .setOut(new java.io.PrintWriter(out)).setErr(new java.io.PrintWriter(err));
        assertEquals(0, cli.execute("admin", "-c", conf.toString(), "SELECT * FROM backends"), err.toString());
        assertTrue(out.toString().startsWith("backend_ndx\tname\taddress\tstate\ttype\tweight\tlag_ms\treason\n1\t"
            + cluster().master().name() + "\t"), out.toString());
        assertEquals(1, cli.execute("admin", "-c", conf.toString(), "SET SIDEWAYS 2"));
        assertTrue(err.toString().contains("ERROR 1064 (42000)"), err.toString());
      } finally {
        java.nio.file.Files.deleteIfExists(conf);
      }

      ProxyFixture.AdminError syntax = assertThrows(ProxyFixture.AdminError.class, () -> p.admin("SET SIDEWAYS 2"));
      assertTrue(syntax.getMessage().contains("ERROR 1064") && syntax.getMessage().contains("SELECT * FROM help"),
          syntax.getMessage());
      ProxyFixture.AdminError range = assertThrows(ProxyFixture.AdminError.class, () -> p.admin("SET OFFLINE 9"));
      assertTrue(range.getMessage().contains("no backend 9"), range.getMessage());
      ProxyFixture.AdminError master = assertThrows(ProxyFixture.AdminError.class, () -> p.admin("SET OFFLINE 1"));
      assertTrue(master.getMessage().contains("master"), master.getMessage());
      ProxyFixture.AdminError unknownName = assertThrows(ProxyFixture.AdminError.class,
          () -> p.admin("REMOVE BACKEND no-such-slave"));
      assertTrue(unknownName.getMessage().contains("no backend named 'no-such-slave'; SELECT * FROM backends lists "
          + s1.name()), unknownName.getMessage());
      ProxyFixture.AdminError masterByName = assertThrows(ProxyFixture.AdminError.class,
          () -> p.admin("SWITCHOVER " + cluster().master().name()));
      assertTrue(masterByName.getMessage().contains(cluster().master().name() + " is the master"),
          masterByName.getMessage());
      ProxyFixture.AdminError denied = assertThrows(ProxyFixture.AdminError.class,
          () -> p.adminAs("wrong", "SELECT * FROM backends"));
      assertTrue(denied.getMessage().contains("ERROR 1045"), denied.getMessage());
    }
  }

  /** Prometheus metrics over HTTP: per backend, per route, health and client connections. */
  @Test
  void metricsAreServedInThePrometheusFormat() throws Exception {
    try (ProxyFixture p = ProxyFixture.start(cluster().sandbox());
         Connection c = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
      TestSql.execute(c, "INSERT INTO items (v) VALUES ('metrics')");
      for (int i = 0; i < 10; i++) {
        TestSql.serverId(c);
      }
      assertThrows(SQLException.class, () -> TestSql.execute(c, "INSERT INTO no_such_table VALUES (1)"));
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      int port = p.server.metricsAddress().orElseThrow().getPort();
      java.net.http.HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      String body = r.body();
      String master = cluster().master().name();
      assertTrue(metric(body, "sluice_backend_statements_total{backend=\"" + master + "\"}") >= 2, body);
      assertTrue(metric(body, "sluice_backend_errors_total{backend=\"" + master + "\"}") >= 1, body);
      double slaveStatements = 0;
      for (Instance s : cluster().slaves()) {
        slaveStatements += metric(body, "sluice_backend_statements_total{backend=\"" + s.name() + "\"}");
        assertEquals(1.0, metric(body, "sluice_backend_up{backend=\"" + s.name() + "\"}"), body);
      }
      assertTrue(slaveStatements >= 10, "reads counted on the slaves: " + slaveStatements);
      assertTrue(metric(body, "sluice_routes_total{reason=\"read\",target=\"slave\"}") >= 10, body);
      assertTrue(metric(body, "sluice_routes_total{reason=\"write\",target=\"master\"}") >= 2, body);
      assertEquals(1.0, metric(body, "sluice_client_connections"), body);
      assertTrue(body.contains("sluice_backend_latency_seconds_bucket{backend=\"" + master + "\""), body);
      assertTrue(body.contains("sluice_pool_connections{backend=\"" + master + "\",state=\"open\"}"), body);
      assertEquals(404, http.send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create("http://127.0.0.1:" + port + "/other")).build(),
          java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode());
    }
  }

  /** The SQL log writes slow statements only (mode slow) or every statement with its status (mode on). */
  @Test
  void theSqlLogRecordsSlowStatementsOrAll() throws Exception {
    java.nio.file.Path file = java.nio.file.Files.createTempFile("sluice-sql", ".log");
    try {
      try (ProxyFixture p = ProxyFixture.start(cluster().sandbox(), c -> c.withSqlLog(new ProxyConfig.SqlLogConfig(
          ProxyConfig.SqlLogConfig.Mode.SLOW, Duration.ofMillis(200), file)));
           Connection c = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
        TestSql.queryRows(c, "SELECT 'fast-one'");
        TestSql.queryRows(c, "SELECT SLEEP(0.3), 'slow-one'");
      }
      List<String> slow = java.nio.file.Files.readAllLines(file);
      assertEquals(1, slow.size(), String.join("\n", slow));
      String line = slow.get(0);
      // SLEEP() has a side effect (it can be killed), so it runs on the master.
      assertTrue(line.contains(" user=app client=127.0.0.1 backend=" + cluster().master().name() + " ")
          && line.contains(" status=OK ")
          && line.endsWith(" sql=SELECT SLEEP(0.3), 'slow-one'"), line);
      double ms = Double.parseDouble(line.replaceAll(".* time_ms=([0-9.]+) .*", "$1"));
      assertTrue(ms >= 300, line);

      java.nio.file.Files.writeString(file, "");
      try (ProxyFixture p = ProxyFixture.start(cluster().sandbox(), c -> c.withSqlLog(new ProxyConfig.SqlLogConfig(
          ProxyConfig.SqlLogConfig.Mode.ON, Duration.ofMillis(200), file)));
           Connection c = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
        TestSql.queryRows(c, "SELECT 'fast-one'");
        assertThrows(SQLException.class, () -> TestSql.execute(c, "INSERT INTO no_such_table_for_log VALUES (1)"));
      }
      List<String> all = java.nio.file.Files.readAllLines(file);
      assertTrue(all.stream().anyMatch(l -> l.contains(" status=OK ") && l.endsWith(" sql=SELECT 'fast-one'")),
          String.join("\n", all));
      assertTrue(all.stream().anyMatch(l -> l.contains(" backend=" + cluster().master().name() + " ")
          && l.contains(" status=ERR ") && l.endsWith("sql=INSERT INTO no_such_table_for_log VALUES (1)")),
          String.join("\n", all));
    } finally {
      java.nio.file.Files.deleteIfExists(file);
    }
  }

  /** The value of the sample {@code nameAndLabels} (labels as Prometheus orders them), or -1. */
  private static double metric(String body, String nameAndLabels) {
    for (String line : body.split("\n")) {
      if (line.startsWith(nameAndLabels + " ")) {
        return Double.parseDouble(line.substring(nameAndLabels.length() + 1).trim());
      }
    }
    return -1;
  }

  /**
   * wait_timeout, as a server applies it: a session idle longer than its own SET wait_timeout
   * (or clients.wait-timeout) is closed, and the application sees what it sees from the server
   * itself (Connector/J: a communications failure, 08S01); a session that keeps working is not.
   */
  @Test
  void anIdleSessionIsClosedAfterItsWaitTimeout() throws Exception {
    try (ProxyFixture p = ProxyFixture.start(cluster().sandbox(),
        c -> c.withClients(new ProxyConfig.ClientsConfig(List.of(), 0, Duration.ofSeconds(3))));
         Connection own = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true");
         Connection busy = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true");
         Connection configured = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true");
         Connection direct = TestSql.app(cluster().master())) {
      long start = System.nanoTime();
      TestSql.execute(direct, "SET SESSION wait_timeout = 1");
      TestSql.execute(own, "SET SESSION wait_timeout = 1");
      assertEquals("1", TestSql.queryString(own, "SELECT @@wait_timeout"), "the server's view of it too");
      TestSql.execute(busy, "SET SESSION wait_timeout = 1");
      for (int i = 0; i < 8; i++) { // 2 s of a statement every 0.25 s: never idle 1 s
        Thread.sleep(250);
        TestSql.serverId(busy);
      }
      Thread.sleep(500); // own: idle 2.5 s by now
      SQLException closed = assertThrows(SQLException.class, () -> TestSql.serverId(own));
      SQLException closedDirectly = assertThrows(SQLException.class, () -> TestSql.serverId(direct));
      assertEquals(closedDirectly.getClass(), closed.getClass(), closed.getMessage());
      assertEquals(closedDirectly.getErrorCode(), closed.getErrorCode(), closed.getMessage());
      assertEquals(closedDirectly.getSQLState(), closed.getSQLState(), closed.getMessage());
      assertTrue(own.isClosed() || !own.isValid(1), "the session is gone");
      assertTrue(busy.isValid(1), "a session that kept working stays");
      assertTrue(configured.isValid(1), "clients.wait-timeout (3 s) is not over for the third: it just answered");
      Thread.sleep(Math.max(0, Duration.ofSeconds(4).toMillis() - (System.nanoTime() - start) / 1_000_000));
      Thread.sleep(3500); // idle longer than clients.wait-timeout since its ping
      assertThrows(SQLException.class, () -> TestSql.serverId(configured));
      assertTrue(p.admin("SELECT * FROM sessions").stream().noneMatch(l -> l.contains("\tapp\t")),
          "the closed sessions are gone from the proxy: " + p.admin("SELECT * FROM sessions"));
    }
  }

  @Test
  void theTotalClientLimitRefusesOneConnectionTooMany() throws Exception {
    try (ProxyFixture p = ProxyFixture.start(cluster().sandbox(),
        c -> c.withClients(new ProxyConfig.ClientsConfig(List.of(), 2)))) {
      Connection a = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true");
      try (Connection b = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
        SQLException e = assertThrows(SQLException.class,
            () -> p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true").close());
        assertEquals(1040, e.getErrorCode(), e.getMessage());
        assertEquals("08004", e.getSQLState());
        a.close();
        // The proxy frees the slot when it sees the connection close, a moment later.
        Connection[] freed = new Connection[1];
        FailureDrills.awaitSuccess(() -> freed[0] = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true"),
            Duration.ofSeconds(5));
        try (Connection c = freed[0]) {
          assertTrue(slaveIds().contains(TestSql.serverId(c)), "a freed slot is usable again");
          assertTrue(slaveIds().contains(TestSql.serverId(b)));
        }
      }
    }
  }

  /**
   * A config file mounted from a Kubernetes ConfigMap is a symlink through the directory's
   * "..data" symlink, which the kubelet swaps to publish an update: the file watch reloads it
   * then (the file itself gets no event).
   */
  @Test
  void aConfigMapUpdateIsReloaded() throws Exception {
    Instance s0 = cluster().slaves().get(0);
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("sluice-configmap");
    String original = java.nio.file.Files.readString(cluster().sandbox().routingConf());
    String s0Entry = "address = \"" + s0.address() + "\", weight = 1";
    assertTrue(original.contains(s0Entry), original);
    // The kubelet's layout: ..<timestamp>/routing.conf, ..data -> ..<timestamp>, routing.conf -> ..data/routing.conf
    java.nio.file.Path first = java.nio.file.Files.createDirectory(dir.resolve("..2026_11_30_01"));
    java.nio.file.Files.writeString(first.resolve("routing.conf"), original);
    java.nio.file.Files.createSymbolicLink(dir.resolve("..data"), first.getFileName());
    java.nio.file.Path conf = java.nio.file.Files.createSymbolicLink(dir.resolve("routing.conf"),
        java.nio.file.Path.of("..data", "routing.conf"));
    java.nio.file.Path second = dir.resolve("..2026_11_30_02");
    try (ProxyFixture p = ProxyFixture.start(conf, c -> c)) {
      p.server.watchConfig();
      java.nio.file.Files.createDirectory(second);
      java.nio.file.Files.writeString(second.resolve("routing.conf"), original.replace(s0Entry,
          "address = \"" + s0.address() + "\", weight = 7"));
      java.nio.file.Files.createSymbolicLink(dir.resolve("..data_tmp"), second.getFileName());
      java.nio.file.Files.move(dir.resolve("..data_tmp"), dir.resolve("..data"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      int weight = 0;
      while (System.nanoTime() < deadline && weight != 7) {
        Thread.sleep(50);
        weight = p.server.runtime().view().replica(s0.name()).orElseThrow().backend().weight();
      }
      assertEquals(7, weight, "the ConfigMap's new weight is applied");
    } finally {
      for (java.nio.file.Path f : List.of(conf, dir.resolve("..data"), first.resolve("routing.conf"), first,
          second.resolve("routing.conf"), second, dir)) {
        java.nio.file.Files.deleteIfExists(f);
      }
    }
  }

  /**
   * A file the config includes, here from another directory, is watched as the config file
   * is: an edit of it is applied. SAVE CONFIG writes only the main file, so when such an
   * include sets the backends again after it, saving would not persist: it refuses, naming the
   * include, and changes nothing.
   */
  @Test
  void anIncludedFileIsWatchedAndSaveConfigNamesAnIncludeThatWouldUndoIt() throws Exception {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("sluice-include");
    java.nio.file.Path conf = dir.resolve("routing.conf");
    java.nio.file.Path more = java.nio.file.Files.createDirectory(dir.resolve("more"));
    java.nio.file.Path overrides = more.resolve("overrides.conf");
    String app = "{ name = \"app\", password = \"app\" }";
    String original = java.nio.file.Files.readString(cluster().sandbox().routingConf());
    assertTrue(original.contains(app), original);
    java.nio.file.Files.writeString(conf, original + "\ninclude \"more/overrides.conf\"\n");
    java.nio.file.Files.writeString(overrides, "sluice.users = [ " + app + " ]\n");
    java.nio.file.Path allow = more.resolve("allow.conf");
    java.nio.file.Path first = dir.resolve("first.conf");
    try {
      try (ProxyFixture p = ProxyFixture.start(conf, c -> c)) {
        p.server.watchConfig();
        String slaves = cluster().slaves().stream()
            .map(s -> "{ name = \"" + s.name() + "\", address = \"" + s.address() + "\", weight = 1 }")
            .collect(java.util.stream.Collectors.joining(", ", "[ ", " ]"));
        java.nio.file.Files.writeString(overrides, "sluice.users = [ " + app
            + ", { name = \"ryw\", password = \"ryw-pw\" } ]\nsluice.backends.slaves = " + slaves + "\n");
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (p.server.runtime().config().user("ryw").isEmpty() && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        assertTrue(p.server.runtime().config().user("ryw").isPresent(), "the included file's edit is applied");

        String before = java.nio.file.Files.readString(conf);
        p.admin("SET WEIGHT 3 5");
        ProxyFixture.AdminError notSaved = assertThrows(ProxyFixture.AdminError.class, () -> p.admin("SAVE CONFIG"));
        assertTrue(notSaved.getMessage().contains("sluice.backends.slaves")
            && notSaved.getMessage().contains(overrides.toString())
            && notSaved.getMessage().contains("nothing was saved"), notSaved.getMessage());
        assertEquals(before, java.nio.file.Files.readString(conf), "the file is unchanged");
        assertFalse(java.nio.file.Files.exists(dir.resolve("routing.conf.saving")), "no temporary file is left");
        assertEquals(5, p.server.runtime().view().replicas().stream().mapToInt(r -> r.backend().weight()).max().orElse(0),
            "the live weight stays");
      }

      // An include read first, whose list the admin empties: SAVE CONFIG writes the empty list
      // into the main file, where it wins (not writing it would leave the include's list).
      java.nio.file.Files.writeString(allow, "sluice.clients.allow = [\"127.0.0.0/8\"]\n");
      java.nio.file.Files.writeString(first, "include \"more/allow.conf\"\n" + original);
      ProxyConfig.ClientsConfig clients = io.sluice.server.config.ConfigLoader.load(first).clients();
      try (ProxyFixture p = ProxyFixture.start(first, c -> c.withClients(clients))) { // the fixture drops them
        assertEquals(1, p.server.runtime().clients().allow().size());
        p.admin("REMOVE CLIENT 127.0.0.0/8", "SAVE CONFIG");
        assertEquals(List.of(), io.sluice.server.config.ConfigLoader.load(first).clients().allow(),
            "the emptied allow-list is what the saved file says");
      }
    } finally {
      for (java.nio.file.Path f : List.of(allow, first, overrides, more, conf, dir)) {
        java.nio.file.Files.deleteIfExists(f);
      }
    }
  }


  /**
   * Editing the config file applies new weights, users and client limits to the running
   * proxy without dropping a connection; an invalid edit is refused with the file and the key,
   * and the running config stays. SAVE CONFIG writes admin changes back into the file.
   */
  @Test
  void editingTheConfigFileReloadsItWithoutDroppingConnections() throws Exception {
    Instance s0 = cluster().slaves().get(0);
    Instance s1 = cluster().slaves().get(1);
    Set<String> both = Set.of(String.valueOf(s0.serverId()), String.valueOf(s1.serverId()));
    Set<String> onlyS1 = Set.of(String.valueOf(s1.serverId()));
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("sluice-reload");
    java.nio.file.Path conf = dir.resolve("routing.conf");
    String original = java.nio.file.Files.readString(cluster().sandbox().routingConf());
    java.nio.file.Files.writeString(conf, original);
    try (ProxyFixture p = ProxyFixture.start(conf, c -> c);
         Connection kept = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
      p.server.watchConfig();
      FailureDrills.awaitTargets(p, both, Duration.ofSeconds(5));
      FailureDrills.ReadLoad load = new FailureDrills.ReadLoad(p);
      String s0Entry = "address = \"" + s0.address() + "\"";
      assertTrue(original.contains(s0Entry), original);
      java.nio.file.Files.writeString(conf, original.replace(s0Entry + ", weight = 1", s0Entry + ", weight = 0")
          .replace("{ name = \"app\", password = \"app\" }",
              "{ name = \"app\", password = \"app\" }, { name = \"ryw\", password = \"ryw-pw\", consistency = \"primary\" }"));
      // Wait for the reload itself: a slave briefly out of rotation would make reads alone prove nothing.
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (p.server.runtime().config().user("ryw").isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertTrue(p.server.runtime().config().user("ryw").isPresent(), "the new user is known");
      FailureDrills.awaitTargets(p, onlyS1, Duration.ofSeconds(5));

      java.nio.file.Files.writeString(conf, original.replace(s0Entry + ", weight = 1", s0Entry + ", weight = -3"));
      ProxyFixture.AdminError invalid = assertThrows(ProxyFixture.AdminError.class, () -> p.admin("RELOAD"));
      assertTrue(invalid.getMessage().contains(conf.toString()) && invalid.getMessage().contains("weight")
          && invalid.getMessage().contains("unchanged"), invalid.getMessage());
      Thread.sleep(1000); // the file watch sees the bad file too, and must also keep the old config
      FailureDrills.awaitTargets(p, onlyS1, Duration.ofSeconds(1));

      java.nio.file.Files.writeString(conf, original);
      assertTrue(p.admin("RELOAD").isEmpty());
      // The file watch sees that write after RELOAD applied it: its late reload must not undo a
      // change made through the admin interface meanwhile (it did, and SAVE CONFIG wrote weight 1).
      p.admin("SET WEIGHT 3 5");
      Thread.sleep(1500);
      assertEquals(5, p.server.runtime().view().replicas().stream().mapToInt(r -> r.backend().weight()).max().orElse(0),
          "SET WEIGHT after a RELOAD of the file's last write stays");
      FailureDrills.awaitTargets(p, both, Duration.ofSeconds(5));
      assertTrue(p.server.runtime().config().user("ryw").isEmpty(), "the removed user is gone");
      assertTrue(slaveIds().contains(TestSql.serverId(kept)), "the connection open all along still works");
      long reads = load.reads();
      assertEquals(List.of(), load.stop(), "errors of an application reading through every reload");
      assertTrue(reads > 100, "it kept reading: " + reads);

      p.admin("SET WEIGHT 3 5", "ADD CLIENT 127.0.0.0/8", "SAVE CONFIG");
      ProxyConfig saved = io.sluice.server.config.ConfigLoader.load(conf);
      assertEquals(5, saved.backends().slaves().get(1).weight());
      assertEquals("127.0.0.0/8", saved.clients().allow().get(0).text());
      String written = java.nio.file.Files.readString(conf);
      assertTrue(written.contains("# Written by"), "comments are kept");
      // Laid out as the sandbox writes it: items two deeper than the key, the bracket under it.
      assertTrue(written.contains("    slaves = [\n      { name = \"" + s0.name() + "\""), written);
      assertTrue(written.contains("weight = 5 }\n    ]\n"), written);
      // A SAVE CONFIG that cannot write (here its temporary file's name is taken by a
      // directory) answers an error naming the cause instead of leaving the client waiting.
      java.nio.file.Path blocked = java.nio.file.Files.createDirectory(dir.resolve("routing.conf.saving"));
      try {
        ProxyFixture.AdminError notSaved = assertThrows(ProxyFixture.AdminError.class, () -> p.admin("SAVE CONFIG"));
        assertTrue(notSaved.getMessage().contains("cannot write " + conf), notSaved.getMessage());
        assertEquals(written, java.nio.file.Files.readString(conf), "the file is unchanged");
      } finally {
        java.nio.file.Files.delete(blocked);
      }
    } finally {
      java.nio.file.Files.deleteIfExists(conf);
      java.nio.file.Files.deleteIfExists(dir);
    }
  }

  // ---- lifecycle ----

  @Test
  void shutdownLetsARunningStatementFinishThenRefusesConnections() throws Exception {
    ProxyFixture p = ProxyFixture.start(cluster().sandbox());
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
    try (Connection c = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
      java.util.concurrent.Future<String> slow = pool.submit(
          () -> TestSql.queryRows(c, "SELECT SLEEP(1.5), 'finished'").get(0).get(1));
      Thread.sleep(400); // the statement is running on the master now
      long start = System.nanoTime();
      p.server.shutdown(Duration.ofSeconds(10));
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertEquals("finished", slow.get(5, TimeUnit.SECONDS), "the running statement completed");
      assertTrue(tookMs >= 800 && tookMs < 10_000, "shutdown waited for it, and no longer: " + tookMs + " ms");
      assertThrows(SQLException.class, () -> p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true").close());
    } finally {
      pool.shutdownNow();
      p.close();
    }
  }

  // ---- commands without a JDBC API: the same bytes direct and through Sluice ----

  RawClient direct() throws java.io.IOException {
    return new RawClient(cluster().master().port(), "app", "app", "app");
  }

  RawClient proxied() throws java.io.IOException {
    return new RawClient(proxy.port(), "app", "app", "app");
  }

  @Test
  void fieldListAnswersExactlyAsTheMaster() throws Exception {
    try (RawClient d = direct(); RawClient p = proxied()) {
      var cmd = (java.util.function.Consumer<io.netty.buffer.ByteBuf>)
          buf -> new io.sluice.protocol.packet.ComFieldList("items", "").encode(buf);
      List<byte[]> expected = d.command(io.sluice.protocol.CommandType.COM_FIELD_LIST, cmd);
      List<byte[]> actual = p.command(io.sluice.protocol.CommandType.COM_FIELD_LIST, cmd);
      assertEquals(expected.size(), actual.size());
      assertTrue(expected.size() >= 4, "three column definitions and a terminator");
      for (int i = 0; i < expected.size(); i++) {
        assertArrayEquals(expected.get(i), actual.get(i), "packet " + i);
      }
    }
  }

  @Test
  void statisticsAreTheMastersStatusLine() throws Exception {
    try (RawClient p = proxied()) {
      List<byte[]> r = p.command(io.sluice.protocol.CommandType.COM_STATISTICS,
          buf -> new io.sluice.protocol.packet.ComStatistics().encode(buf));
      assertEquals(1, r.size());
      assertTrue(new String(r.get(0), StandardCharsets.US_ASCII).startsWith("Uptime: "));
    }
  }

  /** COM_PROCESS_KILL (mysqladmin kill) with Sluice's ids: an unknown id is the server's 1094, a known one closes it. */
  @Test
  void processKillUsesTheProxysConnectionIds() throws Exception {
    try (RawClient killer = proxied(); Connection victim = proxy.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
      List<byte[]> unknown = killer.command(io.sluice.protocol.CommandType.COM_PROCESS_KILL,
          buf -> buf.writeByte(0x0C).writeIntLE(999_999));
      assertEquals(0xFF, unknown.get(0)[0] & 0xFF);
      assertEquals(1094, (unknown.get(0)[1] & 0xFF) | (unknown.get(0)[2] & 0xFF) << 8);
      long id = victim.unwrap(com.mysql.cj.jdbc.JdbcConnection.class).getId();
      List<byte[]> ok = killer.command(io.sluice.protocol.CommandType.COM_PROCESS_KILL,
          buf -> buf.writeByte(0x0C).writeIntLE((int) id));
      assertEquals(0x00, ok.get(0)[0] & 0xFF, "OK");
      awaitClosed(victim);
    }
  }

  /**
   * SELECT CONNECTION_ID() answers the session's own id, the one KILL takes, with the column the
   * server gives; it answered the thread id of whichever pooled connection ran it, which a KILL
   * through the proxy took for another session's id. KILL QUERY of it stops the statement.
   */
  @Test
  void connectionIdIsTheIdKillTakes() throws Exception {
    String params = "sslMode=DISABLED&allowPublicKeyRetrieval=true";
    List<String> directColumn;
    try (Connection d = TestSql.connect(cluster().master().jdbcUrl("app") + "?" + params, "app", "app")) {
      directColumn = connectionIdColumn(d, "select connection_id()");
    }
    try (Connection victim = proxy.connect(params); Connection killer = proxy.connect(params)) {
      long id = victim.unwrap(com.mysql.cj.jdbc.JdbcConnection.class).getId();
      assertEquals(String.valueOf(id), TestSql.queryString(victim, "SELECT CONNECTION_ID()"));
      assertEquals(String.valueOf(id), TestSql.queryString(victim, "  select Connection_Id ( ) AS `my id` ;"));
      assertEquals(directColumn, connectionIdColumn(victim, "select connection_id()"));
      assertEquals("my id", connectionIdColumn(victim, "SELECT CONNECTION_ID() AS `my id`").get(0));
      for (String commented : List.of("/* app */ SELECT CONNECTION_ID()", "SELECT CONNECTION_ID() -- why",
          "/*master*/ SELECT CONNECTION_ID() FROM DUAL")) {
        assertEquals(String.valueOf(id), TestSql.queryString(victim, commented), commented);
      }
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
      try {
        long start = System.nanoTime();
        java.util.concurrent.Future<?> sleeping = pool.submit(() -> {
          try {
            TestSql.queryRows(victim, "SELECT SLEEP(20)");
          } catch (SQLException interrupted) {
            // 1317 "Query execution was interrupted" on some servers, SLEEP's 1 on others
          }
          return null;
        });
        Thread.sleep(500);
        TestSql.execute(killer, "KILL QUERY " + id); // the id CONNECTION_ID() gave
        sleeping.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(System.nanoTime() - start < 10_000_000_000L, "the KILL QUERY stopped the statement");
        assertEquals(String.valueOf(id), TestSql.queryString(victim, "SELECT CONNECTION_ID()"), "the session goes on");
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /** Label, type name, signedness and precision of the one column of {@code sql}. */
  private static List<String> connectionIdColumn(Connection c, String sql) throws SQLException {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      java.sql.ResultSetMetaData m = rs.getMetaData();
      return List.of(m.getColumnLabel(1), m.getColumnTypeName(1), String.valueOf(m.isSigned(1)),
          String.valueOf(m.isNullable(1)));
    }
  }

  @Test
  void setOptionTogglesMultiStatementsAsOnTheMaster() throws Exception {
    try (RawClient d = direct(); RawClient p = proxied()) {
      for (RawClient c : List.of(d, p)) {
        // Without the option, two statements in one COM_QUERY are a syntax error (1064).
        byte[] err = c.command(io.sluice.protocol.CommandType.COM_QUERY,
            buf -> new io.sluice.protocol.packet.ComQuery("SELECT 1; SELECT 2").encode(buf)).get(0);
        assertEquals(0xFF, err[0] & 0xFF);
        assertEquals(1064, (err[1] & 0xFF) | (err[2] & 0xFF) << 8);
      }
      var on = (java.util.function.Consumer<io.netty.buffer.ByteBuf>)
          buf -> new io.sluice.protocol.packet.ComSetOption(0).encode(buf);
      List<byte[]> expected = d.command(io.sluice.protocol.CommandType.COM_SET_OPTION, on);
      List<byte[]> actual = p.command(io.sluice.protocol.CommandType.COM_SET_OPTION, on);
      assertEquals(expected.get(0)[0], actual.get(0)[0], "same kind of reply (EOF or OK)");
      for (RawClient c : List.of(d, p)) {
        List<byte[]> two = c.command(io.sluice.protocol.CommandType.COM_QUERY,
            buf -> new io.sluice.protocol.packet.ComQuery("SELECT 1; SELECT 2").encode(buf));
        assertTrue(two.stream().noneMatch(b -> (b[0] & 0xFF) == 0xFF), "both statements ran");
      }
    }
  }

  /**
   * A session that named no database has none, whatever schema sessions before it moved the
   * pooled backend connections to: MySQL has no way back to "no database" short of a new
   * login, so such a session gets connections that never had one (here, both event loops'
   * pools, master and slaves, were moved to app first). Its DATABASE() is NULL everywhere and
   * an unqualified CREATE TABLE gets 1046 instead of landing in app. COM_RESET_CONNECTION
   * (Connector/J's resetServerState) keeps the current schema, as MySQL does.
   */
  @Test
  void aSessionWithoutADatabaseHasNoneAndAResetKeepsTheSchema() throws Exception {
    String params = "sslMode=DISABLED&allowPublicKeyRetrieval=true";
    moveThePoolsToApp(proxy, params);
    for (int i = 0; i < 4; i++) {
      assertASessionWithoutADatabaseHasNone(proxy, params, i);
    }
    try (Connection c = proxy.connect(params); Statement st = c.createStatement()) {
      st.execute("SET @u = 1");
      ((com.mysql.cj.jdbc.JdbcConnection) c).resetServerState();
      for (String read : List.of("SELECT DATABASE(), @u", "/*master*/ SELECT DATABASE(), @u")) {
        try (ResultSet rs = st.executeQuery(read)) {
          assertTrue(rs.next());
          assertEquals("app", rs.getString(1), read);
          assertNull(rs.getString(2), "the reset forgot the user variable");
        }
      }
    }
  }

  /**
   * As above with one connection per pool: every pool is full of connections in app, and the
   * session without a database gets a new one in place of the least recently used.
   */
  @Test
  void aSessionWithoutADatabaseGetsAFreshConnectionFromAFullPool() throws Exception {
    String params = "sslMode=DISABLED&allowPublicKeyRetrieval=true";
    try (ProxyFixture p = ProxyFixture.start(cluster().sandbox(),
        c -> c.withPool(new ProxyConfig.PoolConfig(1, c.pool().idleTimeout(), c.pool().connectTimeout())))) {
      moveThePoolsToApp(p, params);
      for (int i = 0; i < 4; i++) {
        assertASessionWithoutADatabaseHasNone(p, params, i);
        try (Connection c = p.connect(params); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("/*master*/ SELECT DATABASE()")) {
          assertTrue(rs.next());
          assertEquals("app", rs.getString(1), "a session in app after it");
        }
      }
    }
  }

  /** Sessions in app on both event loops, reading on a slave and on the master: their pooled connections are in app. */
  private static void moveThePoolsToApp(ProxyFixture p, String params) throws SQLException {
    for (int i = 0; i < 4; i++) {
      try (Connection c = p.connect(params); Statement st = c.createStatement()) {
        st.executeQuery("SELECT 1").close();
        st.executeQuery("/*master*/ SELECT 1").close();
      }
    }
  }

  /** A session that named no database: DATABASE() is NULL on a slave and on the master, CREATE TABLE gets 1046. */
  private static void assertASessionWithoutADatabaseHasNone(ProxyFixture p, String params, int session)
      throws SQLException {
    try (Connection none = DriverManager.getConnection(p.url("", params), "app", "app");
         Statement st = none.createStatement()) {
      for (String read : List.of("SELECT DATABASE()", "/*master*/ SELECT DATABASE()")) {
        try (ResultSet rs = st.executeQuery(read)) {
          assertTrue(rs.next());
          assertNull(rs.getString(1), read + " in session " + session);
        }
      }
      SQLException e = assertThrows(SQLException.class, () -> st.execute("CREATE TABLE no_database_here (i INT)"));
      assertEquals(1046, e.getErrorCode(), e.getMessage());
      assertEquals("3D000", e.getSQLState());
    }
  }

  @Test
  void resetConnectionForgetsSessionState() throws Exception {
    try (RawClient p = proxied()) {
      p.command(io.sluice.protocol.CommandType.COM_QUERY,
          buf -> new io.sluice.protocol.packet.ComQuery("SET @kept = 42").encode(buf));
      byte[] ok = p.command(io.sluice.protocol.CommandType.COM_RESET_CONNECTION,
          buf -> new io.sluice.protocol.packet.ComResetConnection().encode(buf)).get(0);
      assertEquals(0x00, ok[0], "OK");
      List<byte[]> rows = p.command(io.sluice.protocol.CommandType.COM_QUERY,
          buf -> new io.sluice.protocol.packet.ComQuery("SELECT @kept IS NULL, @@server_id").encode(buf));
      // column count, 2 definitions, one row, terminator (DEPRECATE_EOF)
      byte[] row = rows.get(3);
      assertEquals('1', row[1], "the user variable is gone");
    }
  }

  @Test
  void initDbOfAForbiddenSchemaGetsTheMastersError() throws Exception {
    try (RawClient d = direct(); RawClient p = proxied()) {
      var cmd = (java.util.function.Consumer<io.netty.buffer.ByteBuf>)
          buf -> new io.sluice.protocol.packet.ComInitDb("no_such_schema").encode(buf);
      byte[] expected = d.command(io.sluice.protocol.CommandType.COM_INIT_DB, cmd).get(0);
      byte[] actual = p.command(io.sluice.protocol.CommandType.COM_INIT_DB, cmd).get(0);
      assertArrayEquals(expected, actual);
      // and the session still works afterwards
      assertEquals(0x00, p.command(io.sluice.protocol.CommandType.COM_INIT_DB,
          buf -> new io.sluice.protocol.packet.ComInitDb("app").encode(buf)).get(0)[0]);
    }
  }

  @Test
  void unknownCommandGetsUnknownCommandAsFromTheServer() throws Exception {
    try (RawClient d = direct(); RawClient p = proxied()) {
      byte[] expected = d.rawCommand((byte) 0x1d); // COM_DAEMON: never valid from a client
      byte[] actual = p.rawCommand((byte) 0x1d);
      assertEquals(0xFF, actual[0] & 0xFF);
      assertEquals((expected[1] & 0xFF) | (expected[2] & 0xFF) << 8, (actual[1] & 0xFF) | (actual[2] & 0xFF) << 8);
      assertEquals(0x00, p.rawCommand((byte) 0x0e)[0], "COM_PING still answered: the session goes on");
    }
  }

  static byte[] readPacket(InputStream in) throws java.io.IOException {
    byte[] h = in.readNBytes(4);
    int len = (h[0] & 0xFF) | (h[1] & 0xFF) << 8 | (h[2] & 0xFF) << 16;
    return in.readNBytes(len);
  }
}
