package io.sluice.protocol.packet;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.CommandType;
import io.sluice.protocol.wire.Wire;
import java.util.Objects;

/**
 * COM_INIT_DB: change the default schema (what drivers' setCatalog and the mysql client's
 * USE send). Answered by OK or ERR.
 *
 * <pre>
 * int&lt;1&gt;       0x02 COM_INIT_DB
 * string&lt;EOF&gt; schema
 * </pre>
 */
public record ComInitDb(String schema) {

  public ComInitDb {
    Objects.requireNonNull(schema, "schema");
  }

  public static ComInitDb decode(ByteBuf payload) {
    Payloads.expectCommand(payload, CommandType.COM_INIT_DB);
    return new ComInitDb(Wire.readStringEof(payload));
  }

  public void encode(ByteBuf out) {
    Wire.writeInt1(out, CommandType.COM_INIT_DB.code());
    Wire.writeStringEof(out, schema);
  }
}
