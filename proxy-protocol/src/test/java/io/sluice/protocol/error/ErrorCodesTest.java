package io.sluice.protocol.error;

import static io.sluice.protocol.Bytes.ascii;
import static io.sluice.protocol.Bytes.assertBytes;
import static io.sluice.protocol.Bytes.encode;
import static io.sluice.protocol.Bytes.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ErrorCodesTest {

  @Test
  void accessDeniedRendersAsMysqlsErrPacket() {
    SqlError e = ErrorCodes.accessDenied("app", "10.0.0.7", true);
    assertEquals(new SqlError(1045, "28000", "Access denied for user 'app'@'10.0.0.7' (using password: YES)"), e);
    assertBytes(hex(
        "ff",                 // ERR
        "15 04",              // 1045
        "23", ascii("28000"), // '#' + SQLSTATE
        ascii("Access denied for user 'app'@'10.0.0.7' (using password: YES)")),
        encode(e.toErrPacket()::encode));
    assertTrue(ErrorCodes.accessDenied("app", "h", false).message().endsWith("(using password: NO)"));
  }

  @Test
  void codesAndStatesMatchMysql() {
    assertError(ErrorCodes.handshakeError(), 1043, "08S01", "Bad handshake");
    assertError(ErrorCodes.unknownCommand(), 1047, "08S01", "Unknown command");
    assertError(ErrorCodes.malformedPacket(), 1835, "HY000", "Malformed communication packet.");
    assertError(ErrorCodes.tooManyConnections(), 1040, "08004", "Too many connections");
    assertError(ErrorCodes.unknownStatementHandler(7, "mysqld_stmt_execute"), 1243, "HY000",
        "Unknown prepared statement handler (7) given to mysqld_stmt_execute");
    assertError(ErrorCodes.noDatabaseSelected(), 1046, "3D000", "No database selected");
    assertError(ErrorCodes.tooManyPreparedStatements(16382), 1461, "42000",
        "Can't create more than max_prepared_stmt_count statements (current value: 16382)");
    assertError(ErrorCodes.serverShutdown(), 1053, "08S01", "Server shutdown in progress");
    assertError(ErrorCodes.queryInterrupted(), 1317, "70100", "Query execution was interrupted");
    assertError(ErrorCodes.optionPreventsStatement("--read-only"), 1290, "HY000",
        "The MySQL server is running with the --read-only option so it cannot execute this statement");
    assertEquals(1153, ErrorCodes.packetTooLarge().code());
    assertEquals("08S01", ErrorCodes.packetTooLarge().sqlState());
    assertEquals(1130, ErrorCodes.hostNotPrivileged("h").code());
    assertEquals("08004", ErrorCodes.notSupportedAuthMode().sqlState());
    assertEquals("42000", ErrorCodes.tooManyUserConnections("app").sqlState());
    assertEquals(1203, ErrorCodes.tooManyUserConnections("app").code());
    assertEquals(1041, ErrorCodes.outOfResources().code());
    assertEquals(1105, ErrorCodes.unknownError(null).code());
    assertEquals(1205, ErrorCodes.lockWaitTimeout().code());
  }

  @Test
  void proxyErrorsTellRetryableFromOutcomeUnknown() {
    SqlError unavailable = ErrorCodes.backendUnavailable("replica-1", "connect timed out");
    assertEquals("HY000", unavailable.sqlState(), "nothing was sent: the connection stays usable");
    assertTrue(unavailable.message().contains("replica-1"));
    SqlError lost = ErrorCodes.backendLost("primary", new java.io.IOException("Connection reset"));
    assertEquals("08S01", lost.sqlState(), "the statement may have run: drivers must treat it as a lost connection");
    assertEquals(1158, lost.code(), "a server code: libmariadb reads 2013 from a server as a malformed packet");
    assertTrue(lost.message().contains("Connection reset"));
    assertEquals(1158, ErrorCodes.backendLost("primary", null).code());
  }

  @Test
  void protocolExceptionCarriesItsSqlError() {
    ProtocolException e = ProtocolException.malformed("short packet");
    assertEquals(ErrorCodes.ER_MALFORMED_PACKET, e.error().code());
    assertTrue(e.getMessage().contains("short packet"));
  }

  @Test
  void sqlStateMustBeFiveCharacters() {
    assertThrows(IllegalArgumentException.class, () -> new SqlError(1, "HY00", "x"));
  }

  private static void assertError(SqlError e, int code, String state, String message) {
    assertEquals(new SqlError(code, state, message), e);
  }
}
