package io.sluice.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProtocolConstantsTest {

  @Test
  void capabilityFlagsHaveTheirDocumentedBits() {
    assertEquals(0x00000200L, Capabilities.CLIENT_PROTOCOL_41);
    assertEquals(0x00000800L, Capabilities.CLIENT_SSL);
    assertEquals(0x00008000L, Capabilities.CLIENT_SECURE_CONNECTION);
    assertEquals(0x00080000L, Capabilities.CLIENT_PLUGIN_AUTH);
    assertEquals(0x00800000L, Capabilities.CLIENT_SESSION_TRACK);
    assertEquals(0x01000000L, Capabilities.CLIENT_DEPRECATE_EOF);
    assertEquals(0x08000000L, Capabilities.CLIENT_QUERY_ATTRIBUTES);
    assertEquals(0x80000000L, Capabilities.CLIENT_REMEMBER_OPTIONS);
  }

  @Test
  void capabilitiesAreAnImmutableValueWithIntentPredicates() {
    Capabilities c = Capabilities.of(Capabilities.CLIENT_PROTOCOL_41 | Capabilities.CLIENT_DEPRECATE_EOF);
    Capabilities more = c.with(Capabilities.CLIENT_SSL);
    assertFalse(c.usesSsl());
    assertTrue(more.usesSsl());
    assertTrue(more.deprecatesEof() && more.protocol41());
    assertFalse(more.without(Capabilities.CLIENT_DEPRECATE_EOF).deprecatesEof());
    assertEquals(c, more.intersect(c));
    assertTrue(more.has(Capabilities.CLIENT_SSL | Capabilities.CLIENT_PROTOCOL_41));
    assertFalse(more.has(Capabilities.CLIENT_SSL | Capabilities.CLIENT_COMPRESS));
    assertEquals("Capabilities[0x01000a00 PROTOCOL_41|SSL|DEPRECATE_EOF]", more.toString());
  }

  @Test
  void serverStatusPredicatesReadTheirBits() {
    int status = ServerStatus.SERVER_STATUS_IN_TRANS | ServerStatus.SERVER_STATUS_IN_TRANS_READONLY
        | ServerStatus.SERVER_SESSION_STATE_CHANGED;
    assertTrue(ServerStatus.inTransaction(status));
    assertTrue(ServerStatus.inReadOnlyTransaction(status));
    assertTrue(ServerStatus.sessionStateChanged(status));
    assertFalse(ServerStatus.autocommit(status));
    assertFalse(ServerStatus.moreResultsExist(status));
    assertTrue(ServerStatus.moreResultsExist(0x0008));
    assertTrue(ServerStatus.cursorExists(0x0040));
    assertEquals(0x1000, ServerStatus.SERVER_PS_OUT_PARAMS);
  }

  @Test
  void commandTypesMapToTheirCodes() {
    assertEquals(CommandType.COM_QUERY, CommandType.fromCode(0x03));
    assertEquals(CommandType.COM_STMT_EXECUTE, CommandType.fromCode(0x17));
    assertEquals(CommandType.COM_RESET_CONNECTION, CommandType.fromCode(0x1f));
    assertEquals(0x11, CommandType.COM_CHANGE_USER.code());
    assertEquals(0x0c, CommandType.COM_PROCESS_KILL.code());
    assertNull(CommandType.fromCode(0x7f));
    assertNull(CommandType.fromCode(-1));
    for (CommandType t : CommandType.values()) {
      assertEquals(t, CommandType.fromCode(t.code()));
    }
  }

  @Test
  void collationIdsMapToJavaCharsets() {
    assertEquals(StandardCharsets.UTF_8, CharacterSets.javaCharset(CharacterSets.UTF8MB4_0900_AI_CI));
    assertEquals(StandardCharsets.UTF_8, CharacterSets.javaCharset(CharacterSets.UTF8MB4_GENERAL_CI));
    assertEquals(StandardCharsets.UTF_8, CharacterSets.javaCharset(CharacterSets.UTF8_GENERAL_CI));
    assertEquals("windows-1252", CharacterSets.javaCharset(CharacterSets.LATIN1_SWEDISH_CI).name());
    assertEquals(StandardCharsets.ISO_8859_1, CharacterSets.javaCharset(CharacterSets.BINARY));
  }
}
