package io.sluice.server.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ConnectionIdQueryTest {
  @Test
  void onlyTheBareStatementIsAnsweredWithTheServersColumnName() {
    assertEquals("CONNECTION_ID()", ConnectionIdQuery.columnName("SELECT CONNECTION_ID()"));
    assertEquals("connection_id( )", ConnectionIdQuery.columnName(" \n select  connection_id( ) ; "));
    assertEquals("cid", ConnectionIdQuery.columnName("SELECT CONNECTION_ID() AS cid"));
    assertEquals("my `id`", ConnectionIdQuery.columnName("SELECT CONNECTION_ID() AS `my ``id```"));
    assertNull(ConnectionIdQuery.columnName("SELECT CONNECTION_ID() FROM DUAL"));
    assertNull(ConnectionIdQuery.columnName("SELECT CONNECTION_ID() + 1"));
    assertNull(ConnectionIdQuery.columnName("SELECT c FROM sbtest1 WHERE id = 5"));
    assertNull(ConnectionIdQuery.columnName("/*master*/ SELECT CONNECTION_ID()"));
  }
}
