package io.sluice.server.it;

import io.sluice.bootstrap.flavor.Flavor;
import io.sluice.bootstrap.sandbox.Instance;
import io.sluice.bootstrap.testing.SandboxExtension;
import io.sluice.bootstrap.testing.TestSql;
import java.sql.Connection;
import java.sql.SQLException;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Failover on MariaDB 10.11 with its built-in semi-synchronous replication: nothing acknowledged is lost. */
class MariaDbFailoverTest extends FailoverContract {
  @RegisterExtension
  static final SandboxExtension CLUSTER = SandboxExtension.flavor(Flavor.MARIADB_1011).replicas(2);

  @Override
  SandboxExtension cluster() {
    return CLUSTER;
  }

  /**
   * Every node gets both sides (any of them may be promoted); AFTER_SYNC makes a commit wait
   * for a replica's receipt before it is visible or acknowledged. Replicas reconnect to start
   * acknowledging.
   */
  @Override
  boolean enableSemiSync() throws SQLException {
    for (Instance i : CLUSTER.sandbox().instances()) {
      try (Connection root = TestSql.root(i)) {
        TestSql.execute(root, "SET GLOBAL rpl_semi_sync_master_enabled = ON",
            "SET GLOBAL rpl_semi_sync_master_wait_point = AFTER_SYNC",
            "SET GLOBAL rpl_semi_sync_master_timeout = 10000",
            "SET GLOBAL rpl_semi_sync_slave_enabled = ON");
      }
    }
    for (Instance s : CLUSTER.slaves()) {
      try (Connection root = TestSql.root(s)) {
        TestSql.execute(root, "STOP SLAVE IO_THREAD", "START SLAVE IO_THREAD");
      }
    }
    return true;
  }

  @Override
  String readOnlyVariable() {
    return "read_only";
  }

  @Override
  boolean persistsReadOnly() {
    return false;
  }
}
