package io.sluice.protocol.response;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.Capabilities;
import io.sluice.protocol.CommandType;
import io.sluice.protocol.ServerStatus;
import io.sluice.protocol.error.ProtocolException;
import io.sluice.protocol.packet.ColumnCount;
import io.sluice.protocol.packet.ComStmtPrepareOk;
import io.sluice.protocol.packet.EofPacket;
import io.sluice.protocol.packet.ErrPacket;
import io.sluice.protocol.packet.OkPacket;
import io.sluice.protocol.wire.Packet;
import io.sluice.protocol.wire.PacketRun;
import java.util.Objects;

/**
 * Follows the backend packets that answer one command, so the proxy knows when the response
 * is complete (and the backend connection can be released) and what the final status flags,
 * OK packet or error were. It only peeks at packets: it never moves a reader index, retains or
 * releases anything, so the same packet can be forwarded untouched.
 *
 * <pre>
 * COM_QUERY, COM_STMT_EXECUTE, COM_PROCESS_INFO:
 *
 *   RESULT_START --OK(more results)--> RESULT_START
 *        |  |  \--OK / ERR--> COMPLETE
 *        |  \--0xFB--> LOCAL_INFILE_UPLOAD --onLocalInfileSent()--> RESULT_START
 *        \--column count--> COLUMN_DEFINITIONS (n packets)
 *                               |
 *            +-- DEPRECATE_EOF -+- otherwise --> COLUMN_DEFINITIONS_EOF
 *            v                                       |  \--EOF with CURSOR_EXISTS (execute)--> COMPLETE
 *          ROWS <------------------------------------+
 *            |--row--> ROWS
 *            |--ERR--> COMPLETE
 *            \--EOF / OK(0xFE)--> RESULT_START if SERVER_MORE_RESULTS_EXISTS, else COMPLETE
 *
 * COM_STMT_PREPARE:
 *   PREPARE_START --ERR--> COMPLETE
 *        \--PREPARE_OK--> PARAM_DEFINITIONS [PARAM_DEFINITIONS_EOF]
 *                         PREPARED_COLUMN_DEFINITIONS [PREPARED_COLUMN_DEFINITIONS_EOF] --> COMPLETE
 *   (each group only if its count is non-zero; the EOFs only without DEPRECATE_EOF)
 *
 * COM_STMT_FETCH:   ROWS --EOF / OK(0xFE) / ERR--> COMPLETE
 * COM_FIELD_LIST:   FIELD_LIST --column definition--> FIELD_LIST; --EOF / OK(0xFE) / ERR--> COMPLETE
 * COM_STATISTICS:   STATISTICS --any one packet (a bare string, not an OK)--> COMPLETE
 * COM_PING, COM_INIT_DB, COM_RESET_CONNECTION, COM_STMT_RESET, COM_SET_OPTION, ...:
 *                   OK_OR_EOF --OK / EOF / ERR--> COMPLETE   (COM_SET_OPTION answers with EOF)
 * COM_STMT_CLOSE, COM_STMT_SEND_LONG_DATA, COM_QUIT: COMPLETE from the start (no response)
 * </pre>
 *
 * <p>Protocol quirks handled here:
 * <ul>
 *   <li>The 0xFE ambiguity: in the rows, a packet starting with 0xFE is the terminator (EOF, or
 *       OK with 0xFE header under CLIENT_DEPRECATE_EOF) only if it is shorter than 0xFFFFFF
 *       bytes. A text row can start with 0xFE (a first value of 2^24 bytes or more, whose
 *       length prefix is 0xFE), but is then necessarily longer (Vitess uses the same rule).
 *       Binary rows always start with 0x00.</li>
 *   <li>Cursors: COM_STMT_EXECUTE with a cursor flag sends the column definitions and then a
 *       single EOF (an OK with 0xFE header under CLIENT_DEPRECATE_EOF; mysqld sends it
 *       explicitly after metadata sent without its own EOF) whose status has
 *       SERVER_STATUS_CURSOR_EXISTS, and <em>no rows</em>: the rows come with COM_STMT_FETCH.
 *       Without DEPRECATE_EOF that is the EOF after the column definitions, so it completes
 *       the response; with DEPRECATE_EOF it is the terminator read in ROWS. Either way
 *       {@link #cursorOpened()} says so.</li>
 *   <li>ERR can end a response at any point, including in the middle of the rows (e.g. a
 *       query killed while streaming). It also ends a multi-statement response: mysqld stops
 *       at the first failing statement.</li>
 *   <li>An empty-packet LOCAL INFILE reply from the client (refusal) is the same as an
 *       uploaded file: the server then answers OK or ERR.</li>
 * </ul>
 */
