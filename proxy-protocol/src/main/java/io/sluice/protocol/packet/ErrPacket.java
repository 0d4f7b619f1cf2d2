package io.sluice.protocol.packet;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.Capabilities;
import io.sluice.protocol.error.SqlError;
import io.sluice.protocol.wire.Wire;
import java.util.Objects;

/**
 * ERR_Packet.
 *
 * <pre>
 * int&lt;1&gt;       0xFF
 * int&lt;2&gt;       error code
 * string[1]    '#' SQL state marker   (if CLIENT_PROTOCOL_41)
 * string[5]    SQL state              (if CLIENT_PROTOCOL_41)
 * string&lt;EOF&gt; message
 * </pre>
 *
 * Quirk: an ERR sent before the handshake is finished (e.g. "Too many connections" in place of
 * the greeting, or "Host is blocked") has no '#' marker even from 4.1+ servers, so decode
 * reads a state only when the marker is there and otherwise reports HY000.
 */
public record ErrPacket(int errorCode, String sqlState, String message) {
  public static final int HEADER = 0xFF;
  private static final Capabilities PROTOCOL_41 = Capabilities.of(Capabilities.CLIENT_PROTOCOL_41);

  public ErrPacket {
    Objects.requireNonNull(sqlState, "sqlState");
    Objects.requireNonNull(message, "message");
  }

  public static boolean isErr(ByteBuf payload) {
    return payload.isReadable() && payload.getUnsignedByte(payload.readerIndex()) == HEADER;
  }

  public static ErrPacket decode(ByteBuf payload) {
    return decode(payload, PROTOCOL_41);
  }

  public static ErrPacket decode(ByteBuf payload, Capabilities caps) {
    Payloads.expectHeader(payload, HEADER, "ERR packet");
    int code = Wire.readInt2(payload);
    String state = "HY000";
    if (caps.protocol41() && payload.readableBytes() >= 6 && payload.getByte(payload.readerIndex()) == '#') {
      payload.skipBytes(1);
      state = Wire.readStringFix(payload, 5);
    }
    return new ErrPacket(code, state, Wire.readStringEof(payload));
  }

  public void encode(ByteBuf out) {
    encode(out, PROTOCOL_41);
  }

  public void encode(ByteBuf out, Capabilities caps) {
    Wire.writeInt1(out, HEADER);
    Wire.writeInt2(out, errorCode);
    if (caps.protocol41()) {
      out.writeByte('#');
      Wire.writeStringFix(out, sqlState);
    }
    Wire.writeStringEof(out, message);
  }

  public SqlError toSqlError() {
    return new SqlError(errorCode, sqlState.length() == 5 ? sqlState : "HY000", message);
  }
}
