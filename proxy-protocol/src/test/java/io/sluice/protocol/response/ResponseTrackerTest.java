package io.sluice.protocol.response;

import static io.sluice.protocol.Bytes.ascii;
import static io.sluice.protocol.Bytes.hex;
import static io.sluice.protocol.response.ResponseTracker.Outcome.AWAIT_LOCAL_INFILE_DATA;
import static io.sluice.protocol.response.ResponseTracker.Outcome.COMPLETE;
import static io.sluice.protocol.response.ResponseTracker.Outcome.CONTINUE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.sluice.protocol.Capabilities;
import io.sluice.protocol.CommandType;
import io.sluice.protocol.ServerStatus;
import io.sluice.protocol.error.ProtocolException;
import io.sluice.protocol.response.ResponseTracker.Outcome;
import io.sluice.protocol.wire.Packet;
import io.sluice.protocol.wire.PacketRun;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ResponseTrackerTest {
  private static final Capabilities CLASSIC = Capabilities.of(Capabilities.CLIENT_PROTOCOL_41
      | Capabilities.CLIENT_MULTI_RESULTS | Capabilities.CLIENT_PS_MULTI_RESULTS | Capabilities.CLIENT_LOCAL_FILES);
  private static final Capabilities DEPRECATE_EOF = CLASSIC.with(Capabilities.CLIENT_DEPRECATE_EOF);
  private static final Capabilities TRACKING = DEPRECATE_EOF.with(Capabilities.CLIENT_SESSION_TRACK);

  // Golden packets (payloads). Status 0x0002 = autocommit.
  /** Column definition for column "a": catalog "def", empty schema/table/org names, utf8, VAR_STRING. */
  private static final String COLUMN_DEF = "03" + ascii("def") + "00 00 00" + "01" + ascii("a") + "00"
      + "0c" + "21 00" + "0b 00 00 00" + "fd" + "00 00" + "00" + "00 00";
  private static final String EOF = "fe 00 00 02 00";                 // EOF, 0 warnings, autocommit
  private static final String EOF_MORE = "fe 00 00 0a 00";            // EOF, autocommit | MORE_RESULTS_EXISTS
  private static final String OK = "00 00 00 02 00 00 00";            // OK, autocommit
  private static final String OK_MORE = "00 01 00 0a 00 00 00";       // OK, 1 row, autocommit | MORE_RESULTS
  private static final String OK_FE = "fe 00 00 02 00 00 00";         // OK with EOF header (DEPRECATE_EOF)
  private static final String OK_FE_MORE = "fe 00 00 0a 00 00 00";
  private static final String ERR = "ff 48 04 23" + ascii("HY000") + ascii("No tables used");
  private static final String TEXT_ROW = "01 31";                     // one column, "1"
  private static final String NULL_ROW = "fb";                        // one column, NULL
  private static final String BINARY_ROW = "00 00 01 31";             // header, NULL bitmap, "1"

  private final List<Packet> packets = new ArrayList<>();

  @AfterEach
  void releaseAll() {
    packets.forEach(Packet::release);
  }

  private Packet packet(String hexPayload) {
    byte[] bytes = hex(hexPayload);
    Packet p = new Packet(1, ByteBufAllocator.DEFAULT.buffer(bytes.length).writeBytes(bytes));
    packets.add(p);
    return p;
  }

  /** Feeds each packet and asserts CONTINUE for all but the last, whose outcome is returned. */
  private Outcome feed(ResponseTracker t, String... payloads) {
    Outcome last = null;
    for (int i = 0; i < payloads.length; i++) {
      Packet p = packet(payloads[i]);
      int readerIndex = p.payload().readerIndex();
      last = t.onPacket(p);
      assertEquals(readerIndex, p.payload().readerIndex(), "the tracker must only peek");
      assertEquals(1, p.refCnt(), "the tracker must not retain or release");
      if (i < payloads.length - 1) {
        assertEquals(CONTINUE, last, "packet " + i + " (" + payloads[i] + ") in state " + t.state());
      }
    }
    return last;
  }

  private static ResponseTracker query(Capabilities caps) {
    return ResponseTracker.forCommand(CommandType.COM_QUERY, caps);
  }

  @Test
  void queryAnsweredByOkCompletesAtOnce() {
    ResponseTracker t = query(CLASSIC);
    assertEquals(COMPLETE, feed(t, OK));
    assertTrue(t.isComplete());
    assertFalse(t.isError());
    assertEquals(ServerStatus.SERVER_STATUS_AUTOCOMMIT, t.lastStatusFlags());
    assertNotNull(t.lastOk());
    assertEquals(0, t.resultSetCount());
  }

  @Test
  void queryAnsweredByErrCompletesWithTheError() {
    ResponseTracker t = query(CLASSIC);
    assertEquals(COMPLETE, feed(t, ERR));
    assertTrue(t.isError());
    assertEquals(1096, t.error().errorCode());
    assertEquals("HY000", t.error().sqlState());
    assertNull(t.lastOk());
  }

  @Test
  void resultSetWithoutDeprecateEofHasEofAfterDefinitionsAndAfterRows() {
    ResponseTracker t = query(CLASSIC);
    assertEquals(COMPLETE, feed(t, "02", COLUMN_DEF, COLUMN_DEF, EOF, "01 31 01 32", "fb 00", EOF));
    assertEquals(1, t.resultSetCount());
    assertEquals(2, t.columnCount());
    assertEquals(2, t.rowCount());
    assertEquals(2, t.lastStatusFlags());
    assertNull(t.lastOk(), "classic EOF terminators are not OK packets");
  }

  @Test
  void resultSetWithDeprecateEofEndsWithAnOkCarryingTheEofHeader() {
    ResponseTracker t = query(DEPRECATE_EOF);
    assertEquals(COMPLETE, feed(t, "01", COLUMN_DEF, TEXT_ROW, NULL_ROW, OK_FE));
    assertEquals(2, t.rowCount());
    assertEquals(0xFE, t.lastOk().header());
    assertEquals(2, t.lastStatusFlags());
  }

  @Test
  void framesOfARunAreTrackedInPlaceLikePackets() {
    String[] payloads = {"02", COLUMN_DEF, COLUMN_DEF, EOF, "01 31 01 32", "fb 00", EOF};
    ByteBuf bytes = ByteBufAllocator.DEFAULT.buffer().writeBytes(hex("aa bb cc")); // not at index 0
    for (String payload : payloads) {
      byte[] p = hex(payload);
      bytes.writeMediumLE(p.length).writeByte(1).writeBytes(p);
    }
    bytes.skipBytes(3);
    PacketRun run = new PacketRun(bytes);
    try {
      ResponseTracker t = query(CLASSIC);
      int frame = run.start();
      Outcome outcome = null;
      for (int i = 0; i < payloads.length; i++) {
        outcome = t.onFrame(run, frame);
        frame = run.next(frame);
        if (i < payloads.length - 1) {
          assertEquals(CONTINUE, outcome, "frame " + i + " (" + payloads[i] + ") in state " + t.state());
        }
      }
      assertEquals(COMPLETE, outcome);
      assertEquals(run.end(), frame);
      assertEquals(2, t.columnCount());
      assertEquals(2, t.rowCount());
      assertEquals(2, t.lastStatusFlags());
      assertEquals(3, bytes.readerIndex(), "the tracker must only peek");
      assertEquals(1, run.refCnt(), "the tracker must not retain or release");
    } finally {
      run.release();
    }
  }

  @Test
  void emptyResultSetWithDeprecateEofGoesStraightFromDefinitionsToTerminator() {
    ResponseTracker t = query(DEPRECATE_EOF);
    assertEquals(COMPLETE, feed(t, "01", COLUMN_DEF, OK_FE));
    assertEquals(0, t.rowCount());
  }

  @Test
  void moreResultsExistKeepsTheResponseOpenAcrossResultSets() {
    // CALL p(): a result set, then the final OK of the CALL itself.
    ResponseTracker classic = query(CLASSIC);
    assertEquals(COMPLETE, feed(classic, "01", COLUMN_DEF, EOF, TEXT_ROW, EOF_MORE, "01", COLUMN_DEF, EOF, EOF_MORE, OK));
    assertEquals(2, classic.resultSetCount());
    ResponseTracker modern = query(DEPRECATE_EOF);
    assertEquals(COMPLETE, feed(modern, "01", COLUMN_DEF, TEXT_ROW, OK_FE_MORE, OK));
    assertEquals(1, modern.resultSetCount());
  }

  @Test
  void multiStatementOksChainUntilOneWithoutMoreResults() {
    ResponseTracker t = query(DEPRECATE_EOF);
    assertEquals(COMPLETE, feed(t, OK_MORE, "01", COLUMN_DEF, TEXT_ROW, OK_FE_MORE, OK_MORE, OK));
    assertEquals(1, t.resultSetCount());
  }

  @Test
  void errAfterSomeStatementsOfAMultiStatementEndsTheResponse() {
    ResponseTracker t = query(CLASSIC);
    assertEquals(COMPLETE, feed(t, OK_MORE, ERR));
    assertTrue(t.isError());
  }

  @Test
  void errInTheMiddleOfTheRowsEndsTheResponse() {
    ResponseTracker t = query(CLASSIC);
    assertEquals(COMPLETE, feed(t, "01", COLUMN_DEF, EOF, TEXT_ROW, ERR));
    assertTrue(t.isError());
    assertEquals(1, t.rowCount());
  }

  @Test
  void textRowStartingWithFeAndLongerThanAFrameIsARowNotATerminator() {
    ResponseTracker t = query(DEPRECATE_EOF);
    feed(t, "01", COLUMN_DEF);
    // A 16 MiB+ value: lenenc 0xFE + 8-byte length, then the bytes (content irrelevant here).
    int length = Packet.MAX_FRAME_PAYLOAD + 9;
    ByteBuf big = ByteBufAllocator.DEFAULT.heapBuffer(length);
    big.setByte(0, 0xFE);
    big.writerIndex(length);
    Packet row = new Packet(3, big);
    packets.add(row);
    assertEquals(CONTINUE, t.onPacket(row));
    assertEquals(1, t.rowCount());
    assertEquals(COMPLETE, feed(t, OK_FE));
  }

  @Test
  void localInfileRequestWaitsForTheUploadThenExpectsOk() {
    ResponseTracker t = query(CLASSIC);
    assertEquals(AWAIT_LOCAL_INFILE_DATA, t.onPacket(packet("fb" + ascii("/tmp/data.csv"))));
    assertEquals(ResponseTracker.State.LOCAL_INFILE_UPLOAD, t.state());
    assertThrows(ProtocolException.class, () -> t.onPacket(packet(OK)));
    t.onLocalInfileSent();
    assertEquals(COMPLETE, feed(t, "00 03 00 02 00 00 00")); // OK: 3 rows loaded
    assertEquals(3, t.lastOk().affectedRows());
  }

  @Test
  void localInfileInsideAMultiStatementContinuesAfterTheUpload() {
    ResponseTracker t = query(DEPRECATE_EOF);
    assertEquals(AWAIT_LOCAL_INFILE_DATA, feed(t, "fb" + ascii("a.csv")));
    t.onLocalInfileSent();
    assertEquals(COMPLETE, feed(t, OK_MORE, "01", COLUMN_DEF, TEXT_ROW, OK_FE));
  }

  @Test
  void localInfileSentWithoutARequestIsAnError() {
    assertThrows(IllegalStateException.class, () -> query(CLASSIC).onLocalInfileSent());
  }

  @Test
  void stmtExecuteReturnsBinaryRows() {
    for (Capabilities caps : List.of(CLASSIC, DEPRECATE_EOF)) {
      ResponseTracker t = ResponseTracker.forCommand(CommandType.COM_STMT_EXECUTE, caps);
      String end = caps.deprecatesEof() ? OK_FE : EOF;
      List<String> seq = new ArrayList<>(List.of("01", COLUMN_DEF));
      if (!caps.deprecatesEof()) {
        seq.add(EOF);
      }
      seq.addAll(List.of(BINARY_ROW, BINARY_ROW, end));
      assertEquals(COMPLETE, feed(t, seq.toArray(String[]::new)), caps.toString());
      assertEquals(2, t.rowCount());
      assertFalse(t.cursorOpened());
    }
  }

  @Test
  void stmtExecuteWithCursorSendsDefinitionsAndEofWithCursorExistsButNoRows() {
    String eofCursor = "fe 00 00 42 00";                       // EOF: autocommit | CURSOR_EXISTS
    ResponseTracker classic = ResponseTracker.forCommand(CommandType.COM_STMT_EXECUTE, CLASSIC);
    assertEquals(COMPLETE, feed(classic, "01", COLUMN_DEF, eofCursor));
    assertTrue(classic.cursorOpened());
    assertTrue(ServerStatus.cursorExists(classic.lastStatusFlags()));
    // With DEPRECATE_EOF mysqld still sends one terminator after the definitions, as an OK.
    ResponseTracker modern = ResponseTracker.forCommand(CommandType.COM_STMT_EXECUTE, DEPRECATE_EOF);
    assertEquals(COMPLETE, feed(modern, "01", COLUMN_DEF, "fe 00 00 42 00 00 00"));
    assertTrue(modern.cursorOpened());
    assertEquals(0, modern.rowCount());
  }

  @Test
  void stmtFetchReturnsRowsThenTerminatorWithLastRowSent() {
    ResponseTracker classic = ResponseTracker.forCommand(CommandType.COM_STMT_FETCH, CLASSIC);
    assertEquals(COMPLETE, feed(classic, BINARY_ROW, BINARY_ROW, "fe 00 00 c2 00")); // CURSOR_EXISTS | LAST_ROW_SENT
    assertEquals(2, classic.rowCount());
    assertTrue(ServerStatus.lastRowSent(classic.lastStatusFlags()));
    ResponseTracker modern = ResponseTracker.forCommand(CommandType.COM_STMT_FETCH, DEPRECATE_EOF);
    assertEquals(COMPLETE, feed(modern, BINARY_ROW, "fe 00 00 42 00 00 00"));
    ResponseTracker failed = ResponseTracker.forCommand(CommandType.COM_STMT_FETCH, DEPRECATE_EOF);
    assertEquals(COMPLETE, feed(failed, ERR));
    assertTrue(failed.isError());
  }

  private static final String PREPARE_OK_2_PARAMS_1_COLUMN =
      "00" + "01 00 00 00" + "01 00" + "02 00" + "00" + "00 00";

  @Test
  void stmtPrepareReadsParameterAndColumnDefinitionsWithEofs() {
    ResponseTracker t = ResponseTracker.forCommand(CommandType.COM_STMT_PREPARE, CLASSIC);
    assertEquals(COMPLETE, feed(t, PREPARE_OK_2_PARAMS_1_COLUMN, COLUMN_DEF, COLUMN_DEF, EOF, COLUMN_DEF, EOF));
    assertEquals(1, t.prepareOk().statementId());
    assertEquals(2, t.prepareOk().numParams());
    assertEquals(1, t.prepareOk().numColumns());
  }

  @Test
  void stmtPrepareWithDeprecateEofHasNoEofs() {
    ResponseTracker t = ResponseTracker.forCommand(CommandType.COM_STMT_PREPARE, DEPRECATE_EOF);
    assertEquals(COMPLETE, feed(t, PREPARE_OK_2_PARAMS_1_COLUMN, COLUMN_DEF, COLUMN_DEF, COLUMN_DEF));
  }

  @Test
  void stmtPrepareWithoutParametersOrColumnsIsOnePacket() {
    ResponseTracker t = ResponseTracker.forCommand(CommandType.COM_STMT_PREPARE, CLASSIC);
    assertEquals(COMPLETE, feed(t, "00 07 00 00 00 00 00 00 00 00 00 00")); // e.g. "DO 1"
    assertEquals(7, t.prepareOk().statementId());
  }

  @Test
  void stmtPrepareWithOnlyColumnsSkipsTheParameterGroup() {
    ResponseTracker t = ResponseTracker.forCommand(CommandType.COM_STMT_PREPARE, CLASSIC);
    assertEquals(COMPLETE, feed(t, "00 02 00 00 00 02 00 00 00 00 00 00", COLUMN_DEF, COLUMN_DEF, EOF));
  }

  @Test
  void stmtPrepareErrorHasNoPrepareOk() {
    ResponseTracker t = ResponseTracker.forCommand(CommandType.COM_STMT_PREPARE, CLASSIC);
    assertEquals(COMPLETE, feed(t, ERR));
    assertTrue(t.isError());
    assertNull(t.prepareOk());
  }

  @Test
  void fieldListIsDefinitionsThenATerminatorEvenWithDeprecateEof() {
    ResponseTracker classic = ResponseTracker.forCommand(CommandType.COM_FIELD_LIST, CLASSIC);
    assertEquals(COMPLETE, feed(classic, COLUMN_DEF, COLUMN_DEF, EOF));
    assertEquals(2, classic.columnCount());
    ResponseTracker modern = ResponseTracker.forCommand(CommandType.COM_FIELD_LIST, DEPRECATE_EOF);
    assertEquals(COMPLETE, feed(modern, COLUMN_DEF, OK_FE));
    ResponseTracker missing = ResponseTracker.forCommand(CommandType.COM_FIELD_LIST, DEPRECATE_EOF);
    assertEquals(COMPLETE, feed(missing, ERR));
    assertTrue(missing.isError());
  }

  @Test
  void statisticsIsOneBareStringPacket() {
    ResponseTracker t = ResponseTracker.forCommand(CommandType.COM_STATISTICS, CLASSIC);
    assertEquals(COMPLETE, feed(t, ascii("Uptime: 5  Threads: 1  Questions: 2")));
    assertFalse(t.isError());
    assertNull(t.lastOk());
  }

  @Test
  void simpleCommandsCompleteOnOkOrErr() {
    for (CommandType type : List.of(CommandType.COM_PING, CommandType.COM_INIT_DB, CommandType.COM_RESET_CONNECTION,
        CommandType.COM_STMT_RESET, CommandType.COM_REFRESH)) {
      assertEquals(COMPLETE, feed(ResponseTracker.forCommand(type, CLASSIC), OK), type.name());
      ResponseTracker failed = ResponseTracker.forCommand(type, CLASSIC);
      assertEquals(COMPLETE, feed(failed, ERR), type.name());
      assertTrue(failed.isError());
    }
  }

  @Test
  void setOptionIsAnsweredByEofOrByOkWithEofHeader() {
    ResponseTracker classic = ResponseTracker.forCommand(CommandType.COM_SET_OPTION, CLASSIC);
    assertEquals(COMPLETE, feed(classic, EOF));
    assertEquals(2, classic.lastStatusFlags());
    ResponseTracker modern = ResponseTracker.forCommand(CommandType.COM_SET_OPTION, DEPRECATE_EOF);
    assertEquals(COMPLETE, feed(modern, OK_FE));
    assertNotNull(modern.lastOk());
  }

  @Test
  void commandsWithoutResponseAreCompleteBeforeAnyPacket() {
    for (CommandType type : List.of(CommandType.COM_STMT_CLOSE, CommandType.COM_STMT_SEND_LONG_DATA,
        CommandType.COM_QUIT)) {
      ResponseTracker t = ResponseTracker.forCommand(type, CLASSIC);
      assertTrue(t.isComplete(), type.name());
      assertThrows(IllegalStateException.class, () -> t.onPacket(packet(OK)));
    }
  }

  @Test
  void changeUserAndReplicationStreamsCannotBeTracked() {
    assertThrows(IllegalArgumentException.class,
        () -> ResponseTracker.forCommand(CommandType.COM_CHANGE_USER, CLASSIC));
    assertThrows(IllegalArgumentException.class,
        () -> ResponseTracker.forCommand(CommandType.COM_BINLOG_DUMP_GTID, CLASSIC));
  }

  @Test
  void packetAfterCompletionIsRejected() {
    ResponseTracker t = query(CLASSIC);
    feed(t, OK);
    assertThrows(IllegalStateException.class, () -> t.onPacket(packet(OK)));
  }

  @Test
  void finalOkExposesSessionStateForTheSession() {
    ResponseTracker t = query(TRACKING);
    String gtid = "3e11fa47-71ca-11e1-9e33-c80aa9429562:7";
    assertEquals(COMPLETE, feed(t,
        "00 01 00" + "03 40" + "00 00"             // OK, 1 row; IN_TRANS | AUTOCOMMIT | SESSION_STATE_CHANGED
            + "00"                                 // info ""
            + "2a"                                 // state info 42 bytes
            + "03 28 00 26" + ascii(gtid)));       // GTIDS: 40 bytes = spec 0 + lenenc 38-char set
    assertEquals(gtid, t.lastOk().trackedGtids());
    assertTrue(ServerStatus.inTransaction(t.lastStatusFlags()));
  }

  @Test
  void optionalMetadataNoneSkipsColumnDefinitions() {
    Capabilities caps = DEPRECATE_EOF.with(Capabilities.CLIENT_OPTIONAL_RESULTSET_METADATA);
    ResponseTracker t = query(caps);
    assertEquals(COMPLETE, feed(t, "01 00", TEXT_ROW, OK_FE)); // 1 column, RESULTSET_METADATA_NONE
    assertEquals(1, t.rowCount());
  }

  @Test
  void unexpectedPacketWhereAnEofIsRequiredIsMalformed() {
    ResponseTracker t = query(CLASSIC);
    feed(t, "01", COLUMN_DEF);
    assertThrows(ProtocolException.class, () -> t.onPacket(packet(TEXT_ROW)));
  }
}