public final class ResponseTracker {

  /** What the proxy should do after a packet. */
  public enum Outcome {
    /** More packets belong to this response. */
    CONTINUE,
    /** This packet was the last of the response. */
    COMPLETE,
    /**
     * The server asked for a LOAD DATA LOCAL file (0xFB packet): forward it to the client,
     * relay the client's file packets to the backend up to and including the empty one, then
     * call {@link #onLocalInfileSent()}.
     */
    AWAIT_LOCAL_INFILE_DATA
  }

  /** Where in the response the tracker is; see the class diagram. */
  public enum State {
    RESULT_START,
    COLUMN_DEFINITIONS,
    COLUMN_DEFINITIONS_EOF,
    ROWS,
    LOCAL_INFILE_UPLOAD,
    PREPARE_START,
    PARAM_DEFINITIONS,
    PARAM_DEFINITIONS_EOF,
    PREPARED_COLUMN_DEFINITIONS,
    PREPARED_COLUMN_DEFINITIONS_EOF,
    FIELD_LIST,
    STATISTICS,
    OK_OR_EOF,
    COMPLETE
  }

  private final CommandType command;
  private final Capabilities negotiated;
  private State state;
  private long remainingDefinitions;
  private int preparedColumns;

  private int lastStatusFlags;
  private int warnings;
  private OkPacket lastOk;
  private ErrPacket error;
  private ComStmtPrepareOk prepareOk;
  private int resultSetCount;
  private long rowCount;
  private long columnCount;
  private boolean cursorOpened;
  /** The packet being looked at: its payload is the currentLength bytes of current at currentIndex. */
  private ByteBuf current;
  private int currentIndex;
  private int currentLength;

  private ResponseTracker(CommandType command, Capabilities negotiated, State initial) {
    this.command = command;
    this.negotiated = negotiated;
    this.state = initial;
  }

