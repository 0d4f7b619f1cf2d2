package io.sluice.bootstrap.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.bootstrap.BootstrapException;
import io.sluice.bootstrap.flavor.Flavor;
import io.sluice.bootstrap.flavor.ReplicationDialect;
import io.sluice.bootstrap.identity.Role;
import io.sluice.bootstrap.testing.SandboxExtension;
import io.sluice.bootstrap.testing.TestSql;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A sandbox whose master was moved behind its back, as the proxy's switchover and failover do:
 * {@code up} and {@code status} follow the servers, not the record. The switchover is done by
 * hand here with the statements the proxy's promotion runs (that one is drilled in the proxy's
 * failover tests), so each step's server state is known exactly.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class SwitchedRolesContract {
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  protected abstract SandboxExtension cluster();

  private Flavor flavor() {
    return cluster().flavor();
  }

  @Test
  @Order(1)
  void upAfterASwitchoverRecordsTheNewMasterAndKeepsItWritableAcrossRestarts() throws Exception {
    Sandbox sandbox = cluster().sandbox();
    Instance m0 = sandbox.master();
    Instance s0 = sandbox.slaves().get(0);
    Instance s1 = sandbox.slaves().get(1);
    try (Connection app = TestSql.app(m0)) {
      TestSql.execute(app, "CREATE TABLE moved (id INT PRIMARY KEY)", "INSERT INTO moved VALUES (1)");
    }
    sandbox.awaitReplication(TIMEOUT);
    promote(s0);
    pointAt(m0, s0, true);
    pointAt(s1, s0, false);

    SandboxStatus status = Sandbox.status(sandbox.dir());
    assertEquals(Role.MASTER, roleIn(status, s0.name()), status.render());
    assertEquals(Role.SLAVE, roleIn(status, m0.name()), status.render());
    assertTrue(status.render().contains("differ from sandbox.properties"), status.render());

    Sandbox.down(sandbox.dir());
    Sandbox up = Sandbox.up(SandboxSpec.in(sandbox.dir()));
    assertEquals(s0.name(), up.master().name());
    assertEquals(Set.of(m0.name(), s1.name()), up.slaves().stream().map(Instance::name).collect(Collectors.toSet()));
    assertEquals(s0.serverId(), up.master().serverId(), "the identity stays with the name");
    assertTrue(Files.readString(up.routingConf()).contains("master = { name = \"" + s0.name() + "\""));
    assertFalse(Sandbox.status(sandbox.dir()).render().contains("differ from"), "recorded now");

    try (Connection app = TestSql.app(up.master())) {
      TestSql.execute(app, "INSERT INTO moved VALUES (2)");
    }
    up.awaitReplication(TIMEOUT);
    for (Instance slave : up.slaves()) {
      try (Connection app = TestSql.app(slave)) {
        assertEquals("2", TestSql.queryString(app, "SELECT COUNT(*) FROM moved"), slave.name());
        SQLException e = assertThrows(SQLException.class, () -> TestSql.execute(app, "INSERT INTO moved VALUES (9)"));
        assertEquals(1290, e.getErrorCode(), slave.name() + " is read-only: " + e.getMessage());
      }
    }

    // Restarted once more, the new master is writable by its own option file (5.7 and MariaDB
    // cannot persist read_only), and the old master is read-only by its.
    Sandbox.down(sandbox.dir());
    Sandbox again = Sandbox.up(SandboxSpec.in(sandbox.dir()));
    assertEquals(s0.name(), again.master().name());
    try (Connection app = TestSql.app(again.master())) {
      TestSql.execute(app, "INSERT INTO moved VALUES (3)");
    }
    try (Connection root = TestSql.root(again.instance(m0.name()))) {
      assertEquals("1", TestSql.queryString(root, "SELECT @@GLOBAL.read_only"));
    }
    again.awaitReplication(TIMEOUT);
  }

  @Test
  @Order(2)
  void aFormerMasterLeftOutOfAFailoverRejoinsOnlyWithNoTransactionsOfItsOwn() throws Exception {
    Sandbox sandbox = Sandbox.up(SandboxSpec.in(cluster().dir()));
    Instance master = sandbox.master();
    Instance left = sandbox.instance("mysql-slave-1");

    // Left out with nothing of its own (it was down while the others were re-pointed): rejoins.
    detach(left);
    assertTrue(Sandbox.status(sandbox.dir()).render().contains(left.name() + " replicates from nothing"));
    Sandbox up = Sandbox.up(SandboxSpec.in(sandbox.dir()));
    try (Connection app = TestSql.app(up.master())) {
      TestSql.execute(app, "INSERT INTO moved VALUES (4)");
    }
    up.awaitReplication(TIMEOUT);
    try (Connection app = TestSql.app(up.instance(left.name()))) {
      assertEquals("4", TestSql.queryString(app, "SELECT COUNT(*) FROM moved"));
    }

    // Left out after writing a transaction the master never received: refused, named, and the
    // suggested replacement works.
    detach(left);
    try (Connection root = TestSql.root(left)) {
      writable(root, true);
      TestSql.execute(root, "INSERT INTO app.moved VALUES (100)");
    }
    BootstrapException e = assertThrows(BootstrapException.class, () -> Sandbox.up(SandboxSpec.in(sandbox.dir())));
    assertTrue(e.getMessage().startsWith(left.name() + " replicates from nothing"), e.getMessage());
    assertTrue(e.getMessage().contains("has transactions ") && e.getMessage().contains("that its source "
        + master.name() + " lacks"), e.getMessage());
    assertTrue(e.getMessage().contains("sluice sandbox remove-replica --dir " + sandbox.dir() + " --name " + left.name()),
        e.getMessage());
    Sandbox.removeReplica(sandbox.dir(), Optional.of(left.name()));
    ScaleReport added = Sandbox.addReplica(sandbox.dir(), TIMEOUT, line -> { });
    Sandbox fixed = Sandbox.up(SandboxSpec.in(sandbox.dir()));
    try (Connection app = TestSql.app(fixed.instance(added.added().name()))) {
      assertEquals(List.of(List.of("1"), List.of("2"), List.of("3"), List.of("4")),
          TestSql.queryRows(app, "SELECT id FROM moved ORDER BY id"));
    }
    assertEquals(master.name(), fixed.master().name());

    // Every slave left out at once: no server feeds another, and the one writable server is
    // the master; the others rejoin it.
    for (Instance slave : fixed.slaves()) {
      detach(slave);
    }
    Sandbox again = Sandbox.up(SandboxSpec.in(sandbox.dir()));
    assertEquals(master.name(), again.master().name());
    again.awaitReplication(TIMEOUT);
  }

  @Test
  @Order(3)
  void scalingAfterASwitchoverFollowsTheServersAndKeepsTheOperatorsSettings() throws Exception {
    Sandbox sandbox = Sandbox.up(SandboxSpec.in(cluster().dir()));
    // An operator's own settings in routing.conf survive every rewrite of its backends.
    String failover = "  failover { auto = true, down-after = 5s, replication-user = \"repl\","
        + " replication-password = \"repl\" }\n";
    String conf = Files.readString(sandbox.routingConf());
    Files.writeString(sandbox.routingConf(), conf.substring(0, conf.lastIndexOf('}')) + failover + "}\n");

    // Switched by hand to the slave with the highest number, with no up since: the record still
    // names the old master, and by the record mysql-slave-1 would be the slave to remove first.
    Instance was = sandbox.master();
    Instance now = sandbox.instance("mysql-slave-1");
    promote(now);
    for (Instance other : sandbox.instances()) {
      if (!other.name().equals(now.name())) {
        pointAt(other, now, other.name().equals(was.name()));
      }
    }
    Instance second = Sandbox.removeReplica(sandbox.dir(), Optional.empty());
    assertTrue(!second.name().equals(now.name()), "never the master: " + second.name());
    ScaleReport added = Sandbox.addReplica(sandbox.dir(), TIMEOUT, line -> { });
    // The removed server was a master once: its server_id is in every binary log, and a new
    // slave given it would skip those transactions as its own.
    assertTrue(!added.added().name().equals(second.name()), "the name of " + second.name() + " is not reused");
    try (Connection root = TestSql.root(added.added())) {
      assertEquals(String.valueOf(now.port()), replicaSourcePort(root), "the new slave follows the servers' master");
    }
    Instance removed = Sandbox.removeReplica(sandbox.dir(), Optional.empty());
    assertEquals(added.added().name(), removed.name());
    BootstrapException master = assertThrows(BootstrapException.class,
        () -> Sandbox.removeReplica(sandbox.dir(), Optional.of(now.name())));
    assertTrue(master.getMessage().contains("is the master"), master.getMessage());

    String written = Files.readString(sandbox.routingConf());
    assertTrue(written.contains(failover.trim()), written);
    assertTrue(written.contains("master = { name = \"" + now.name() + "\""), written);
    assertFalse(written.contains(second.name()), written);
  }

  private String replicaSourcePort(Connection root) throws SQLException {
    try (java.sql.Statement st = root.createStatement();
         java.sql.ResultSet rs = st.executeQuery(dialect().showReplicaStatus())) {
      assertTrue(rs.next());
      return rs.getString(dialect().sourcePortColumn());
    }
  }

  private static Role roleIn(SandboxStatus status, String name) {
    return status.instances().stream().filter(s -> s.instance().name().equals(name)).findFirst().orElseThrow()
        .instance().role();
  }

  private void promote(Instance server) throws SQLException {
    try (Connection c = TestSql.root(server)) {
      TestSql.execute(c, dialect().stopReplica(), flavor() == Flavor.MYSQL_80 ? "RESET REPLICA ALL" : "RESET SLAVE ALL");
      writable(c, true);
    }
  }

  private void pointAt(Instance replica, Instance source, boolean fence) throws SQLException {
    try (Connection c = TestSql.root(replica)) {
      if (fence) {
        writable(c, false);
      }
      TestSql.execute(c, dialect().stopReplica(), dialect().changeSource(source.host(), source.port(), "repl", "repl"),
          dialect().startReplica());
    }
  }

  private void detach(Instance server) throws SQLException {
    try (Connection c = TestSql.root(server)) {
      TestSql.execute(c, dialect().stopReplica(), flavor() == Flavor.MYSQL_80 ? "RESET REPLICA ALL" : "RESET SLAVE ALL");
    }
  }

  private void writable(Connection c, boolean on) throws SQLException {
    String superReadOnly = dialect().superReadOnlyVariable();
    if (on) {
      if (!superReadOnly.isEmpty()) {
        TestSql.execute(c, "SET GLOBAL " + superReadOnly + " = OFF");
      }
      TestSql.execute(c, "SET GLOBAL read_only = OFF");
    } else {
      TestSql.execute(c, "SET GLOBAL read_only = ON");
      if (!superReadOnly.isEmpty()) {
        TestSql.execute(c, "SET GLOBAL " + superReadOnly + " = ON");
      }
    }
  }

  private ReplicationDialect dialect() {
    return flavor().dialect();
  }
}
