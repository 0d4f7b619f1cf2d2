package io.sluice.bootstrap.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.bootstrap.BootstrapException;
import io.sluice.bootstrap.sandbox.Instance;
import io.sluice.bootstrap.testing.SandboxExtension;
import io.sluice.bootstrap.testing.TestSql;
import java.nio.file.Files;
import java.sql.Connection;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** {@code bootstrap register} against a real master, as a container would run it; once per flavor. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class RegisterContract {
  abstract SandboxExtension cluster();

  private BootstrapEnv env(String role, Instance local) {
    SandboxExtension cluster = cluster();
    Map<String, String> env = new HashMap<>();
    env.put(BootstrapEnv.ROLE, role);
    env.put(BootstrapEnv.FLAVOR, cluster.sandbox().flavor().id());
    env.put(BootstrapEnv.HOSTNAME, local.name());
    env.put(BootstrapEnv.DATADIR, local.layout().datadir().toString());
    env.put("MYSQLC_MYSQLD_PORT", Integer.toString(local.port()));
    env.put(BootstrapEnv.MASTER_HOST, cluster.master().host());
    env.put(BootstrapEnv.MASTER_PORT, Integer.toString(cluster.master().port()));
    env.put(BootstrapEnv.REPLICATION_PASSWORD, "repl");
    env.put(BootstrapEnv.USER, "shop");
    env.put(BootstrapEnv.PASSWORD, "shop-secret");
    env.put(BootstrapEnv.DATABASE, "shop");
    env.put(BootstrapEnv.TIMEOUT, "30");
    return BootstrapEnv.from(env, "unused");
  }

  @Test
  @Order(1)
  void masterGetsTheApplicationAccountAndReplicasReceiveIt() throws Exception {
    SandboxExtension cluster = cluster();
    assertEquals(Register.Outcome.MASTER_READY, Register.run(env("master", cluster.master()), "127.0.0.1", l -> {}));
    assertEquals(Register.Outcome.MASTER_READY, Register.run(env("master", cluster.master()), "127.0.0.1", l -> {}));
    cluster.awaitReplication();
    try (Connection c = TestSql.connect(cluster.slaves().get(0).jdbcUrl("shop"), "shop", "shop-secret")) {
      assertEquals("shop", TestSql.queryString(c, "SELECT DATABASE()"));
    }
  }

  @Test
  @Order(2)
  void registerOnAReplicatingSlaveLeavesItAloneThenRestartsFromTheMarker() throws Exception {
    SandboxExtension cluster = cluster();
    Instance slave = cluster.slaves().get(0);
    assertEquals(Register.Outcome.ALREADY_REPLICATING, Register.run(env("slave", slave), "127.0.0.1", l -> {}));
    assertTrue(Files.readString(slave.layout().datadir().resolve(RegistrationMarker.FILE))
        .contains("source=" + cluster.master().address()));
    try (Connection c = TestSql.root(slave)) {
      TestSql.execute(c, "STOP REPLICA");
    }
    assertEquals(Register.Outcome.RESTARTED, Register.run(env("slave", slave), "127.0.0.1", l -> {}));
    try (Connection c = TestSql.app(cluster.master())) {
      TestSql.execute(c, "CREATE TABLE after_restart (id INT PRIMARY KEY)");
    }
    cluster.sandbox().awaitReplication(Duration.ofSeconds(30));
    assertTrue(Register.replicating(env("slave", slave), "127.0.0.1", Duration.ofSeconds(30)));
  }

  @Test
  @Order(4)
  void aWrongFlavorIsNamedWithTheFix() {
    SandboxExtension cluster = cluster();
    String wrong = cluster.sandbox().flavor().isMariaDb() ? "mysql-8.0" : "mariadb-10.11";
    Map<String, String> env = new HashMap<>();
    env.put(BootstrapEnv.ROLE, "master");
    env.put(BootstrapEnv.FLAVOR, wrong);
    env.put(BootstrapEnv.HOSTNAME, cluster.master().name());
    env.put(BootstrapEnv.DATADIR, cluster.master().layout().datadir().toString());
    env.put("MYSQLC_MYSQLD_PORT", Integer.toString(cluster.master().port()));
    env.put(BootstrapEnv.REPLICATION_PASSWORD, "repl");
    env.put(BootstrapEnv.TIMEOUT, "30");
    BootstrapException e = assertThrows(BootstrapException.class,
        () -> Register.run(BootstrapEnv.from(env, "unused"), "127.0.0.1", l -> {}));
    assertTrue(e.getMessage().contains("SLUICE_FLAVOR is " + wrong + "; set SLUICE_FLAVOR="
        + cluster.sandbox().flavor().id()), e.getMessage());
  }

  @Test
  @Order(3)
  void aSourceThatIsTheSameServerIsRefused() {
    SandboxExtension cluster = cluster();
    BootstrapException e = assertThrows(BootstrapException.class,
        () -> Register.run(env("relay", cluster.master()), "127.0.0.1", l -> {}));
    assertTrue(e.getMessage().contains("both have server_id 1"), e.getMessage());
  }
}
