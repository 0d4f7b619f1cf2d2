package io.sluice.protocol.packet;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.CommandType;
import io.sluice.protocol.wire.Wire;

/**
 * COM_STMT_RESET: discard long data sent for the statement and close its cursor. Answered by OK or ERR.
 *
 * <pre>
 * int&lt;1&gt; 0x1a COM_STMT_RESET
 * int&lt;4&gt; statement id
 * </pre>
 */
public record ComStmtReset(long statementId) {

  public static ComStmtReset decode(ByteBuf payload) {
    Payloads.expectCommand(payload, CommandType.COM_STMT_RESET);
    return new ComStmtReset(Wire.readInt4(payload));
  }

  public void encode(ByteBuf out) {
    Wire.writeInt1(out, CommandType.COM_STMT_RESET.code());
    Wire.writeInt4(out, statementId);
  }

  public static long statementId(ByteBuf payload) {
    return Payloads.statementId(payload);
  }

  /** Overwrites the statement id in place; the reader index does not move. */
  public static void rewriteStatementId(ByteBuf payload, long newId) {
    Payloads.rewriteStatementId(payload, newId);
  }
}
