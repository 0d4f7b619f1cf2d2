package io.sluice.bootstrap.sandbox;

import io.sluice.bootstrap.flavor.Flavor;
import io.sluice.bootstrap.testing.SandboxExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

class Mysql57SwitchedRolesTest extends SwitchedRolesContract {
  @RegisterExtension
  static final SandboxExtension cluster = SandboxExtension.flavor(Flavor.MYSQL_57).replicas(2);

  @Override
  protected SandboxExtension cluster() {
    return cluster;
  }
}
