package io.sluice.bootstrap.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.bootstrap.BootstrapException;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InstanceNameTest {

  @Test
  void sandboxSlaveNameGivesSlaveRoleAndOrdinal() {
    InstanceName n = InstanceName.parse("mysql-slave-0");
    assertEquals(Role.SLAVE, n.role());
    assertEquals(0, n.ordinal());
    assertEquals(1001, n.serverId());
  }

  @Test
  void statefulSetPodHostnameGivesItsOrdinal() {
    InstanceName n = InstanceName.parse("db-slave-12");
    assertEquals(Role.SLAVE, n.role());
    assertEquals(12, n.ordinal());
    assertEquals(1013, n.serverId());
  }

  @Test
  void fullyQualifiedHostnameUsesOnlyTheFirstLabel() {
    InstanceName n = InstanceName.parse("db-slave-3.db-headless.prod.svc.cluster.local");
    assertEquals("db-slave-3", n.value());
    assertEquals(1004, n.serverId());
  }

  @Test
  void relayAndMasterHaveTheirOwnBases() {
    assertEquals(101, InstanceName.parse("mysql-relay-0").serverId());
    assertEquals(1, InstanceName.parse("mysql-master-0").serverId());
    assertEquals(2, InstanceName.parse("master-1").serverId());
  }

  @Test
  void roleWordIsCaseInsensitiveAndPrefixMayHaveDashes() {
    InstanceName n = InstanceName.parse("Shop-EU-DB-Slave-2");
    assertEquals(Role.SLAVE, n.role());
    assertEquals(1003, n.serverId());
  }

  @Test
  void idsNeverZeroAndNeverShared() {
    Set<Long> ids = new HashSet<>();
    for (Role role : Role.values()) {
      for (int i = 0; i < 99; i++) {
        long id = InstanceName.of("x", role, i).serverId();
        assertNotEquals(0, id);
        assertTrue(ids.add(id), "duplicate server_id " + id);
      }
    }
  }

  @Test
  void nameWithoutOrdinalIsRejectedWithTheExpectedShape() {
    BootstrapException e = assertThrows(BootstrapException.class, () -> InstanceName.parse("mysql-slave"));
    assertTrue(e.getMessage().contains("has no ordinal"), e.getMessage());
    assertTrue(e.getMessage().contains("mysql-slave-0"), e.getMessage());
  }

  @Test
  void plainHostnameIsRejected() {
    assertThrows(BootstrapException.class, () -> InstanceName.parse("localhost"));
    assertThrows(BootstrapException.class, () -> InstanceName.parse(""));
    assertThrows(BootstrapException.class, () -> InstanceName.parse(null));
  }

  @Test
  void unknownRoleWordIsNamedInTheError() {
    BootstrapException e = assertThrows(BootstrapException.class, () -> InstanceName.parse("db-replica-2"));
    assertTrue(e.getMessage().contains("'replica'"), e.getMessage());
    assertTrue(e.getMessage().contains("master, relay, slave"), e.getMessage());
  }

  @Test
  void ordinalThatWouldEnterTheNextRolesRangeIsRejected() {
    assertEquals(100, InstanceName.parse("db-master-99").serverId());
    BootstrapException e = assertThrows(BootstrapException.class, () -> InstanceName.parse("db-master-100"));
    assertTrue(e.getMessage().contains("0..99"), e.getMessage());
    assertEquals(1000, InstanceName.parse("db-relay-899").serverId());
    assertThrows(BootstrapException.class, () -> InstanceName.parse("db-relay-900"));
    assertThrows(BootstrapException.class, () -> InstanceName.parse("db-slave-99999999999999999999"));
  }

  @Test
  void freshIdentityHasUuidOnlyWhenAsked() {
    ServerIdentity mysql = ServerIdentity.fresh(InstanceName.parse("mysql-slave-1"), true);
    ServerIdentity mariadb = ServerIdentity.fresh(InstanceName.parse("mysql-slave-1"), false);
    assertEquals(1002, mysql.serverId());
    assertTrue(mysql.serverUuid().isPresent());
    assertTrue(mariadb.serverUuid().isEmpty());
    assertNotEquals(mysql.serverUuid(), ServerIdentity.fresh(InstanceName.parse("mysql-slave-1"), true).serverUuid());
  }
}
