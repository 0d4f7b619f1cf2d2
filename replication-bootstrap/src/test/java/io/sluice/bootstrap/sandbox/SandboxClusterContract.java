package io.sluice.bootstrap.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.bootstrap.BootstrapException;
import io.sluice.bootstrap.flavor.DatadirFlavor;
import io.sluice.bootstrap.flavor.Flavor;
import io.sluice.bootstrap.testing.SandboxExtension;
import io.sluice.bootstrap.testing.TestSql;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What every flavor's sandbox must do, against real servers. One sandbox per subclass is
 * shared by all tests, in order: the last one takes it down.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class SandboxClusterContract {

  protected abstract SandboxExtension cluster();

  private Sandbox sandbox() {
    return cluster().sandbox();
  }

  private Flavor flavor() {
    return cluster().flavor();
  }

  @Test
  @Order(1)
  void everyServerHasTheRecordedDistinctIdentity() throws Exception {
    Set<Long> ids = new HashSet<>();
    Set<String> uuids = new HashSet<>();
    for (Instance i : sandbox().instances()) {
      try (Connection c = TestSql.root(i)) {
        long serverId = TestSql.serverId(c);
        assertEquals(i.serverId(), serverId, i.name());
        assertTrue(ids.add(serverId), "server_id " + serverId + " is not unique");
        if (flavor().hasServerUuid()) {
          String uuid = TestSql.queryString(c, "SELECT @@server_uuid");
          assertEquals(i.serverUuid().orElseThrow(), uuid, i.name());
          assertTrue(uuids.add(uuid), "server_uuid " + uuid + " is not unique");
        } else {
          assertTrue(i.serverUuid().isEmpty());
        }
      }
    }
    assertEquals(List.of(1L, 1001L, 1002L), sandbox().instances().stream().map(Instance::serverId).toList());
    assertEquals(Optional.of(flavor()), DatadirFlavor.detect(sandbox().master().layout().datadir()));
  }

  @Test
  @Order(2)
  void rowWrittenOnTheMasterIsReadOnEverySlave() throws Exception {
    try (Connection c = TestSql.app(sandbox().master())) {
      TestSql.execute(c, "CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20))", "INSERT INTO t VALUES (1, 'one')");
    }
    cluster().awaitReplication();
    for (Instance slave : sandbox().slaves()) {
      try (Connection c = TestSql.app(slave)) {
        assertEquals("one", TestSql.queryString(c, "SELECT v FROM t WHERE id = 1"), slave.name());
      }
    }
  }

  @Test
  @Order(3)
  void accountsAreTheServerDefaultsWithNoAnonymousUser() throws Exception {
    String expectedPlugin = flavor() == Flavor.MYSQL_80 ? "caching_sha2_password" : "mysql_native_password";
    for (Instance i : sandbox().instances()) {
      try (Connection c = TestSql.root(i)) {
        assertEquals(expectedPlugin, TestSql.queryString(c,
            "SELECT plugin FROM mysql.user WHERE user = 'app' AND host = '%'"), i.name());
        assertEquals("1", TestSql.queryString(c,
            "SELECT COUNT(*) FROM mysql.user WHERE user = 'repl' AND host = '%'"), i.name());
        assertEquals("0", TestSql.queryString(c, "SELECT COUNT(*) FROM mysql.user WHERE user = ''"), i.name());
      }
    }
  }

  @Test
  @Order(4)
  void slavesAreReadOnlyAndHaveNoTransactionsOfTheirOwn() throws Exception {
    String masterGtids;
    try (Connection c = TestSql.root(sandbox().master())) {
      masterGtids = TestSql.queryString(c, flavor().isMariaDb() ? "SELECT @@gtid_binlog_pos" : "SELECT @@gtid_executed");
      assertEquals("0", TestSql.queryString(c, "SELECT @@read_only"));
    }
    for (Instance slave : sandbox().slaves()) {
      try (Connection c = TestSql.root(slave)) {
        assertEquals("1", TestSql.queryString(c, "SELECT @@read_only"), slave.name());
        if (flavor().isMariaDb()) {
          // domain-server-sequence: every GTID on a slave must come from the master's server_id 1.
          for (String gtid : TestSql.queryString(c, "SELECT @@gtid_binlog_pos").split(",")) {
            assertEquals("1", gtid.trim().split("-")[1], slave.name() + " has its own GTID " + gtid);
          }
        } else {
          assertEquals("1", TestSql.queryString(c, "SELECT @@super_read_only"), slave.name());
          String own = TestSql.queryString(c, "SELECT @@gtid_executed");
          try (Connection m = TestSql.root(sandbox().master())) {
            assertEquals("1", TestSql.queryString(m, "SELECT GTID_SUBSET('" + own + "', '" + masterGtids + "')"),
                slave.name() + " has GTIDs the master does not: " + own);
          }
        }
        try (Connection app = TestSql.app(slave)) {
          assertThrows(java.sql.SQLException.class, () -> TestSql.execute(app, "INSERT INTO t VALUES (99, 'no')"));
        }
      }
    }
  }

  @Test
  @Order(5)
  void upOnARunningSandboxChangesNothing() {
    Sandbox again = Sandbox.up(SandboxSpec.in(sandbox().dir()).withFlavor(flavor()));
    assertEquals(List.of(), again.lastUp().started());
    assertEquals(List.of(), again.lastUp().created());
    assertEquals(List.of(), again.lastUp().registered());
    assertEquals(3, again.lastUp().alreadyRunning().size());
    assertEquals(sandbox().instances(), again.instances());
  }

  @Test
  @Order(6)
  void upAfterStoppingASlaveStartsOnlyItAndItCatchesUp() throws Exception {
    Instance stopped = sandbox().slaves().get(1);
    sandbox().stop(stopped);
    assertFalse(sandbox().isRunning(stopped));
    try (Connection c = TestSql.app(sandbox().master())) {
      TestSql.execute(c, "INSERT INTO t VALUES (2, 'while-down')");
    }
    Sandbox again = Sandbox.up(SandboxSpec.in(sandbox().dir()));
    assertEquals(List.of(stopped.name()), again.lastUp().started());
    assertEquals(List.of(), again.lastUp().created());
    assertEquals(List.of(), again.lastUp().registered(), "nothing may be registered twice");
    assertEquals(sandbox().instances(), again.instances(), "same names, ports, server_ids and uuids");
    try (Connection c = TestSql.app(stopped)) {
      // up returns only once the slave has applied the master's GTIDs: no wait needed here.
      assertEquals("while-down", TestSql.queryString(c, "SELECT v FROM t WHERE id = 2"));
    }
    try (Connection c = TestSql.root(stopped)) {
      assertEquals(stopped.serverId(), TestSql.serverId(c));
      if (flavor().hasServerUuid()) {
        assertEquals(stopped.serverUuid().orElseThrow(), TestSql.queryString(c, "SELECT @@server_uuid"));
      }
    }
  }

  @Test
  @Order(7)
  void upAfterStoppingTheMasterReconnectsTheSlaves() throws Exception {
    sandbox().stop(sandbox().master());
    SandboxStatus down = sandbox().status();
    assertFalse(down.instances().get(0).running());
    Sandbox again = Sandbox.up(SandboxSpec.in(sandbox().dir()));
    assertEquals(List.of(sandbox().master().name()), again.lastUp().started());
    try (Connection c = TestSql.app(sandbox().master())) {
      TestSql.execute(c, "INSERT INTO t VALUES (3, 'after-restart')");
    }
    cluster().awaitReplication();
    for (Instance slave : sandbox().slaves()) {
      try (Connection c = TestSql.app(slave)) {
        assertEquals("after-restart", TestSql.queryString(c, "SELECT v FROM t WHERE id = 3"), slave.name());
      }
    }
    SandboxStatus status = sandbox().status();
    assertTrue(status.allRunning(), status.render());
    status.instances().stream().skip(1).forEach(s -> assertTrue(s.replication().orElseThrow().running(), status.render()));
  }

  @Test
  @Order(8)
  void upWithAnotherFlavorIsRefusedAndLeavesTheSandboxAlone() {
    Flavor other = flavor() == Flavor.MYSQL_80 ? Flavor.MYSQL_57 : Flavor.MYSQL_80;
    BootstrapException e = assertThrows(BootstrapException.class,
        () -> Sandbox.up(SandboxSpec.in(sandbox().dir()).withFlavor(other)));
    assertTrue(e.getMessage().contains(flavor().id()) && e.getMessage().contains(other.id()), e.getMessage());
    assertTrue(sandbox().status().allRunning());
  }

  @Test
  @Order(9)
  void upNamesTheInstanceWhosePortWasTakenWhileItWasStopped() throws IOException {
    Instance slave = sandbox().slaves().get(0);
    sandbox().stop(slave);
    try (ServerSocket squatter = new ServerSocket()) {
      squatter.bind(new InetSocketAddress(InetAddress.getByName(slave.host()), slave.port()));
      BootstrapException e = assertThrows(BootstrapException.class, () -> Sandbox.up(SandboxSpec.in(sandbox().dir())));
      assertTrue(e.getMessage().contains("port " + slave.port() + " for " + slave.name()), e.getMessage());
    }
    Sandbox again = Sandbox.up(SandboxSpec.in(sandbox().dir()));
    assertEquals(List.of(slave.name()), again.lastUp().started());
  }

  @Test
  @Order(10)
  void upExplainsAServerThatExitsWhileStarting() throws IOException {
    Instance slave = sandbox().slaves().get(0);
    sandbox().stop(slave);
    String cnf = Files.readString(slave.layout().cnf());
    Files.writeString(slave.layout().cnf(), cnf + "no_such_option = 1\n");
    try {
      BootstrapException e = assertThrows(BootstrapException.class, () -> Sandbox.up(SandboxSpec.in(sandbox().dir())));
      assertTrue(e.getMessage().contains(slave.name() + " (" + flavor().id() + ") exited with code"), e.getMessage());
      assertTrue(e.getMessage().contains("no_such_option"), "the error log tail names the cause: " + e.getMessage());
      assertTrue(sandbox().isRunning(sandbox().master()), "servers that were running stay running");
    } finally {
      Files.writeString(slave.layout().cnf(), cnf);
    }
    assertEquals(List.of(slave.name()), Sandbox.up(SandboxSpec.in(sandbox().dir())).lastUp().started());
  }

  @Test
  @Order(11)
  void downLeavesNoServerProcess() throws IOException {
    String dir = sandbox().dir().toString();
    sandbox().down();
    for (Instance i : sandbox().instances()) {
      assertFalse(sandbox().isRunning(i), i.name());
    }
    assertTrue(Sandbox.status(sandbox().dir()).noneRunning());
    List<String> leftovers = new ArrayList<>();
    ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(dir)).orElse(false))
        .forEach(p -> leftovers.add(p.pid() + " " + p.info().commandLine().orElse("")));
    assertEquals(List.of(), leftovers);
    assertTrue(Files.isRegularFile(sandbox().routingConf()));
  }
}
