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
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.Bytes;
import io.sluice.protocol.Capabilities;
import io.sluice.protocol.ServerStatus;
import io.sluice.protocol.error.SqlError;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResponsePacketsTest {
  private static final Capabilities P41 = Capabilities.of(Capabilities.CLIENT_PROTOCOL_41);
  private static final Capabilities TRACK = P41.with(Capabilities.CLIENT_SESSION_TRACK);

  @Test
  void okPacketFromTheDocsRoundTrips() {
    byte[] golden = hex(
        "00",        // OK header
        "00",        // affected rows 0
        "00",        // last insert id 0
        "02 00",     // status: autocommit
        "00 00");    // warnings 0
    OkPacket ok = decode(golden, b -> OkPacket.decode(b, P41));
    assertEquals(OkPacket.of(0, 0, ServerStatus.SERVER_STATUS_AUTOCOMMIT, 0), ok);
    assertBytes(golden, encode(b -> ok.encode(b, P41)));
    // With SESSION_TRACK and nothing to say, mysqld sends the very same bytes (no empty info).
    assertEquals(ok, decode(golden, b -> OkPacket.decode(b, TRACK)));
    assertBytes(golden, encode(b -> ok.encode(b, TRACK)));
  }

  @Test
  void okPacketInfoIsLengthEncodedWithoutSessionTrackToo() {
    // The docs say string<EOF>; servers write it length-encoded, and libmariadb (the mariadb
    // client) misreads anything else as "malformed packet".
    String info = "Rows matched: 1  Changed: 1  Warnings: 0";
    byte[] golden = hex(
        "00",                 // OK
        "01",                 // affected rows 1
        "fc 2c 01",           // last insert id 300 (lenenc 2-byte form)
        "03 00",              // status: in transaction, autocommit
        "01 00",              // 1 warning
        "28", ascii(info));   // info, string<lenenc> of 40 bytes
    OkPacket ok = decode(golden, b -> OkPacket.decode(b, P41));
    assertEquals(1, ok.affectedRows());
    assertEquals(300, ok.lastInsertId());
    assertTrue(ServerStatus.inTransaction(ok.statusFlags()));
    assertEquals(1, ok.warnings());
    assertEquals(info, ok.info());
    assertBytes(golden, encode(b -> ok.encode(b, P41)));
    // The docs' form is still understood when reading.
    byte[] documented = hex("00", "01", "fc 2c 01", "03 00", "01 00", ascii(info));
    assertEquals(info, decode(documented, b -> OkPacket.decode(b, P41)).info());
  }

  private static final String GTID = "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5";

  private static final byte[] OK_WITH_SESSION_STATE = hex(
      "00",                   // OK
      "01",                   // affected rows 1
      "05",                   // last insert id 5
      "03 40",                // status: IN_TRANS | AUTOCOMMIT | SESSION_STATE_CHANGED
      "00 00",                // warnings
      "00",                   // info: "" (lenenc, present because state changed)
      "51",                   // session state info: 81 bytes
      "01 05 04", ascii("shop"),                      // SCHEMA: "shop"
      "00 0e 0a", ascii("autocommit"), "02", ascii("ON"), // SYSTEM_VARIABLES: autocommit=ON
      "03 2a 00 28", ascii(GTID),                      // GTIDS: spec 0, 40-char set
      "05 09 08", ascii("T___W___"),                   // TRANSACTION_STATE
      "02 01", ascii("1"));                            // STATE_CHANGE: bare '1', not a lenenc string

  @Test
  void okPacketWithSessionTrackingDecodesEveryChangeType() {
    OkPacket ok = decode(OK_WITH_SESSION_STATE, b -> OkPacket.decode(b, TRACK));
    assertEquals(1, ok.affectedRows());
    assertEquals(5, ok.lastInsertId());
    assertTrue(ServerStatus.sessionStateChanged(ok.statusFlags()));
    assertEquals("", ok.info());
    assertEquals(List.of(
        new SessionStateChange.Schema("shop"),
        new SessionStateChange.SystemVariable("autocommit", "ON"),
        new SessionStateChange.Gtids(0, GTID),
        new SessionStateChange.TransactionState("T___W___"),
        new SessionStateChange.StateChange("1")), ok.sessionStateChanges());
    assertEquals("shop", ok.trackedSchema());
    assertEquals(GTID, ok.trackedGtids());
    assertEquals(Map.of("autocommit", "ON"), ok.trackedSystemVariables());
    assertEquals("T___W___", ok.trackedTransactionState());
    assertTrue(ok.trackedStateChange());
    assertTrue(((SessionStateChange.TransactionState) ok.sessionStateChanges().get(3)).inTransaction());
    assertBytes(OK_WITH_SESSION_STATE, encode(b -> ok.encode(b, TRACK)));
  }

  @Test
  void unknownSessionStateTypesAreKeptRaw() {
    byte[] golden = hex(
        "00 00 00",           // OK, 0 rows, id 0
        "00 40 00 00",        // status SESSION_STATE_CHANGED, no warnings
        "00",                 // info ""
        "05",                 // state info: 5 bytes
        "09 03 aa bb cc",     // type 9 (unknown), 3 bytes
        "");
    OkPacket ok = decode(golden, b -> OkPacket.decode(b, TRACK));
    SessionStateChange.Unknown u = (SessionStateChange.Unknown) ok.sessionStateChanges().get(0);
    assertEquals(9, u.type());
    assertArrayEquals(hex("aa bb cc"), u.data());
    assertNull(ok.trackedGtids());
    assertBytes(golden, encode(b -> ok.encode(b, TRACK)));
  }

  @Test
  void okWithEofHeaderEndsAResultSetUnderDeprecateEof() {
    byte[] golden = hex(
        "fe",                 // OK packet with the EOF header
        "00 00",              // affected rows, last insert id
        "22 00",              // status: autocommit | SERVER_QUERY_NO_INDEX_USED
        "00 00");             // warnings
    ByteBuf buf = Bytes.buf(golden);
    try {
      assertTrue(OkPacket.isEofOk(buf));
      assertFalse(OkPacket.isOk(buf));
      assertTrue(EofPacket.isEof(buf), "7 bytes: shorter than 9, so it also looks like an EOF");
    } finally {
      buf.release();
    }
    OkPacket ok = decode(golden, b -> OkPacket.decode(b, P41));
    assertEquals(OkPacket.EOF_HEADER, ok.header());
    assertEquals(0x22, ok.statusFlags());
    assertBytes(golden, encode(b -> ok.encode(b, P41)));
  }

  @Test
  void errPacketFromTheDocsRoundTrips() {
    byte[] golden = hex(
        "ff",                 // ERR
        "48 04",              // error code 1096
        "23",                 // SQL state marker '#'
        ascii("HY000"),       // SQL state
        ascii("No tables used")); // message
    ErrPacket err = decode(golden, b -> ErrPacket.decode(b, P41));
    assertEquals(new ErrPacket(1096, "HY000", "No tables used"), err);
    assertEquals(new SqlError(1096, "HY000", "No tables used"), err.toSqlError());
    assertBytes(golden, encode(b -> err.encode(b, P41)));
    assertBytes(golden, encode(err::encode));
  }

  @Test
  void errBeforeTheHandshakeHasNoStateMarker() {
    byte[] golden = hex(
        "ff",                 // ERR
        "10 04",              // 1040
        ascii("Too many connections"));
    ErrPacket err = decode(golden, b -> ErrPacket.decode(b, P41));
    assertEquals(1040, err.errorCode());
    assertEquals("HY000", err.sqlState());
    assertEquals("Too many connections", err.message());
    assertBytes(golden, encode(b -> err.encode(b, Capabilities.of(0))));
  }

  @Test
  void eofPacketFromTheDocsRoundTrips() {
    byte[] golden = hex(
        "fe",                 // EOF
        "00 00",              // warnings
        "02 00");             // status: autocommit
    EofPacket eof = decode(golden, EofPacket::decode);
    assertEquals(new EofPacket(0, 2), eof);
    assertBytes(golden, encode(eof::encode));
    assertBytes(golden, encode(b -> eof.encode(b, P41)));
  }

  @Test
  void nineByteFePacketIsNotAnEof() {
    // lenenc 0xFE + 8 bytes: a row whose first value has an 8-byte length prefix.
    ByteBuf buf = Bytes.buf(hex("fe 00 00 00 01 00 00 00 00"));
    try {
      assertFalse(EofPacket.isEof(buf));
    } finally {
      buf.release();
    }
  }

  @Test
  void columnCountIsALenencAndToleratesTheMetadataFlag() {
    assertBytes(hex("03"), encode(b -> ColumnCount.of(3).encode(b, P41)));
    assertEquals(ColumnCount.of(3), decode(hex("03"), b -> ColumnCount.decode(b, P41)));
    assertEquals(ColumnCount.of(300), decode(hex("fc 2c 01"), b -> ColumnCount.decode(b, P41)));
    Capabilities optional = P41.with(Capabilities.CLIENT_OPTIONAL_RESULTSET_METADATA);
    byte[] noMetadata = hex(
        "02",                 // 2 columns
        "00");                // RESULTSET_METADATA_NONE
    ColumnCount cc = decode(noMetadata, b -> ColumnCount.decode(b, optional));
    assertEquals(new ColumnCount(2, false), cc);
    assertBytes(noMetadata, encode(b -> cc.encode(b, optional)));
  }

  /** The column definition of "select @@version_comment limit 1" from the protocol docs. */
  private static final byte[] COLUMN_DEFINITION = hex(
      "03", ascii("def"),     // catalog
      "00",                   // schema ""
      "00",                   // table ""
      "00",                   // org_table ""
      "11", ascii("@@version_comment"), // name
      "00",                   // org_name ""
      "0c",                   // length of fixed fields
      "08 00",                // character set latin1
      "1c 00 00 00",          // column length 28
      "fd",                   // type MYSQL_TYPE_VAR_STRING
      "00 00",                // flags
      "1f",                   // decimals 31
      "00 00");               // filler

  @Test
  void columnDefinition41FromTheDocsRoundTrips() {
    ColumnDefinition41 c = decode(COLUMN_DEFINITION, ColumnDefinition41::decode);
    assertEquals(new ColumnDefinition41("def", "", "", "", "@@version_comment", "", 8, 28,
        ColumnType.MYSQL_TYPE_VAR_STRING.code(), 0, 0x1f), c);
    assertEquals(ColumnType.MYSQL_TYPE_VAR_STRING, c.columnType());
    assertBytes(COLUMN_DEFINITION, encode(c::encode));
  }

  @Test
  void columnDefinitionInAFieldListResponseSkipsTheDefaultValue() {
    byte[] withDefault = Arrays.copyOf(COLUMN_DEFINITION, COLUMN_DEFINITION.length + 2);
    withDefault[withDefault.length - 2] = 0x01; // lenenc default value "0"
    withDefault[withDefault.length - 1] = '0';
    assertEquals("@@version_comment", decode(withDefault, ColumnDefinition41::decode).name());
  }

  @Test
  void columnTypesMapToTheirCodes() {
    assertEquals(ColumnType.MYSQL_TYPE_JSON, ColumnType.fromCode(245));
    assertEquals(ColumnType.MYSQL_TYPE_LONGLONG, ColumnType.fromCode(8));
    assertEquals(255, ColumnType.MYSQL_TYPE_GEOMETRY.code());
    assertNull(ColumnType.fromCode(100));
  }

  @Test
  void textResultRowKeepsNullDistinctFromEmpty() {
    byte[] golden = hex(
        "03", ascii("abc"),   // "abc"
        "fb",                 // NULL
        "00");                // ""
    TextResultRow row = decode(golden, b -> TextResultRow.decode(b, 3));
    assertArrayEquals(hex(ascii("abc")), row.values().get(0));
    assertNull(row.values().get(1));
    assertArrayEquals(new byte[0], row.values().get(2));
    assertBytes(golden, encode(row::encode));
  }
}
