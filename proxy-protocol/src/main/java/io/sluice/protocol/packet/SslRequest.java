package io.sluice.protocol.packet;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.Capabilities;
import io.sluice.protocol.wire.Wire;
import java.util.Objects;

/**
 * Protocol::SSLRequest: the first 32 bytes of a HandshakeResponse41, sent in clear text with
 * CLIENT_SSL set; TLS starts right after it and the full HandshakeResponse41 follows inside TLS
 * (with the next sequence id).
 *
 * <pre>
 * int&lt;4&gt;  capability flags (CLIENT_SSL set)
 * int&lt;4&gt;  max packet size
 * int&lt;1&gt;  character set
 * string[23] filler, zeros
 * </pre>
 */
public record SslRequest(Capabilities capabilities, int maxPacketSize, int characterSet) {
  public static final int LENGTH = 32;

  public SslRequest {
    Objects.requireNonNull(capabilities, "capabilities");
  }

  /** A 32-byte payload with CLIENT_SSL: the client wants TLS before sending credentials. */
  public static boolean isSslRequest(ByteBuf payload) {
    return payload.readableBytes() == LENGTH
        && (payload.getUnsignedIntLE(payload.readerIndex()) & Capabilities.CLIENT_SSL) != 0;
  }

  public static SslRequest decode(ByteBuf payload) {
    Capabilities caps = Capabilities.of(Wire.readInt4(payload));
    int maxPacket = (int) Wire.readInt4(payload);
    int charset = Wire.readInt1(payload);
    Wire.skip(payload, 23);
    return new SslRequest(caps, maxPacket, charset);
  }

  public void encode(ByteBuf out) {
    Wire.writeInt4(out, capabilities.value());
    Wire.writeInt4(out, maxPacketSize);
    Wire.writeInt1(out, characterSet);
    Wire.writeZeros(out, 23);
  }
}
