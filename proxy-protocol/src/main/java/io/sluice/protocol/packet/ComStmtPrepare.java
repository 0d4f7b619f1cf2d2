package io.sluice.protocol.packet;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.CommandType;
import io.sluice.protocol.wire.Wire;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * COM_STMT_PREPARE: prepare a statement; answered by {@link ComStmtPrepareOk} followed by the
 * parameter and column definitions, or by ERR.
 *
 * <pre>
 * int&lt;1&gt;       0x16 COM_STMT_PREPARE
 * string&lt;EOF&gt; query
 * </pre>
 */
public record ComStmtPrepare(String query) {

  public ComStmtPrepare {
    Objects.requireNonNull(query, "query");
  }

  public static ComStmtPrepare decode(ByteBuf payload) {
    Payloads.expectCommand(payload, CommandType.COM_STMT_PREPARE);
    return new ComStmtPrepare(Wire.readStringEof(payload));
  }

  /** Decodes the query with {@code charset}; ISO-8859-1 keeps the client's bytes exactly, one char per byte. */
  public static ComStmtPrepare decode(ByteBuf payload, Charset charset) {
    Payloads.expectCommand(payload, CommandType.COM_STMT_PREPARE);
    return new ComStmtPrepare(Wire.readStringEof(payload, charset));
  }

  public void encode(ByteBuf out) {
    encode(out, StandardCharsets.UTF_8);
  }

  /** Encodes the query with {@code charset}: ISO-8859-1 for a query decoded byte for byte. */
  public void encode(ByteBuf out, Charset charset) {
    Wire.writeInt1(out, CommandType.COM_STMT_PREPARE.code());
    Wire.writeStringEof(out, query, charset);
  }
}
