package io.sluice.protocol.packet;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.error.ProtocolException;

/**
 * COM_STMT_EXECUTE. The proxy never needs the parameter values, only the statement id (to
 * map it to the backend's id, rewritten in place) and the cursor flags (a cursor pins the
 * statement's backend until it is closed), so the payload is kept raw and read with these
 * helpers instead of being decoded into a record. Decoding the parameters would need the
 * parameter count from the prepare, which the packet itself does not carry.
 *
 * <pre>
 * int&lt;1&gt;  0x17 COM_STMT_EXECUTE
 * int&lt;4&gt;  statement id
 * int&lt;1&gt;  flags (cursor type)
 * int&lt;4&gt;  iteration count, always 1
 * ...     NULL bitmap, new-params-bound flag, types, values (binary protocol)
 * </pre>
 */
public final class ComStmtExecute {
  public static final int CURSOR_TYPE_NO_CURSOR = 0x00;
  public static final int CURSOR_TYPE_READ_ONLY = 0x01;
  public static final int CURSOR_TYPE_FOR_UPDATE = 0x02;
  public static final int CURSOR_TYPE_SCROLLABLE = 0x04;
  /** MySQL 8.0.26+: a parameter count is sent (with CLIENT_QUERY_ATTRIBUTES). */
  public static final int PARAMETER_COUNT_AVAILABLE = 0x08;
  private static final int MIN_LENGTH = 10;

  private ComStmtExecute() {}

  public static long statementId(ByteBuf payload) {
    return Payloads.statementId(payload);
  }

  /** Overwrites the statement id in place; the reader index does not move. */
  public static void rewriteStatementId(ByteBuf payload, long newId) {
    Payloads.rewriteStatementId(payload, newId);
  }

  /** The flags byte: cursor type bits (CURSOR_TYPE_*). */
  public static int flags(ByteBuf payload) {
    requireHeader(payload);
    return payload.getUnsignedByte(payload.readerIndex() + 5);
  }

  /** True when the client asks for a server-side cursor (rows come with COM_STMT_FETCH). */
  public static boolean opensCursor(ByteBuf payload) {
    return (flags(payload) & (CURSOR_TYPE_READ_ONLY | CURSOR_TYPE_FOR_UPDATE | CURSOR_TYPE_SCROLLABLE)) != 0;
  }

  public static long iterationCount(ByteBuf payload) {
    requireHeader(payload);
    return payload.getUnsignedIntLE(payload.readerIndex() + 6);
  }

  private static void requireHeader(ByteBuf payload) {
    if (payload.readableBytes() < MIN_LENGTH) {
      throw ProtocolException.malformed("COM_STMT_EXECUTE shorter than " + MIN_LENGTH + " bytes");
    }
  }
}
