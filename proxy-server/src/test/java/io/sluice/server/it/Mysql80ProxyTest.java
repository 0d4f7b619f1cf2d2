package io.sluice.server.it;

import io.sluice.bootstrap.flavor.Flavor;
import io.sluice.bootstrap.testing.SandboxExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The compatibility contract against MySQL 8.0.31 backends (caching_sha2_password accounts). */
class Mysql80ProxyTest extends ProxyCompatibilityContract {
  @RegisterExtension
  static final SandboxExtension CLUSTER = SandboxExtension.flavor(Flavor.MYSQL_80).replicas(2);

  @Override
  SandboxExtension cluster() {
    return CLUSTER;
  }
}
