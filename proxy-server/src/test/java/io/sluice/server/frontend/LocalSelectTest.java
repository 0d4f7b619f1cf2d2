package io.sluice.server.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.sluice.server.frontend.LocalSelect.Match;
import io.sluice.server.frontend.LocalSelect.Value;
import org.junit.jupiter.api.Test;

class LocalSelectTest {
  @Test
  void onlyTheBareConnectionIdIsAnsweredWithTheServersColumnName() {
    assertEquals(new Match(Value.CONNECTION_ID, "CONNECTION_ID()"), LocalSelect.match("SELECT CONNECTION_ID()"));
    assertEquals(new Match(Value.CONNECTION_ID, "connection_id( )"), LocalSelect.match(" \n select  connection_id( ) ; "));
    assertEquals(new Match(Value.CONNECTION_ID, "cid"), LocalSelect.match("SELECT CONNECTION_ID() AS cid"));
    assertEquals(new Match(Value.CONNECTION_ID, "my `id`"), LocalSelect.match("SELECT CONNECTION_ID() AS `my ``id```"));
    assertNull(LocalSelect.match("SELECT CONNECTION_ID() + 1"));
    assertNull(LocalSelect.match("SELECT c FROM sbtest1 WHERE id = 5"));
  }

  @Test
  void commentsAliasesWithoutAsAndFromDualAreTheSameStatement() {
    Match id = new Match(Value.CONNECTION_ID, "connection_id()");
    assertEquals(id, LocalSelect.match("select connection_id() /* x */"));
    assertEquals(id, LocalSelect.match("/* x */ select connection_id()"));
    assertEquals(id, LocalSelect.match("/*master*/ select connection_id() -- trailing"));
    assertEquals(id, LocalSelect.match("select connection_id() # trailing"));
    assertEquals(id, LocalSelect.match("select connection_id() from dual"));
    assertEquals(id, LocalSelect.match("select /* c */ connection_id()"));
    assertEquals(new Match(Value.SLUICE_CONSISTENCY, "@@sluice_consistency"),
        LocalSelect.match("SELECT/*x*/@@sluice_consistency"));
    assertEquals(new Match(Value.SLUICE_CONSISTENCY, "c"), LocalSelect.match("SELECT @@sluice_consistency c FROM DUAL"));
    assertNull(LocalSelect.match("SELECT CONNECTION_ID() FROM t"));
    assertNull(LocalSelect.match("SELECT CONNECTION_ID() c d"));
    assertNull(LocalSelect.match("/*!99999 SELECT 1, */ SELECT CONNECTION_ID()"), "a versioned comment may run");
    assertNull(LocalSelect.match("SELECT CONNECTION_ID() /* ' */ + 1"));
  }

  @Test
  void theSessionsConsistencyIsReadBackUnderEveryScope() {
    assertEquals(new Match(Value.SLUICE_CONSISTENCY, "@@sluice_consistency"), LocalSelect.match("SELECT @@sluice_consistency"));
    assertEquals(new Match(Value.SLUICE_CONSISTENCY, "@@SESSION.Sluice_Consistency"),
        LocalSelect.match("select @@SESSION.Sluice_Consistency;"));
    assertEquals(new Match(Value.SLUICE_CONSISTENCY, "c"), LocalSelect.match("SELECT @@local.sluice_consistency AS c"));
    assertNull(LocalSelect.match("SELECT @@global.sluice_consistency"));
    assertNull(LocalSelect.match("SELECT @@sluice_consistency_x"));
    assertNull(LocalSelect.match("SELECT @@sluice_consistency, @@autocommit"));
    assertNull(LocalSelect.match("SELECT @@session.transaction_read_only"));
  }
}
