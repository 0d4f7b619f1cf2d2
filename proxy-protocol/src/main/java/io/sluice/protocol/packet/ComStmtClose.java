package io.sluice.protocol.packet;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.CommandType;
import io.sluice.protocol.wire.Wire;

/**
 * COM_STMT_CLOSE: deallocate a prepared statement. The server sends <em>no response</em>, so the proxy must not wait for one (and must not count on an error for an unknown id).
 *
 * <pre>
 * int&lt;1&gt; 0x19 COM_STMT_CLOSE
 * int&lt;4&gt; statement id
 * </pre>
 */
public record ComStmtClose(long statementId) {

  public static ComStmtClose decode(ByteBuf payload) {
    Payloads.expectCommand(payload, CommandType.COM_STMT_CLOSE);
    return new ComStmtClose(Wire.readInt4(payload));
  }

  public void encode(ByteBuf out) {
    Wire.writeInt1(out, CommandType.COM_STMT_CLOSE.code());
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
