package io.sluice.server.it;

import io.sluice.bootstrap.flavor.Flavor;
import io.sluice.bootstrap.testing.SandboxExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The compatibility contract against MariaDB 10.11 backends (mysql_native_password accounts). */
class MariaDbProxyTest extends ProxyCompatibilityContract {
  @RegisterExtension
  static final SandboxExtension CLUSTER = SandboxExtension.flavor(Flavor.MARIADB_1011).replicas(2);

  @Override
  SandboxExtension cluster() {
    return CLUSTER;
  }

  @Override
  String createNativeUserSql() {
    return "CREATE USER IF NOT EXISTS 'native'@'%' IDENTIFIED BY 'native-pw'";
  }
}
