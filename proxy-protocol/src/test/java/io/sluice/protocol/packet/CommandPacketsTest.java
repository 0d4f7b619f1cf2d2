package io.sluice.protocol.packet;

import static io.sluice.protocol.Bytes.ascii;
import static io.sluice.protocol.Bytes.assertBytes;
import static io.sluice.protocol.Bytes.decode;
import static io.sluice.protocol.Bytes.encode;
import static io.sluice.protocol.Bytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.sluice.protocol.Bytes;
import io.sluice.protocol.Capabilities;
import io.sluice.protocol.CharacterSets;
import io.sluice.protocol.error.ErrorCodes;
import io.sluice.protocol.error.ProtocolException;
import java.nio.charset.Charset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandPacketsTest {

  @Test
  void comQueryFromTheDocsRoundTrips() {
    byte[] golden = hex(
        "03",                                     // COM_QUERY
        ascii("select @@version_comment limit 1"));
    ComQuery q = decode(golden, ComQuery::decode);
    assertEquals("select @@version_comment limit 1", q.query());
    assertBytes(golden, encode(q::encode));
  }

  @Test
  void comQueryDecodesInTheConnectionCharset() {
    Charset latin1 = CharacterSets.javaCharset(CharacterSets.LATIN1_SWEDISH_CI);
    assertEquals("é", decode(hex("03 e9"), b -> ComQuery.decode(b, latin1)).query());
  }

  @Test
  void packetWithAnotherCommandByteIsMalformed() {
    ProtocolException e = assertThrows(ProtocolException.class, () -> decode(hex("02 61"), ComQuery::decode));
    assertEquals(ErrorCodes.ER_MALFORMED_PACKET, e.error().code());
  }

  @Test
  void comInitDbRoundTrips() {
    byte[] golden = hex("02", ascii("shop"));     // COM_INIT_DB, schema
    assertEquals(new ComInitDb("shop"), decode(golden, ComInitDb::decode));
    assertBytes(golden, encode(new ComInitDb("shop")::encode));
  }

  @Test
  void comFieldListRoundTrips() {
    byte[] golden = hex(
        "04",                                     // COM_FIELD_LIST
        ascii("orders"), "00",                    // table
        ascii("id%"));                            // wildcard
    assertEquals(new ComFieldList("orders", "id%"), decode(golden, ComFieldList::decode));
    assertBytes(golden, encode(new ComFieldList("orders", "id%")::encode));
  }

  @Test
  void comStmtPrepareRoundTrips() {
    byte[] golden = hex("16", ascii("SELECT ?"));  // COM_STMT_PREPARE, query
    assertEquals(new ComStmtPrepare("SELECT ?"), decode(golden, ComStmtPrepare::decode));
    assertBytes(golden, encode(new ComStmtPrepare("SELECT ?")::encode));
  }

  @Test
  void comStmtPrepareOkFromTheDocsRoundTrips() {
    byte[] golden = hex(
        "00",                                     // OK
        "01 00 00 00",                            // statement id 1
        "01 00",                                  // 1 column
        "02 00",                                  // 2 parameters
        "00",                                     // reserved
        "00 00");                                 // 0 warnings
    ComStmtPrepareOk ok = decode(golden, ComStmtPrepareOk::decode);
    assertEquals(new ComStmtPrepareOk(1, 1, 2, 0), ok);
    assertBytes(golden, encode(ok::encode));
    ByteBuf buf = Bytes.buf(golden);
    try {
      assertTrue(ComStmtPrepareOk.isPrepareOk(buf));
      ComStmtPrepareOk.rewriteStatementId(buf, 0x01020304L);
      assertBytes(hex("00 04 03 02 01 01 00 02 00 00 00 00"), ByteBufUtil.getBytes(buf));
    } finally {
      buf.release();
    }
  }

  /** The COM_STMT_EXECUTE example of the protocol docs. */
  private static final byte[] STMT_EXECUTE = hex(
      "17",                                       // COM_STMT_EXECUTE
      "01 00 00 00",                              // statement id 1
      "00",                                       // flags: CURSOR_TYPE_NO_CURSOR
      "01 00 00 00",                              // iteration count 1
      "00",                                       // NULL bitmap
      "01",                                       // new params bound
      "0f 00",                                    // param type MYSQL_TYPE_VARCHAR
      "03", ascii("foo"));                        // value "foo"

  @Test
  void comStmtExecuteHelpersReadAndRewriteInPlace() {
    ByteBuf buf = Bytes.buf(STMT_EXECUTE);
    try {
      assertEquals(1, ComStmtExecute.statementId(buf));
      assertEquals(ComStmtExecute.CURSOR_TYPE_NO_CURSOR, ComStmtExecute.flags(buf));
      assertFalse(ComStmtExecute.opensCursor(buf));
      assertEquals(1, ComStmtExecute.iterationCount(buf));
      ComStmtExecute.rewriteStatementId(buf, 0xFFFFFFFEL);
      assertEquals(0xFFFFFFFEL, ComStmtExecute.statementId(buf));
      assertEquals(0, buf.readerIndex());
      byte[] expected = STMT_EXECUTE.clone();
      expected[1] = (byte) 0xfe;
      expected[2] = expected[3] = expected[4] = (byte) 0xff;
      assertBytes(expected, ByteBufUtil.getBytes(buf));
      buf.setByte(5, ComStmtExecute.CURSOR_TYPE_READ_ONLY);
      assertTrue(ComStmtExecute.opensCursor(buf));
    } finally {
      buf.release();
    }
  }

  @Test
  void comStmtExecuteHelpersRejectTruncatedPayloads() {
    ByteBuf buf = Bytes.buf(hex("17 01 00"));
    try {
      assertThrows(ProtocolException.class, () -> ComStmtExecute.statementId(buf));
      assertThrows(ProtocolException.class, () -> ComStmtExecute.flags(buf));
    } finally {
      buf.release();
    }
  }

  @Test
  void comStmtCloseFromTheDocsRoundTrips() {
    byte[] golden = hex(
        "19",                                     // COM_STMT_CLOSE
        "01 00 00 00");                           // statement id 1
    assertEquals(new ComStmtClose(1), decode(golden, ComStmtClose::decode));
    assertBytes(golden, encode(new ComStmtClose(1)::encode));
  }

  @Test
  void comStmtResetRoundTrips() {
    byte[] golden = hex("1a", "07 00 00 00");     // COM_STMT_RESET, statement id 7
    assertEquals(new ComStmtReset(7), decode(golden, ComStmtReset::decode));
    assertBytes(golden, encode(new ComStmtReset(7)::encode));
  }

  @Test
  void comStmtFetchRoundTripsAndRewritesItsId() {
    byte[] golden = hex(
        "1c",                                     // COM_STMT_FETCH
        "05 00 00 00",                            // statement id 5
        "64 00 00 00");                           // 100 rows
    assertEquals(new ComStmtFetch(5, 100), decode(golden, ComStmtFetch::decode));
    assertBytes(golden, encode(new ComStmtFetch(5, 100)::encode));
    ByteBuf buf = Bytes.buf(golden);
    try {
      ComStmtFetch.rewriteStatementId(buf, 9);
      assertEquals(9, ComStmtFetch.statementId(buf));
      assertEquals(100, ComStmtFetch.decode(buf).numRows());
    } finally {
      buf.release();
    }
  }

  @Test
  void comStmtSendLongDataRoundTripsAndRewritesItsId() {
    byte[] golden = hex(
        "18",                                     // COM_STMT_SEND_LONG_DATA
        "02 00 00 00",                            // statement id 2
        "01 00",                                  // parameter 1
        "00 ff 10");                              // data
    ComStmtSendLongData d = decode(golden, ComStmtSendLongData::decode);
    assertEquals(2, d.statementId());
    assertEquals(1, d.paramId());
    assertArrayEquals(hex("00 ff 10"), d.data());
    assertBytes(golden, encode(d::encode));
    ByteBuf buf = Bytes.buf(golden);
    try {
      ComStmtSendLongData.rewriteStatementId(buf, 3);
      assertEquals(3, ComStmtSendLongData.statementId(buf));
    } finally {
      buf.release();
    }
  }

  @Test
  void comChangeUserRoundTripsWithPluginAndAttributes() {
    Capabilities caps = Capabilities.of(Capabilities.CLIENT_PROTOCOL_41 | Capabilities.CLIENT_SECURE_CONNECTION
        | Capabilities.CLIENT_PLUGIN_AUTH | Capabilities.CLIENT_CONNECT_ATTRS);
    byte[] golden = hex(
        "11",                                     // COM_CHANGE_USER
        ascii("bob"), "00",                       // user
        "14", "01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 14", // auth response, 1-byte length
        ascii("shop"), "00",                      // schema
        "2d 00",                                  // character set utf8mb4_general_ci
        ascii("mysql_native_password"), "00",     // plugin
        "07", "03", ascii("k_1"), "02", ascii("v1")); // attributes: 7 bytes, k_1=v1
    ComChangeUser cu = decode(golden, b -> ComChangeUser.decode(b, caps));
    assertEquals("bob", cu.user());
    assertEquals(20, cu.authResponse().length);
    assertEquals("shop", cu.database());
    assertEquals(45, cu.characterSet());
    assertEquals("mysql_native_password", cu.authPluginName());
    assertEquals(Map.of("k_1", "v1"), cu.connectAttributes());
    assertBytes(golden, encode(b -> cu.encode(b, caps)));
  }

  @Test
  void comChangeUserFromAnOldClientEndsAfterTheSchema() {
    Capabilities caps = Capabilities.of(Capabilities.CLIENT_PROTOCOL_41 | Capabilities.CLIENT_SECURE_CONNECTION);
    byte[] golden = hex("11", ascii("bob"), "00", "00", "00"); // user, empty auth, no schema
    ComChangeUser cu = decode(golden, b -> ComChangeUser.decode(b, caps));
    assertNull(cu.database());
    assertEquals(0, cu.characterSet());
    assertNull(cu.authPluginName());
  }

  @Test
  void comSetOptionRoundTrips() {
    byte[] golden = hex("1b", "01 00");           // COM_SET_OPTION, MULTI_STATEMENTS_OFF
    ComSetOption o = decode(golden, ComSetOption::decode);
    assertEquals(ComSetOption.MYSQL_OPTION_MULTI_STATEMENTS_OFF, o.option());
    assertFalse(o.multiStatementsOn());
    assertBytes(golden, encode(o::encode));
  }

  @Test
  void commandsWithoutArgumentsAreOneByte() {
    assertBytes(hex("0e"), encode(new ComPing()::encode));
    assertBytes(hex("01"), encode(new ComQuit()::encode));
    assertBytes(hex("09"), encode(new ComStatistics()::encode));
    assertBytes(hex("1f"), encode(new ComResetConnection()::encode));
    assertEquals(new ComPing(), decode(hex("0e"), ComPing::decode));
    assertEquals(new ComQuit(), decode(hex("01"), ComQuit::decode));
    assertEquals(new ComStatistics(), decode(hex("09"), ComStatistics::decode));
    assertEquals(new ComResetConnection(), decode(hex("1f"), ComResetConnection::decode));
  }
}
