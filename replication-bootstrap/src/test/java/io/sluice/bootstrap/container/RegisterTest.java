package io.sluice.bootstrap.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.bootstrap.BootstrapException;
import io.sluice.bootstrap.flavor.Flavor;
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
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code bootstrap register} against a real master, as a container would run it. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegisterTest {
  @RegisterExtension
  static final SandboxExtension cluster = SandboxExtension.flavor(Flavor.MYSQL_80).replicas(1);

  private static BootstrapEnv env(String role, Instance local) {
    Map<String, String> env = new HashMap<>();
    env.put(BootstrapEnv.ROLE, role);
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
  @Order(3)
  void aSourceThatIsTheSameServerIsRefused() {
    BootstrapException e = assertThrows(BootstrapException.class,
        () -> Register.run(env("relay", cluster.master()), "127.0.0.1", l -> {}));
    assertTrue(e.getMessage().contains("both have server_id 1"), e.getMessage());
  }
}
