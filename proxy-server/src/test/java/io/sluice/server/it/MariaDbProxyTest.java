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

  /**
   * MariaDB's sequences and CREATE OR REPLACE TEMPORARY TABLE live on one connection: LASTVAL
   * answers what this connection took last, even while other sessions hold the connections it
   * could have been given, and the replaced temporary table is read where it exists.
   */
  @org.junit.jupiter.api.Test
  void sequencesAndReplacedTemporaryTablesStayOnTheirConnection() throws Exception {
    try (java.sql.Connection root = io.sluice.bootstrap.testing.TestSql.root(cluster().master())) {
      io.sluice.bootstrap.testing.TestSql.execute(root, "CREATE SEQUENCE IF NOT EXISTS app.seq_probe");
    }
    cluster().sandbox().awaitReplication(java.time.Duration.ofSeconds(30));
    java.util.List<java.sql.Connection> others = new java.util.ArrayList<>();
    try (java.sql.Connection c = proxy.connect("sslMode=DISABLED")) {
      String taken = io.sluice.bootstrap.testing.TestSql.queryString(c, "SELECT NEXTVAL(seq_probe)");
      for (int i = 0; i < 4; i++) { // each holds a master connection: the one c used, if c had let it go
        java.sql.Connection o = proxy.connect("sslMode=DISABLED");
        others.add(o);
        io.sluice.bootstrap.testing.TestSql.execute(o, "BEGIN");
        io.sluice.bootstrap.testing.TestSql.queryString(o, "SELECT NEXTVAL(seq_probe)");
      }
      org.junit.jupiter.api.Assertions.assertEquals(taken,
          io.sluice.bootstrap.testing.TestSql.queryString(c, "SELECT LASTVAL(seq_probe)"));
      io.sluice.bootstrap.testing.TestSql.execute(c, "CREATE OR REPLACE TEMPORARY TABLE tmp_or_replace (a INT)",
          "INSERT INTO tmp_or_replace VALUES (7)");
      org.junit.jupiter.api.Assertions.assertEquals("7",
          io.sluice.bootstrap.testing.TestSql.queryString(c, "SELECT a FROM tmp_or_replace"));
    } finally {
      for (java.sql.Connection o : others) {
        o.close();
      }
    }
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