  /**
   * A tracker for the response to {@code type} on a connection that negotiated
   * {@code negotiated} (the capabilities in effect between the proxy and that backend).
   *
   * @throws IllegalArgumentException for COM_CHANGE_USER (an authentication exchange the caller
   *     must drive) and replication streams (COM_BINLOG_DUMP, COM_BINLOG_DUMP_GTID, COM_CLONE),
   *     which have no end a tracker could recognise
   */
  public static ResponseTracker forCommand(CommandType type, Capabilities negotiated) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(negotiated, "negotiated");
    State initial = switch (type) {
      case COM_QUERY, COM_STMT_EXECUTE, COM_PROCESS_INFO -> State.RESULT_START;
      case COM_STMT_PREPARE -> State.PREPARE_START;
      case COM_STMT_FETCH -> State.ROWS;
      case COM_FIELD_LIST -> State.FIELD_LIST;
      case COM_STATISTICS -> State.STATISTICS;
      case COM_STMT_CLOSE, COM_STMT_SEND_LONG_DATA, COM_QUIT -> State.COMPLETE;
      // mysqld answers the internal and obsolete commands (SLEEP, CONNECT, TIME, ...) with
      // ER_UNKNOWN_COM_ERROR, so they are OK-or-ERR commands too.
      case COM_PING, COM_INIT_DB, COM_RESET_CONNECTION, COM_SET_OPTION, COM_STMT_RESET, COM_REFRESH,
          COM_DEBUG, COM_PROCESS_KILL, COM_CREATE_DB, COM_DROP_DB, COM_SHUTDOWN, COM_REGISTER_SLAVE,
          COM_SLEEP, COM_CONNECT, COM_TIME, COM_DELAYED_INSERT, COM_TABLE_DUMP, COM_CONNECT_OUT,
          COM_DAEMON -> State.OK_OR_EOF;
      case COM_CHANGE_USER, COM_BINLOG_DUMP, COM_BINLOG_DUMP_GTID, COM_CLONE ->
          throw new IllegalArgumentException(type + " has no response a ResponseTracker can follow");
    };
    return new ResponseTracker(type, negotiated, initial);
  }

  /** Advances over one backend packet. Does not consume, retain or release it. */
  public Outcome onPacket(Packet packet) {
    ByteBuf payload = packet.payload();
    return onPayload(payload, payload.readerIndex(), payload.readableBytes());
  }

  /** Advances over the frame at {@code frame} of {@code run}. Does not consume, retain or release it. */
  public Outcome onFrame(PacketRun run, int frame) {
    return onPayload(run.frames(), frame + Packet.FRAME_HEADER, run.payloadLength(frame));
  }

  /** Advances over the packet whose payload is the {@code length} bytes of {@code buf} at {@code index}. */
  private Outcome onPayload(ByteBuf buf, int index, int length) {
    if (state == State.COMPLETE) {
      throw new IllegalStateException("the response to " + command + " is already complete; unexpected packet of "
          + length + " bytes");
    }
    if (length == 0) {
      throw ProtocolException.malformed("empty packet in the response to " + command + " (state " + state + ")");
    }
    current = buf;
    currentIndex = index;
    currentLength = length;
    try {
      return advance(buf.getUnsignedByte(index), length);
    } finally {
      current = null;
    }
  }

  /**
   * The current packet's payload for a decoder: a view of its bytes, made only for the packets
   * that are decoded (most, rows and column definitions, are not).
   */
  private ByteBuf payload() {
    return current.slice(currentIndex, currentLength);
  }

  private Outcome advance(int first, int length) {
    if (first == ErrPacket.HEADER) {
      error = ErrPacket.decode(payload(), negotiated);
      return complete();
    }
    return switch (state) {
      case RESULT_START -> onResultStart(first);
      case COLUMN_DEFINITIONS -> {
        if (--remainingDefinitions == 0) {
          state = negotiated.deprecatesEof() ? State.ROWS : State.COLUMN_DEFINITIONS_EOF;
        }
        yield Outcome.CONTINUE;
      }
      case COLUMN_DEFINITIONS_EOF -> {
        EofPacket eof = requireEof(first);
        status(eof.statusFlags(), eof.warnings());
        if (command == CommandType.COM_STMT_EXECUTE && ServerStatus.cursorExists(eof.statusFlags())) {
          cursorOpened = true;
          yield complete();
        }
        state = State.ROWS;
        yield Outcome.CONTINUE;
      }
      case ROWS -> onRow(first, length);
      case LOCAL_INFILE_UPLOAD -> throw ProtocolException.malformed(
          "backend sent a packet while the LOCAL INFILE data was still being uploaded");
      case PREPARE_START -> onPrepareOk(first);
      case PARAM_DEFINITIONS -> {
        if (--remainingDefinitions == 0) {
          if (negotiated.deprecatesEof()) {
            yield afterParamDefinitions();
          }
          state = State.PARAM_DEFINITIONS_EOF;
        }
        yield Outcome.CONTINUE;
      }
      case PARAM_DEFINITIONS_EOF -> {
        EofPacket eof = requireEof(first);
        status(eof.statusFlags(), eof.warnings());
        yield afterParamDefinitions();
      }
      case PREPARED_COLUMN_DEFINITIONS -> {
        if (--remainingDefinitions == 0) {
          if (negotiated.deprecatesEof()) {
            yield complete();
          }
          state = State.PREPARED_COLUMN_DEFINITIONS_EOF;
        }
        yield Outcome.CONTINUE;
      }
      case PREPARED_COLUMN_DEFINITIONS_EOF -> {
        EofPacket eof = requireEof(first);
        status(eof.statusFlags(), eof.warnings());
        yield complete();
      }
      case FIELD_LIST -> {
        if (isTerminator(first, length)) {
          terminator();
          yield complete();
        }
        columnCount++;
        yield Outcome.CONTINUE;
      }
      case STATISTICS -> complete();
      case OK_OR_EOF -> {
        if (first == OkPacket.HEADER) {
          ok(OkPacket.decode(payload(), negotiated));
        } else if (first == EofPacket.HEADER) {
          terminator();
        } else {
          throw ProtocolException.malformed(String.format(
              "expected OK, EOF or ERR in the response to %s, got 0x%02x", command, first));
        }
        yield complete();
      }
      case COMPLETE -> throw new IllegalStateException("unreachable");
    };
  }

  /** The client finished sending the LOAD DATA LOCAL file (its empty packet was forwarded). */
  public void onLocalInfileSent() {
    if (state != State.LOCAL_INFILE_UPLOAD) {
      throw new IllegalStateException("no LOCAL INFILE upload in progress (state " + state + ")");
    }
    // The server now answers OK or ERR, which may announce more results (multi-statements).
    state = State.RESULT_START;
  }

  private Outcome onResultStart(int first) {
    if (first == OkPacket.HEADER) {
      OkPacket ok = OkPacket.decode(payload(), negotiated);
      ok(ok);
      return ServerStatus.moreResultsExist(ok.statusFlags()) ? Outcome.CONTINUE : complete();
    }
    if (first == 0xFB) {
      if (command != CommandType.COM_QUERY) {
        throw ProtocolException.malformed("LOCAL INFILE request in the response to " + command);
      }
      state = State.LOCAL_INFILE_UPLOAD;
      return Outcome.AWAIT_LOCAL_INFILE_DATA;
    }
    ColumnCount count = ColumnCount.decode(payload(), negotiated);
    resultSetCount++;
    columnCount = count.columnCount();
    if (count.metadataFollows()) {
      remainingDefinitions = count.columnCount();
      state = State.COLUMN_DEFINITIONS;
    } else {
      state = negotiated.deprecatesEof() ? State.ROWS : State.COLUMN_DEFINITIONS_EOF;
    }
    return Outcome.CONTINUE;
  }

  private Outcome onRow(int first, int length) {
    if (!isTerminator(first, length)) {
      rowCount++;
      return Outcome.CONTINUE;
    }
    terminator();
    if (command == CommandType.COM_STMT_EXECUTE && ServerStatus.cursorExists(lastStatusFlags)) {
      cursorOpened = true;
    }
    if (command != CommandType.COM_STMT_FETCH && ServerStatus.moreResultsExist(lastStatusFlags)) {
      state = State.RESULT_START;
      return Outcome.CONTINUE;
    }
    return complete();
  }

  private Outcome onPrepareOk(int first) {
    if (first != ComStmtPrepareOk.HEADER) {
      throw ProtocolException.malformed(String.format("expected COM_STMT_PREPARE_OK or ERR, got 0x%02x", first));
    }
    ByteBuf payload = payload();
    boolean metadataFollows = true;
    if (negotiated.optionalResultsetMetadata() && payload.readableBytes() > ComStmtPrepareOk.LENGTH) {
      // The 13th byte is resultset_metadata: 0 = NONE, no definitions follow at all.
      metadataFollows = payload.getUnsignedByte(payload.readerIndex() + ComStmtPrepareOk.LENGTH) != 0;
    }
    prepareOk = ComStmtPrepareOk.decode(payload);
    warnings = prepareOk.warnings();
    preparedColumns = prepareOk.numColumns();
    if (!metadataFollows) {
      return complete();
    }
    if (prepareOk.numParams() > 0) {
      remainingDefinitions = prepareOk.numParams();
      state = State.PARAM_DEFINITIONS;
      return Outcome.CONTINUE;
    }
    return afterParamDefinitions();
  }

  private Outcome afterParamDefinitions() {
    if (preparedColumns > 0) {
      remainingDefinitions = preparedColumns;
      state = State.PREPARED_COLUMN_DEFINITIONS;
      return Outcome.CONTINUE;
    }
    return complete();
  }

  /** EOF, or OK with 0xFE header under DEPRECATE_EOF; the length rule settles the 0xFE ambiguity. */
  private static boolean isTerminator(int first, int length) {
    return first == EofPacket.HEADER && length < Packet.MAX_FRAME_PAYLOAD;
  }

  private void terminator() {
    ByteBuf payload = payload();
    // Under DEPRECATE_EOF the terminator is an OK packet (at least 7 bytes); a 5-byte packet
    // is a classic EOF whatever was negotiated, so decode by length rather than trust the flag.
    if (negotiated.deprecatesEof() && payload.readableBytes() > 5) {
      ok(OkPacket.decode(payload, negotiated));
    } else {
      EofPacket eof = EofPacket.decode(payload, negotiated);
      status(eof.statusFlags(), eof.warnings());
    }
  }

  /** The current packet as the EOF it must be. */
  private EofPacket requireEof(int first) {
    ByteBuf payload = payload();
    if (!EofPacket.isEof(payload)) {
      throw ProtocolException.malformed(String.format("expected EOF in state %s of the response to %s, got 0x%02x",
          state, command, first));
    }
    return EofPacket.decode(payload, negotiated);
  }

  private void ok(OkPacket ok) {
    lastOk = ok;
    status(ok.statusFlags(), ok.warnings());
  }

  private void status(int statusFlags, int warningCount) {
    lastStatusFlags = statusFlags;
    warnings = warningCount;
  }

  private Outcome complete() {
    state = State.COMPLETE;
    return Outcome.COMPLETE;
  }

  public CommandType command() {
    return command;
  }

  public State state() {
    return state;
  }

  public boolean isComplete() {
    return state == State.COMPLETE;
  }

  /** True when the response ended with ERR (see {@link #error()}). */
  public boolean isError() {
    return error != null;
  }

  /** The ERR packet that ended the response, or null. */
  public ErrPacket error() {
    return error;
  }

  /**
   * Status flags of the last OK or EOF seen: after completion, the session's state (in
   * transaction, autocommit, ...). 0 if none was seen (an error, or a response without one).
   */
  public int lastStatusFlags() {
    return lastStatusFlags;
  }

  /** Warning count of the last OK/EOF (or of COM_STMT_PREPARE_OK). */
  public int warnings() {
    return warnings;
  }

  /**
   * The last OK packet, or null: the final OK of a statement without a result set, or the
   * 0xFE-headed OK ending a result set under DEPRECATE_EOF. Carries affected rows, last insert
   * id and session-state changes.
   */
  public OkPacket lastOk() {
    return lastOk;
  }

  /** The COM_STMT_PREPARE_OK of a successful prepare, or null. */
  public ComStmtPrepareOk prepareOk() {
    return prepareOk;
  }

  /** Result sets seen (0 for a plain OK). */
  public int resultSetCount() {
    return resultSetCount;
  }

  /** Rows seen, over all result sets. */
  public long rowCount() {
    return rowCount;
  }

  /** Columns of the last result set (or of a COM_FIELD_LIST response). */
  public long columnCount() {
    return columnCount;
  }

  /** COM_STMT_EXECUTE opened a cursor: the statement's rows must be fetched from this backend. */
  public boolean cursorOpened() {
    return cursorOpened;
  }

  @Override
  public String toString() {
    return "ResponseTracker[" + command + " " + state + (error != null ? " error=" + error.errorCode() : "") + "]";
  }
}
