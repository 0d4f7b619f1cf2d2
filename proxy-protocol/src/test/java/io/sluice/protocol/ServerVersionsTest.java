package io.sluice.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ServerVersionsTest {

  /** Version strings as the sandbox's servers send them in their handshakes. */
  @Test
  void flavorAndMajorVersionOfTheServersHandshakes() {
    assertFalse(ServerVersions.isMariaDb("8.0.31"));
    assertEquals(8, ServerVersions.major("8.0.31"));
    assertTrue(ServerVersions.isMysql8OrLater("8.0.31"));
    assertEquals(5, ServerVersions.major("5.7.22-log"));
    assertFalse(ServerVersions.isMysql8OrLater("5.7.22-log"));
    assertTrue(ServerVersions.isMariaDb("5.5.5-10.11.6-MariaDB-0+deb12u1"));
    assertEquals(10, ServerVersions.major("5.5.5-10.11.6-MariaDB-0+deb12u1"));
    assertEquals(10, ServerVersions.major("10.11.6-MariaDB"));
    assertFalse(ServerVersions.isMysql8OrLater("10.11.6-MariaDB"), "MariaDB 10 is no MySQL 8");
    assertEquals(-1, ServerVersions.major(null));
    assertEquals(-1, ServerVersions.major("unknown"));
    assertFalse(ServerVersions.isMariaDb(null));
  }
}
