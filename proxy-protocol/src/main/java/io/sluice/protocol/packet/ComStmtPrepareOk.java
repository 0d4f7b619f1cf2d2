package io.sluice.protocol.packet;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.wire.Wire;

/**
 * COM_STMT_PREPARE_OK, the first packet of a successful prepare. {@code numParams} parameter
 * definitions follow, then {@code numColumns} column definitions, each group ended by an EOF
 * packet unless CLIENT_DEPRECATE_EOF (and only when the group is not empty).
 *
 * <pre>
 * int&lt;1&gt;  0x00 status
 * int&lt;4&gt;  statement id
 * int&lt;2&gt;  number of columns
 * int&lt;2&gt;  number of parameters
 * int&lt;1&gt;  reserved, 0x00
 * int&lt;2&gt;  warning count
 * int&lt;1&gt;  metadata follows (only with CLIENT_OPTIONAL_RESULTSET_METADATA; ignored here)
 * </pre>
 *
 * The proxy rewrites {@code statementId}: a client sees Sluice's own ids, each backend its own.
 */
public record ComStmtPrepareOk(long statementId, int numColumns, int numParams, int warnings) {
  public static final int HEADER = 0x00;
  public static final int LENGTH = 12;

  public static boolean isPrepareOk(ByteBuf payload) {
    return payload.readableBytes() >= LENGTH && payload.getUnsignedByte(payload.readerIndex()) == HEADER;
  }

  public static ComStmtPrepareOk decode(ByteBuf payload) {
    Payloads.expectHeader(payload, HEADER, "COM_STMT_PREPARE_OK");
    long id = Wire.readInt4(payload);
    int columns = Wire.readInt2(payload);
    int params = Wire.readInt2(payload);
    Wire.skip(payload, 1);
    // 4.1-era servers ended the packet after the reserved byte.
    int warnings = payload.readableBytes() >= 2 ? Wire.readInt2(payload) : 0;
    payload.skipBytes(payload.readableBytes());
    return new ComStmtPrepareOk(id, columns, params, warnings);
  }

  public void encode(ByteBuf out) {
    Wire.writeInt1(out, HEADER);
    Wire.writeInt4(out, statementId);
    Wire.writeInt2(out, numColumns);
    Wire.writeInt2(out, numParams);
    Wire.writeInt1(out, 0);
    Wire.writeInt2(out, warnings);
  }

  /** Rewrites the statement id of an encoded COM_STMT_PREPARE_OK in place (offset 1). */
  public static void rewriteStatementId(ByteBuf payload, long newId) {
    Payloads.rewriteStatementId(payload, newId);
  }
}
