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

  /**
   * FLUSH PRIVILEGES empties the servers' caching_sha2_password caches, so Sluice's next login
   * to each backend takes the full path: the password RSA-encrypted with the server's key when
   * the backend connection is plain, the password itself inside TLS when it is encrypted.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"disabled", "required"})
  void backendFullAuthenticationWorksWithRsaAndOverTls(String backendTlsMode) throws Exception {
    for (io.sluice.bootstrap.sandbox.Instance i : CLUSTER.sandbox().instances()) {
      try (java.sql.Connection root = io.sluice.bootstrap.testing.TestSql.root(i)) {
        io.sluice.bootstrap.testing.TestSql.execute(root, "FLUSH NO_WRITE_TO_BINLOG PRIVILEGES");
      }
    }
    try (ProxyFixture p = ProxyFixture.start(CLUSTER.sandbox(), backendTls(backendTlsMode));
         java.sql.Connection c = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
      io.sluice.bootstrap.testing.TestSql.execute(c, "INSERT INTO items (v) VALUES ('full-auth')");
      org.junit.jupiter.api.Assertions.assertTrue(
          slaveIds().contains(io.sluice.bootstrap.testing.TestSql.serverId(c)));
    }
  }
}
