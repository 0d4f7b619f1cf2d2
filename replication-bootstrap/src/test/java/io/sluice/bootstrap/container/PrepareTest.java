package io.sluice.bootstrap.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.bootstrap.BootstrapException;
import io.sluice.bootstrap.identity.AutoCnf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrepareTest {
  @TempDir Path dir;

  private Map<String, String> env(String role, String hostname) {
    Map<String, String> env = new HashMap<>();
    env.put(BootstrapEnv.ROLE, role);
    env.put(BootstrapEnv.HOSTNAME, hostname);
    env.put(BootstrapEnv.DATADIR, dir.resolve("data").toString());
    env.put(BootstrapEnv.CONFIG_FILE, dir.resolve("conf.d/sluice.cnf").toString());
    return env;
  }

  private Prepare.Result prepare(Map<String, String> env) {
    return Prepare.run(BootstrapEnv.from(env, "unused"));
  }

  @Test
  void serverIdIsTheRoleBasePlusTheHostnamesLastOrdinal() throws Exception {
    assertEquals(1001, prepare(env("slave", "mysql-slave-0")).serverId());
    assertEquals(1013, prepare(env("slave", "db-slave-12")).serverId());
    assertEquals(101, prepare(env("relay", "mysql-relay-0")).serverId());
    assertEquals(1, prepare(env("master", "mysql-master-0")).serverId());
    assertEquals(1003, prepare(env("slave", "db-2.db.prod.svc.cluster.local")).serverId());
    String cnf = Files.readString(dir.resolve("conf.d/sluice.cnf"));
    assertTrue(cnf.contains("server_id = 1003\n") && cnf.contains("report_host = db-2.db.prod.svc.cluster.local\n"), cnf);
  }

  @Test
  void replicasAreReadOnlyAndLogWhatTheyApply() throws Exception {
    prepare(env("relay", "mysql-relay-0"));
    String cnf = Files.readString(dir.resolve("conf.d/sluice.cnf"));
    for (String line : new String[] {"gtid_mode = ON", "log_bin = binlog", "log_replica_updates = ON", "read_only = ON",
        "super_read_only = ON", "skip_replica_start = ON", "bind_address = 0.0.0.0", "port = 3306",
        "log_error = /dev/stderr"}) {
      assertTrue(cnf.contains(line + "\n"), line + " in\n" + cnf);
    }
    prepare(env("master", "mysql-master-0"));
    assertTrue(!Files.readString(dir.resolve("conf.d/sluice.cnf")).contains("read_only"));
  }

  @Test
  void environmentOverridesAreMergedIntoMysqldAfterTheRenderedOptions() throws Exception {
    Map<String, String> env = env("slave", "mysql-slave-1");
    env.put("MYSQLC_MYSQLD_PORT", "3307");
    env.put("MYSQLC_MYSQLD_binlog_ignore_db", "mysql");
    env.put("MYSQLC_MYSQLD_max_connections", "50");
    Prepare.Result r = prepare(env);
    String cnf = Files.readString(r.configFile());
    assertTrue(cnf.contains("report_port = 3307\n"), "the port override also moves report_port: " + cnf);
    int rendered = cnf.indexOf("max_connections = 500\n");
    int override = cnf.indexOf("max_connections = 50\n");
    assertTrue(rendered >= 0 && override > rendered, "the override comes last and wins: " + cnf);
    assertTrue(cnf.contains("binlog_ignore_db = mysql\n"), cnf);
    assertEquals(1, cnf.lines().filter("[mysqld]"::equals).count());
  }

  @Test
  void aFreshUuidIsWrittenOnceIntoAnInitialisedDatadirWithoutOne() throws Exception {
    Path data = dir.resolve("data");
    Prepare.Result empty = prepare(env("slave", "mysql-slave-0"));
    assertEquals(Optional.empty(), empty.writtenUuid(), "an empty datadir is left to mysqld --initialize");
    Files.createDirectories(data.resolve("mysql"));
    String uuid = prepare(env("slave", "mysql-slave-0")).writtenUuid().orElseThrow();
    assertEquals(Optional.of(uuid), AutoCnf.read(data));
    assertEquals(Optional.empty(), prepare(env("slave", "mysql-slave-0")).writtenUuid());
    assertEquals(Optional.of(uuid), AutoCnf.read(data), "a restart keeps the uuid");
  }

  @Test
  void mariaDbHasNoServerUuid() throws Exception {
    Map<String, String> env = env("slave", "mysql-slave-0");
    env.put(BootstrapEnv.FLAVOR, "mariadb-10.11");
    Files.createDirectories(dir.resolve("data/mysql"));
    assertEquals(Optional.empty(), prepare(env).writtenUuid());
    assertTrue(Files.readString(dir.resolve("conf.d/sluice.cnf")).contains("gtid_strict_mode = ON\n"));
  }

  @Test
  void missingRoleOrOrdinalIsExplained() {
    Map<String, String> env = env("slave", "mysql");
    BootstrapException e = assertThrows(BootstrapException.class, () -> prepare(env));
    assertTrue(e.getMessage().contains("does not end in -<N>"), e.getMessage());
    env.remove(BootstrapEnv.ROLE);
    e = assertThrows(BootstrapException.class, () -> prepare(env));
    assertTrue(e.getMessage().contains("MYSQL_ROLE is not set"), e.getMessage());
  }

  @Test
  void slavesUseTheRelayWhenOneIsConfigured() {
    Map<String, String> env = env("slave", "mysql-slave-0");
    assertEquals("mysql-master:3306", BootstrapEnv.from(env, "x").sourceHost() + ":" + BootstrapEnv.from(env, "x").sourcePort());
    env.put(BootstrapEnv.RELAY_HOST, "mysql-relay-0.mysql-relay");
    assertEquals("mysql-relay-0.mysql-relay", BootstrapEnv.from(env, "x").sourceHost());
    env.put(BootstrapEnv.ROLE, "relay");
    assertEquals("mysql-master", BootstrapEnv.from(env, "x").sourceHost(), "a relay replicates from the master");
  }
}
