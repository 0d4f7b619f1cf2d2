package io.sluice.bootstrap.sandbox;

import io.sluice.bootstrap.flavor.Flavor;
import io.sluice.bootstrap.testing.SandboxExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

class Mysql80SwitchedRolesTest extends SwitchedRolesContract {
  @RegisterExtension
  static final SandboxExtension cluster = SandboxExtension.flavor(Flavor.MYSQL_80).replicas(2);

  @Override
  protected SandboxExtension cluster() {
    return cluster;
  }
}
