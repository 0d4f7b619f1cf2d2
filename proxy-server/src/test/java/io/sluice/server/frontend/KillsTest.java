package io.sluice.server.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** KILL's number read as MySQL 8.0.31 reads it (its "Unknown thread id: n" answers, seen directly). */
class KillsTest {
  @Test
  void theNumberIsReadAsTheServerReadsIt() {
    assertEquals(new Kills.Request(12, false), Kills.parse("KILL 00012", false));
    assertEquals(new Kills.Request(7, true), Kills.parse(" kill query 7 ;", false));
    assertEquals(new Kills.Request(705032704, false), Kills.parse("KILL CONNECTION 5000000000", false));
    assertEquals(new Kills.Request(0, false), Kills.parse("KILL 4294967296", false));
    assertEquals(new Kills.Request(4294967295L, false), Kills.parse("KILL 99999999999999999999", false));
    assertNull(Kills.parse("KILL @id", false));
    // MariaDB's thread ids are 64-bit: not cut (MariaDB 10.11: "Unknown thread id: 4294967342").
    assertEquals(new Kills.Request(4294967342L, true), Kills.parse("KILL QUERY 4294967342", true));
  }
}
