package io.sluice.bootstrap.sandbox;

import io.sluice.bootstrap.flavor.Flavor;
import io.sluice.bootstrap.testing.SandboxExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

class MariaDbSwitchedRolesTest extends SwitchedRolesContract {
  @RegisterExtension
  static final SandboxExtension cluster = SandboxExtension.flavor(Flavor.MARIADB_1011).replicas(2);

  @Override
  protected SandboxExtension cluster() {
    return cluster;
  }
}
