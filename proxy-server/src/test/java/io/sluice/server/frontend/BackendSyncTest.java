package io.sluice.server.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.error.ErrorCodes;
import io.sluice.protocol.error.SqlError;
import io.sluice.server.backend.BackendException;
import org.junit.jupiter.api.Test;

class BackendSyncTest {

  @Test
  void theServersOwnErrorIsPassedOnAsItIs() {
    SqlError unknownDatabase = new SqlError(1049, "42000", "Unknown database 'gone'");
    assertSame(unknownDatabase, BackendSync.errorOf("master", new BackendException(unknownDatabase)));
  }

  /** The client's statement was not sent yet: it may run it again, so not 2013 "may have executed". */
  @Test
  void aConnectionLostBeforeTheStatementIsUnavailable() {
    for (Throwable cause : new Throwable[] {
        new BackendException(ErrorCodes.backendLost("slave-1", null)), new java.io.IOException("Connection reset by peer")}) {
      SqlError e = BackendSync.errorOf("slave-1", cause);
      assertEquals(ErrorCodes.SLUICE_NO_BACKEND, e.code(), e.message());
      assertEquals("HY000", e.sqlState());
      assertTrue(e.message().contains("'slave-1'") && e.message().contains("the statement was not sent"), e.message());
      assertFalse(e.message().contains("may have executed"), e.message());
    }
  }
}
