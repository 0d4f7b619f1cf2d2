package io.sluice.protocol.packet;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.CommandType;
import io.sluice.protocol.wire.Wire;
import java.util.Objects;

/**
 * COM_STMT_SEND_LONG_DATA: a chunk of a parameter value, sent before COM_STMT_EXECUTE. The
 * server sends <em>no response</em> (errors surface at execute). The proxy normally forwards
 * the raw payload after {@link #rewriteStatementId}; the record is for building and tests.
 *
 * <pre>
 * int&lt;1&gt;       0x18 COM_STMT_SEND_LONG_DATA
 * int&lt;4&gt;       statement id
 * int&lt;2&gt;       parameter id (0-based)
 * binary&lt;EOF&gt; data
 * </pre>
 */
public record ComStmtSendLongData(long statementId, int paramId, byte[] data) {

  public ComStmtSendLongData {
    Objects.requireNonNull(data, "data");
  }

  public static ComStmtSendLongData decode(ByteBuf payload) {
    Payloads.expectCommand(payload, CommandType.COM_STMT_SEND_LONG_DATA);
    long id = Wire.readInt4(payload);
    int param = Wire.readInt2(payload);
    return new ComStmtSendLongData(id, param, Wire.readBytesEof(payload));
  }

  public void encode(ByteBuf out) {
    Wire.writeInt1(out, CommandType.COM_STMT_SEND_LONG_DATA.code());
    Wire.writeInt4(out, statementId);
    Wire.writeInt2(out, paramId);
    out.writeBytes(data);
  }

  public static long statementId(ByteBuf payload) {
    return Payloads.statementId(payload);
  }

  /** Overwrites the statement id in place; the reader index does not move. */
  public static void rewriteStatementId(ByteBuf payload, long newId) {
    Payloads.rewriteStatementId(payload, newId);
  }
}
