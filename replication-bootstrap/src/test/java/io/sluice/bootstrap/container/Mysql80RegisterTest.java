package io.sluice.bootstrap.container;

import io.sluice.bootstrap.flavor.Flavor;
import io.sluice.bootstrap.testing.SandboxExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code bootstrap register} on MySQL 8.0.31. */
class Mysql80RegisterTest extends RegisterContract {
  @RegisterExtension
  static final SandboxExtension CLUSTER = SandboxExtension.flavor(Flavor.MYSQL_80).replicas(1);

  @Override
  SandboxExtension cluster() {
    return CLUSTER;
  }
}
