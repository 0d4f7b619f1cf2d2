package io.sluice.bootstrap.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.bootstrap.flavor.Flavor;
import io.sluice.bootstrap.identity.InstanceName;
import io.sluice.bootstrap.identity.Role;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MyCnfRendererTest {

  private static String render(Flavor f, String name, boolean root) {
    return render(f, name, InstanceName.parse(name).role(), root);
  }

  private static String render(Flavor f, String name, Role role, boolean root) {
    Path d = Path.of("/s", name);
    InstanceName parsed = InstanceName.parse(name);
    return MyCnfRenderer.render(new ServerConfig(f, Path.of("/opt/mysql"), parsed, role, "127.0.0.1",
        3307, "127.0.0.1", d.resolve("data"), d.resolve("mysqld.sock"), d.resolve("mysqld.pid"),
        d.resolve("error.log"), Durability.RELAXED, "64M", 500, root));
  }

  @Test
  void mysql80SlaveIsSuperReadOnlyAndDoesNotStartReplicationByItself() {
    String cnf = render(Flavor.MYSQL_80, "mysql-slave-1", false);
    assertTrue(cnf.contains("server_id = 1002\n"));
    assertTrue(cnf.contains("read_only = ON\n"));
    assertTrue(cnf.contains("super_read_only = ON\n"));
    assertTrue(cnf.contains("skip_replica_start = ON\n"));
    assertTrue(cnf.contains("log_replica_updates = ON\n"));
    assertTrue(cnf.contains("gtid_mode = ON\n"));
    assertTrue(cnf.contains("enforce_gtid_consistency = ON\n"));
    assertTrue(cnf.contains("mysqlx = OFF\n"));
    assertTrue(cnf.contains("report_port = 3307\n"));
    assertFalse(cnf.contains("user = root"));
  }

  @Test
  void mysql57UsesSlaveVocabulary() {
    String cnf = render(Flavor.MYSQL_57, "mysql-slave-0", true);
    assertTrue(cnf.contains("skip_slave_start = ON\n"));
    assertTrue(cnf.contains("log_slave_updates = ON\n"));
    assertTrue(cnf.contains("super_read_only = ON\n"));
    assertTrue(cnf.contains("user = root\n"));
    assertFalse(cnf.contains("mysqlx"));
    assertFalse(cnf.contains("replica_"));
  }

  @Test
  void mariaDbHasNoMysqlGtidOptionsAndNoSuperReadOnly() {
    String cnf = render(Flavor.MARIADB_1011, "mysql-slave-0", false);
    assertFalse(cnf.contains("gtid_mode"));
    assertFalse(cnf.contains("super_read_only"));
    assertTrue(cnf.contains("gtid_strict_mode = ON\n"));
    assertTrue(cnf.contains("read_only = ON\n"));
    assertTrue(cnf.contains("skip_slave_start = ON\n"));
  }

  @Test
  void masterIsWritable() {
    String cnf = render(Flavor.MYSQL_80, "mysql-master-0", false);
    assertTrue(cnf.contains("server_id = 1\n"));
    assertFalse(cnf.contains("read_only"));
    assertFalse(cnf.contains("skip_replica_start"));
    assertTrue(cnf.contains("log_bin = binlog\n"));
  }

  @Test
  void aSlavePromotedBySwitchoverIsWritableAndKeepsTheServerIdOfItsName() {
    String cnf = render(Flavor.MARIADB_1011, "mysql-slave-1", Role.MASTER, false);
    assertTrue(cnf.contains("server_id = 1002\n"));
    assertFalse(cnf.contains("read_only"));
    assertFalse(cnf.contains("skip_slave_start"));
    assertTrue(cnf.contains("(master, mariadb-10.11)"), cnf);
  }

  @Test
  void relaxedDurabilitySkipsFsyncPerCommit() {
    String cnf = render(Flavor.MYSQL_80, "mysql-master-0", false);
    assertTrue(cnf.contains("innodb_flush_log_at_trx_commit = 2\n"));
    assertTrue(cnf.contains("sync_binlog = 0\n"));
  }
}
