package io.sluice.protocol.packet;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.CommandType;
import io.sluice.protocol.wire.Wire;

/**
 * COM_STMT_FETCH: read rows from a cursor opened by COM_STMT_EXECUTE. Answered by up to
 * {@code numRows} binary rows and an EOF (OK with 0xFE header under CLIENT_DEPRECATE_EOF) whose
 * status has SERVER_STATUS_CURSOR_EXISTS, plus SERVER_STATUS_LAST_ROW_SENT when exhausted; or ERR.
 *
 * <pre>
 * int&lt;1&gt; 0x1c COM_STMT_FETCH
 * int&lt;4&gt; statement id
 * int&lt;4&gt; number of rows
 * </pre>
 */
public record ComStmtFetch(long statementId, long numRows) {

  public static ComStmtFetch decode(ByteBuf payload) {
    Payloads.expectCommand(payload, CommandType.COM_STMT_FETCH);
    return new ComStmtFetch(Wire.readInt4(payload), Wire.readInt4(payload));
  }

  public void encode(ByteBuf out) {
    Wire.writeInt1(out, CommandType.COM_STMT_FETCH.code());
    Wire.writeInt4(out, statementId);
    Wire.writeInt4(out, numRows);
  }

  public static long statementId(ByteBuf payload) {
    return Payloads.statementId(payload);
  }

  /** Overwrites the statement id in place; the reader index does not move. */
  public static void rewriteStatementId(ByteBuf payload, long newId) {
    Payloads.rewriteStatementId(payload, newId);
  }
}
