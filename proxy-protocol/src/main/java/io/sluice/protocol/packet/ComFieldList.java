package io.sluice.protocol.packet;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.CommandType;
import io.sluice.protocol.wire.Wire;
import java.util.Objects;

/**
 * COM_FIELD_LIST (deprecated since 5.7.11, still sent by old clients for tab completion):
 * the column definitions of a table, ended by EOF (an OK with 0xFE header under
 * CLIENT_DEPRECATE_EOF), or ERR.
 *
 * <pre>
 * int&lt;1&gt;       0x04 COM_FIELD_LIST
 * string&lt;NUL&gt; table
 * string&lt;EOF&gt; field wildcard
 * </pre>
 */
public record ComFieldList(String table, String wildcard) {

  public ComFieldList {
    Objects.requireNonNull(table, "table");
    wildcard = wildcard == null ? "" : wildcard;
  }

  public static ComFieldList decode(ByteBuf payload) {
    Payloads.expectCommand(payload, CommandType.COM_FIELD_LIST);
    String table = Wire.readStringNul(payload);
    return new ComFieldList(table, Wire.readStringEof(payload));
  }

  public void encode(ByteBuf out) {
    Wire.writeInt1(out, CommandType.COM_FIELD_LIST.code());
    Wire.writeStringNul(out, table);
    Wire.writeStringEof(out, wildcard);
  }
}
