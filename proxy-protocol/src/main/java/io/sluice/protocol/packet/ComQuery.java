package io.sluice.protocol.packet;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.CommandType;
import io.sluice.protocol.wire.Wire;
import java.nio.charset.Charset;
import java.util.Objects;

/**
 * COM_QUERY: a text-protocol statement (or several, with CLIENT_MULTI_STATEMENTS).
 *
 * <p>With CLIENT_QUERY_ATTRIBUTES a parameter count and a parameter block would precede the
 * text. Sluice never advertises that capability (to clients or backends), so the payload is
 * always the command byte followed by the SQL. The text is UTF-8 unless a charset is given.
 *
 * <pre>
 * int&lt;1&gt;       0x03 COM_QUERY
 * string&lt;EOF&gt; query
 * </pre>
 */
public record ComQuery(String query) {

  public ComQuery {
    Objects.requireNonNull(query, "query");
  }

  public static ComQuery decode(ByteBuf payload) {
    Payloads.expectCommand(payload, CommandType.COM_QUERY);
    return new ComQuery(Wire.readStringEof(payload));
  }

  public static ComQuery decode(ByteBuf payload, Charset charset) {
    Payloads.expectCommand(payload, CommandType.COM_QUERY);
    return new ComQuery(Wire.readStringEof(payload, charset));
  }

  public void encode(ByteBuf out) {
    Wire.writeInt1(out, CommandType.COM_QUERY.code());
    Wire.writeStringEof(out, query);
  }
}
