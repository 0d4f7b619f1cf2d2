package io.sluice.server.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** What a failed health probe says beside a backend taken down: enough to act on. */
class ProbeFailureTest {
  @Test
  void aCommunicationsLinkFailureNamesWhatFailedBeneathIt() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      closedPort = s.getLocalPort();
    }
    // Connector/J itself, as the probe connects: its message alone is "Communications link failure".
    SQLException e = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class, () -> DriverManager.getConnection(
        "jdbc:mysql://127.0.0.1:" + closedPort + "/?connectTimeout=1000", "monitor", "pw"));
    String reason = HealthChecker.failure(e);
    assertTrue(reason.startsWith("Communications link failure"), reason);
    assertTrue(reason.endsWith("(" + new ConnectException("Connection refused") + ")"), reason);
  }

  @Test
  void aServerErrorIsItsMessageAlone() {
    SQLException denied = new SQLException("Unknown database 'x'", "42000", 1049);
    assertEquals("Unknown database 'x'", HealthChecker.failure(denied));
  }
}
