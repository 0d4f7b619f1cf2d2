package io.sluice.protocol.packet;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.Capabilities;
import io.sluice.protocol.wire.Wire;

/**
 * EOF_Packet, used without CLIENT_DEPRECATE_EOF after column definitions and after the rows.
 *
 * <pre>
 * int&lt;1&gt;  0xFE
 * int&lt;2&gt;  warnings      (if CLIENT_PROTOCOL_41)
 * int&lt;2&gt;  status flags  (if CLIENT_PROTOCOL_41)
 * </pre>
 */
public record EofPacket(int warnings, int statusFlags) {
  public static final int HEADER = 0xFE;
  private static final Capabilities PROTOCOL_41 = Capabilities.of(Capabilities.CLIENT_PROTOCOL_41);

  /**
   * 0xFE and shorter than 9 bytes. The length check matters: a length-encoded integer can also
   * start with 0xFE (8-byte form), and such a packet is always 9 bytes or more.
   */
  public static boolean isEof(ByteBuf payload) {
    return payload.isReadable() && payload.readableBytes() < 9
        && payload.getUnsignedByte(payload.readerIndex()) == HEADER;
  }

  public static EofPacket decode(ByteBuf payload) {
    return decode(payload, PROTOCOL_41);
  }

  public static EofPacket decode(ByteBuf payload, Capabilities caps) {
    Payloads.expectHeader(payload, HEADER, "EOF packet");
    // 4.1 servers sent a 1-byte EOF after the metadata of COM_STMT_PREPARE: tolerate it.
    if (caps.protocol41() && payload.readableBytes() >= 4) {
      int warnings = Wire.readInt2(payload);
      int status = Wire.readInt2(payload);
      return new EofPacket(warnings, status);
    }
    return new EofPacket(0, 0);
  }

  public void encode(ByteBuf out) {
    encode(out, PROTOCOL_41);
  }

  public void encode(ByteBuf out, Capabilities caps) {
    Wire.writeInt1(out, HEADER);
    if (caps.protocol41()) {
      Wire.writeInt2(out, warnings);
      Wire.writeInt2(out, statusFlags);
    }
  }
}
