package io.sluice.server.it;

import io.sluice.bootstrap.flavor.Flavor;
import io.sluice.bootstrap.testing.SandboxExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Failover on MySQL 8.0.31, whose bundle has no semi-sync plugin: losses are measured and reported. */
class Mysql80FailoverTest extends FailoverContract {
  @RegisterExtension
  static final SandboxExtension CLUSTER = SandboxExtension.flavor(Flavor.MYSQL_80).replicas(2);

  @Override
  SandboxExtension cluster() {
    return CLUSTER;
  }

  @Override
  boolean enableSemiSync() {
    return false;
  }

  @Override
  String readOnlyVariable() {
    return "super_read_only";
  }

  @Override
  boolean persistsReadOnly() {
    return true;
  }
}
