package io.sluice.server.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.bootstrap.flavor.Flavor;
import io.sluice.bootstrap.sandbox.Instance;
import io.sluice.bootstrap.testing.SandboxExtension;
import io.sluice.bootstrap.testing.TestSql;
import io.sluice.core.cluster.Backend;
import io.sluice.core.cluster.BackendHealth;
import io.sluice.core.cluster.BackendRole;
import io.sluice.core.cluster.ClusterView;
import io.sluice.server.config.ProxyConfig;
import io.sluice.server.failover.Promotion;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a failover may promote, on a cluster of its own (the test changes the topology). The
 * failover is called as the proxy calls it once the master is confirmed down; the master here
 * need not be dead for what is checked (who is chosen, and with which transactions).
 */
class Mysql80PromotionSafetyTest {
  @RegisterExtension
  static final SandboxExtension CLUSTER = SandboxExtension.flavor(Flavor.MYSQL_80).replicas(2);

  private final Promotion promotion = new Promotion(
      new ProxyConfig.MonitorConfig("root", "", Duration.ofMillis(300), Duration.ofSeconds(2), Duration.ofSeconds(10)),
      new ProxyConfig.FailoverConfig(true, Duration.ofSeconds(1), "repl", "repl"));

  /**
   * 1. Writes the replicas received but had not applied (their appliers stopped) are applied
   * before one is promoted, not thrown away. 2. A failover after that never promotes the first
   * master, which replicates from nothing (as a former master fenced after a failover does),
   * although it answers and has its own transactions: it is left out, not repointed.
   */
  @Test
  void aFailoverAppliesWhatWasReceivedAndNeverPromotesAServerThatDoesNotReplicate() throws Exception {
    Instance m0 = CLUSTER.master();
    Instance s0 = CLUSTER.slaves().get(0);
    Instance s1 = CLUSTER.slaves().get(1);
    try (Connection root = TestSql.root(m0)) {
      TestSql.execute(root, "CREATE TABLE IF NOT EXISTS app.received (id INT PRIMARY KEY)");
    }
    CLUSTER.sandbox().awaitReplication(Duration.ofSeconds(30));
    for (Instance s : List.of(s0, s1)) {
      try (Connection root = TestSql.root(s)) {
        TestSql.execute(root, "STOP REPLICA SQL_THREAD");
      }
    }
    String masterGtids;
    try (Connection root = TestSql.root(m0)) {
      for (int i = 1; i <= 5; i++) {
        TestSql.execute(root, "INSERT INTO app.received VALUES (" + i + ")");
      }
      masterGtids = TestSql.queryString(root, "SELECT @@GLOBAL.gtid_executed");
    }
    for (Instance s : List.of(s0, s1)) {
      awaitReceived(s, masterGtids);
    }

    Promotion.Result first = promotion.failover(view(m0, s0, s1));
    Backend promoted = first.view().master();
    assertTrue(promoted.name().equals(s0.name()) || promoted.name().equals(s1.name()), first.summary());
    Instance newMaster = promoted.name().equals(s0.name()) ? s0 : s1;
    Instance follower = newMaster == s0 ? s1 : s0;
    try (Connection root = TestSql.root(newMaster)) {
      assertEquals("5", TestSql.queryString(root, "SELECT COUNT(*) FROM app.received"),
          "received writes were applied before the promotion: " + first.summary());
    }

    // The first master still replicates from nothing and has writes of its own.
    try (Connection root = TestSql.root(m0)) {
      TestSql.execute(root, "INSERT INTO app.received VALUES (100)");
    }
    Promotion.Result second = promotion.failover(view(newMaster, follower, m0));
    assertEquals(follower.name(), second.view().master().name(), second.summary());
    try (Connection root = TestSql.root(m0)) {
      assertNull(TestSql.queryString(root, "SHOW REPLICA STATUS"), "the first master was not repointed");
    }
    try (Connection root = TestSql.root(follower)) {
      assertEquals("5", TestSql.queryString(root, "SELECT COUNT(*) FROM app.received"),
          "the promoted replica has what the master it replaced had, not the first master's own writes");
    }
  }

  /** A view whose master {@code master} is down, with {@code replicas} up. */
  private static ClusterView view(Instance master, Instance... replicas) {
    ClusterView.Builder b = ClusterView.builder().master(backend(master, BackendRole.MASTER), BackendHealth.DOWN);
    for (Instance r : replicas) {
      b.replica(backend(r, BackendRole.SLAVE), BackendHealth.UP, 0);
    }
    return b.build();
  }

  private static Backend backend(Instance i, BackendRole role) {
    return new Backend(i.name(), i.host(), i.port(), role, 1);
  }

  private static void awaitReceived(Instance replica, String gtids) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    try (Connection root = TestSql.root(replica)) {
      while (true) {
        String received = TestSql.queryString(root,
            "SELECT RECEIVED_TRANSACTION_SET FROM performance_schema.replication_connection_status");
        String executed = TestSql.queryString(root, "SELECT @@GLOBAL.gtid_executed");
        String has = received == null || received.isEmpty() ? executed : executed + "," + received;
        if ("1".equals(TestSql.queryString(root, "SELECT GTID_SUBSET('" + gtids + "', '" + has + "')"))) {
          return;
        }
        assertTrue(System.nanoTime() < deadline, replica.name() + " did not receive " + gtids + "; it has " + received);
        Thread.sleep(50);
      }
    }
  }
}
