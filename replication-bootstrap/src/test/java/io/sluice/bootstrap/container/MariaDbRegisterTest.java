package io.sluice.bootstrap.container;

import io.sluice.bootstrap.flavor.Flavor;
import io.sluice.bootstrap.testing.SandboxExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code bootstrap register} on MariaDB 10.11. */
class MariaDbRegisterTest extends RegisterContract {
  @RegisterExtension
  static final SandboxExtension CLUSTER = SandboxExtension.flavor(Flavor.MARIADB_1011).replicas(1);

  @Override
  SandboxExtension cluster() {
    return CLUSTER;
  }
}
