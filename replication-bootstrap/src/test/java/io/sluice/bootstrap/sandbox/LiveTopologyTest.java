package io.sluice.bootstrap.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.bootstrap.BootstrapException;
import io.sluice.bootstrap.identity.InstanceName;
import io.sluice.bootstrap.identity.Role;
import io.sluice.bootstrap.registration.ReplicaStatus;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Roles read from the replication tree the servers report, for the trees a proxy leaves behind. */
class LiveTopologyTest {
  private static final Instance M0 = instance("mysql-master-0", 3300);
  private static final Instance R0 = instance("mysql-relay-0", 3301);
  private static final Instance S0 = instance("mysql-slave-0", 3302);
  private static final Instance S1 = instance("mysql-slave-1", 3303);

  @Test
  void theRecordedTreeReadsAsRecorded() {
    LiveTopology.Reading r = LiveTopology.read(List.of(M0, S0, S1), tree(S0, M0, S1, M0));
    assertEquals(Map.of("mysql-master-0", Role.MASTER, "mysql-slave-0", Role.SLAVE, "mysql-slave-1", Role.SLAVE),
        r.roles());
    assertEquals("mysql-master-0", r.master());
    assertFalse(r.differsFrom(List.of(M0, S0, S1)));
  }

  @Test
  void afterASwitchoverThePromotedSlaveIsTheMasterAndTheOldMasterASlave() {
    LiveTopology.Reading r = LiveTopology.read(List.of(M0, S0, S1), tree(M0, S0, S1, S0));
    assertEquals(Role.MASTER, r.roles().get("mysql-slave-0"));
    assertEquals(Role.SLAVE, r.roles().get("mysql-master-0"));
    assertEquals(Role.SLAVE, r.roles().get("mysql-slave-1"));
    assertEquals(List.of(), r.detached());
    assertTrue(r.differsFrom(List.of(M0, S0, S1)));
  }

  @Test
  void aMasterLeftOutOfAFailoverIsDetached() {
    LiveTopology.Reading r = LiveTopology.read(List.of(M0, S0, S1), tree(S1, S0));
    assertEquals("mysql-slave-0", r.master());
    assertEquals(List.of("mysql-master-0"), r.detached());
    assertEquals(Role.SLAVE, r.roles().get("mysql-master-0"));
    assertFalse(r.sources().containsKey("mysql-master-0"));
  }

  @Test
  void aSwitchoverUnderARelayKeepsTheRelay() {
    // Promoted s0; the relay and the old master were re-pointed at it, s1 still follows the relay.
    LiveTopology.Reading r = LiveTopology.read(List.of(M0, R0, S0, S1), tree(R0, S0, M0, S0, S1, R0));
    assertEquals(Role.MASTER, r.roles().get("mysql-slave-0"));
    assertEquals(Role.RELAY, r.roles().get("mysql-relay-0"));
    assertEquals(Role.SLAVE, r.roles().get("mysql-master-0"));
    assertEquals(Role.SLAVE, r.roles().get("mysql-slave-1"));
  }

  @Test
  void whenNoServerFeedsAnotherTheOneWritableServerIsTheMaster() {
    // A master whose only slave a failover left out: replication alone cannot tell them apart.
    LiveTopology.Reading r = LiveTopology.read(List.of(M0, S0), tree(), java.util.Set.of("mysql-slave-0"));
    assertEquals("mysql-slave-0", r.master());
    assertEquals(List.of("mysql-master-0"), r.detached());
    BootstrapException unknown = assertThrows(BootstrapException.class,
        () -> LiveTopology.read(List.of(M0, S0), tree(), java.util.Set.of("mysql-slave-0", "mysql-master-0")));
    assertTrue(unknown.getMessage().contains("the master is not known"), unknown.getMessage());
  }

  @Test
  void aRelayWithoutSlavesStaysTheRelay() {
    LiveTopology.Reading r = LiveTopology.read(List.of(M0, R0), tree(R0, M0));
    assertEquals(Role.RELAY, r.roles().get("mysql-relay-0"));
    assertFalse(r.differsFrom(List.of(M0, R0)));
  }

  @Test
  void aSandboxOfOneServerIsItsMaster() {
    assertEquals("mysql-master-0", LiveTopology.read(List.of(M0), tree()).master());
  }

  @Test
  void treesTheSandboxCannotDescribeAreRefusedWithWhatWasFound() {
    BootstrapException two = assertThrows(BootstrapException.class,
        () -> LiveTopology.read(List.of(M0, R0, S0, S1), tree(S0, M0, S1, R0)));
    assertTrue(two.getMessage().contains("two masters: mysql-master-0 and mysql-relay-0"), two.getMessage());

    BootstrapException outside = assertThrows(BootstrapException.class,
        () -> LiveTopology.read(List.of(M0, S0), Map.of("mysql-slave-0", Optional.of(from("10.0.0.9", 3306)))));
    assertTrue(outside.getMessage().contains("mysql-slave-0 replicates from 10.0.0.9:3306, which is no server"),
        outside.getMessage());

    BootstrapException cycle = assertThrows(BootstrapException.class,
        () -> LiveTopology.read(List.of(M0, S0), tree(M0, S0, S0, M0)));
    assertTrue(cycle.getMessage().contains("every server of the sandbox replicates from another"), cycle.getMessage());

    BootstrapException deep = assertThrows(BootstrapException.class,
        () -> LiveTopology.read(List.of(M0, R0, S0, S1), tree(R0, M0, S0, R0, S1, S0)));
    assertTrue(deep.getMessage().contains("mysql-slave-0 is 2 hops from the master mysql-master-0"), deep.getMessage());

    BootstrapException relays = assertThrows(BootstrapException.class,
        () -> LiveTopology.read(List.of(M0, R0, S0, S1), tree(R0, M0, S0, M0, S1, S0)));
    assertTrue(relays.getMessage().contains("2 relays"), relays.getMessage());
  }

  /** Pairs of (replica, source); every instance not named as a replica replicates from nothing. */
  private static Map<String, Optional<ReplicaStatus>> tree(Instance... pairs) {
    Map<String, Optional<ReplicaStatus>> m = new LinkedHashMap<>();
    for (Instance i : List.of(M0, R0, S0, S1)) {
      m.put(i.name(), Optional.empty());
    }
    for (int k = 0; k < pairs.length; k += 2) {
      m.put(pairs[k].name(), Optional.of(from(pairs[k + 1].host(), pairs[k + 1].port())));
    }
    return m;
  }

  private static ReplicaStatus from(String host, int port) {
    return new ReplicaStatus(host, port, "Yes", "Yes", OptionalLong.of(0), "", "");
  }

  private static Instance instance(String name, int port) {
    InstanceName n = InstanceName.parse(name);
    return new Instance(n, n.role(), "127.0.0.1", port, n.serverId(), Optional.empty(),
        InstanceLayout.of(Path.of("/sandbox"), name));
  }
}
