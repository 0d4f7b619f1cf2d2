package io.sluice.bootstrap.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.bootstrap.BootstrapException;
import io.sluice.bootstrap.flavor.Flavor;
import java.io.IOException;
import java.util.List;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checks {@code up} makes before it starts any server. No server runs in these tests. */
class SandboxPreflightTest {
  @TempDir Path dir;

  @Test
  void busyPortIsNamedWithItsInstanceAndNothingIsWritten() throws IOException {
    try (ServerSocket master = busyPortAfterAFreeOne()) {
      int base = master.getLocalPort() - 1; // the master's port is free, the first slave's is busy
      BootstrapException e = assertThrows(BootstrapException.class,
          () -> Sandbox.up(SandboxSpec.in(dir).withBasePort(base).withReplicas(1)));
      assertTrue(e.getMessage().contains("port " + master.getLocalPort() + " for mysql-slave-0"), e.getMessage());
      assertTrue(e.getMessage().contains("in use"), e.getMessage());
      assertFalse(Files.exists(dir.resolve(SandboxState.FILE)), "a failed plan must not write the state");
    }
  }

  /**
   * Holds a port whose predecessor is free, so only the slave's port is busy (the first
   * attempt can land just above a port another process holds).
   */
  private static ServerSocket busyPortAfterAFreeOne() throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      ServerSocket held = new ServerSocket();
      held.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      try (ServerSocket probe = new ServerSocket()) {
        probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), held.getLocalPort() - 1));
        return held;
      } catch (IOException previousIsBusy) {
        held.close();
      }
    }
    throw new IOException("no port with a free predecessor found in 50 attempts");
  }

  @Test
  void anotherFlavorThanTheDirectorysIsRefusedNamingBoth() {
    SandboxState existing = SandboxPlan.plan(dir, SandboxSpec.in(dir).withFlavor(Flavor.MYSQL_57));
    existing.save();
    BootstrapException e = assertThrows(BootstrapException.class,
        () -> Sandbox.up(SandboxSpec.in(dir).withFlavor(Flavor.MARIADB_1011)));
    assertTrue(e.getMessage().contains("mysql-5.7"), e.getMessage());
    assertTrue(e.getMessage().contains("mariadb-10.11"), e.getMessage());
  }

  @Test
  void anotherReplicaCountThanTheDirectorysIsRefused() {
    SandboxPlan.plan(dir, SandboxSpec.in(dir).withReplicas(2)).save();
    BootstrapException e = assertThrows(BootstrapException.class,
        () -> Sandbox.up(SandboxSpec.in(dir).withReplicas(3)));
    assertTrue(e.getMessage().contains("has 2 replicas"), e.getMessage());
  }

  @Test
  void nonEmptyDirectoryWithoutStateIsRefused() throws IOException {
    Files.writeString(dir.resolve("notes.txt"), "mine");
    BootstrapException e = assertThrows(BootstrapException.class, () -> Sandbox.up(SandboxSpec.in(dir)));
    assertTrue(e.getMessage().contains("not empty"), e.getMessage());
    assertTrue(e.getMessage().contains("notes.txt"), e.getMessage());
    assertFalse(Files.exists(dir.resolve(DirLock.FILE)), "a wrong --dir must be left as it was");
  }

  @Test
  void basePortLaysOutServersThenProxyPorts() {
    SandboxState s = SandboxPlan.plan(dir, SandboxSpec.in(dir).withBasePort(40000).withReplicas(3));
    assertEquals(40000, s.master().port());
    assertEquals(40001, s.slaves().get(0).port());
    assertEquals(40003, s.slaves().get(2).port());
    assertEquals(new ProxyPorts(40100, 40101, 40102), s.proxyPorts());
    assertEquals("mysql-slave-2", s.slaves().get(2).name());
    assertEquals(1003, s.slaves().get(2).serverId());
  }

  @Test
  void stateSurvivesARoundTrip() {
    SandboxState s = SandboxPlan.plan(dir, SandboxSpec.in(dir).withFlavor(Flavor.MYSQL_80)).withRegistered("mysql-master-0");
    s.save();
    SandboxState read = SandboxState.loadIfPresent(dir).orElseThrow();
    assertEquals(s.flavor(), read.flavor());
    assertEquals(s.instances(), read.instances());
    assertEquals(s.proxyPorts(), read.proxyPorts());
    assertEquals(s.registered(), read.registered());
  }

  @Test
  void routingConfHasTheShapeTheProxyReads() {
    SandboxState s = SandboxPlan.plan(dir, SandboxSpec.in(dir).withBasePort(41000).withReplicas(2));
    String conf = RoutingConf.render(s.master(), s.relays(), s.slaves(), s.proxyPorts());
    assertTrue(conf.contains("listen = \"127.0.0.1:41100\""), conf);
    assertTrue(!conf.contains("relays"), "no relay, no relays key: " + conf);
    assertTrue(conf.contains("admin { listen = \"127.0.0.1:41101\", user = \"admin\", password = \"admin\" }"), conf);
    assertTrue(conf.contains("metrics { listen = \"127.0.0.1:41102\" }"), conf);
    assertTrue(conf.contains("master = { name = \"mysql-master-0\", address = \"127.0.0.1:41000\" }"), conf);
    assertTrue(conf.contains("{ name = \"mysql-slave-1\", address = \"127.0.0.1:41002\", weight = 1 }"), conf);
    assertTrue(conf.contains("monitor { user = \"root\", password = \"\" }"), conf);
  }

  @Test
  void relayPlanTakesThePortAfterTheMasterAndTheRelayServerIdBase() {
    SandboxState s = SandboxPlan.plan(dir, SandboxSpec.in(dir).withBasePort(41000).withReplicas(2).withRelay(true));
    assertEquals(List.of("mysql-master-0", "mysql-relay-0", "mysql-slave-0", "mysql-slave-1"),
        s.instances().stream().map(Instance::name).toList());
    assertEquals(List.of(41000, 41001, 41002, 41003), s.instances().stream().map(Instance::port).toList());
    assertEquals(List.of(1L, 101L, 1001L, 1002L), s.instances().stream().map(Instance::serverId).toList());
    assertEquals(s.relays().get(0), s.sourceOf(s.slaves().get(1)));
    assertEquals(s.master(), s.sourceOf(s.relays().get(0)));
    String conf = RoutingConf.render(s.master(), s.relays(), s.slaves(), s.proxyPorts());
    assertTrue(conf.contains("relays = [\n      { name = \"mysql-relay-0\", address = \"127.0.0.1:41001\", weight = 1 }\n    ]\n"
        + "    relays-serve-reads = false\n"), conf);
  }

  @Test
  void statusOfADirectoryWithoutSandboxSaysHowToCreateOne() {
    BootstrapException e = assertThrows(BootstrapException.class, () -> Sandbox.status(dir));
    assertTrue(e.getMessage().contains("sluice sandbox up --dir"), e.getMessage());
  }
}
