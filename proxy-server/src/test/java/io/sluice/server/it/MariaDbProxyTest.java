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

  /**
   * MariaDB accounts use mysql_native_password, which has no full-authentication round: the
   * proxy greets as the master does, and a client needs neither TLS nor a public key.
   */
  @Override
  @org.junit.jupiter.api.Test
  void fullAuthenticationWithoutTlsUsesTheRsaPublicKey() throws Exception {
    proxy.server.runtime().authCache().clear();
    try (java.sql.Connection c = proxy.connect("sslMode=DISABLED")) {
      org.junit.jupiter.api.Assertions.assertTrue(slaveIds().contains(io.sluice.bootstrap.testing.TestSql.serverId(c)));
    }
    java.sql.SQLException e = org.junit.jupiter.api.Assertions.assertThrows(java.sql.SQLException.class,
        () -> proxy.connect("app", "wrong", "sslMode=DISABLED").close());
    org.junit.jupiter.api.Assertions.assertEquals(1045, e.getErrorCode());
  }

  @Override
  String replicationThreadSql(boolean start) {
    return (start ? "START" : "STOP") + " SLAVE SQL_THREAD";
  }

  @Override
  java.util.List<String> delaySql(int seconds) {
    return java.util.List.of("STOP SLAVE", "CHANGE MASTER TO MASTER_DELAY = " + seconds, "START SLAVE");
  }

  @Override
  boolean backendsOfferTls() {
    return false;
  }

  @Override
  String createNativeUserSql() {
    return "CREATE USER IF NOT EXISTS 'native'@'%' IDENTIFIED BY 'native-pw'";
  }
}
