package io.sluice.protocol.packet;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.wire.Wire;
import java.util.Objects;

/**
 * Protocol::AuthMoreData: extra plugin data during authentication. caching_sha2_password uses
 * it for the one-byte fast-auth result (0x03 success, 0x04 full authentication needed) and to
 * send the server's RSA public key (PEM).
 *
 * <pre>
 * int&lt;1&gt;       0x01
 * string&lt;EOF&gt; plugin data
 * </pre>
 */
public record AuthMoreData(byte[] data) {
  public static final int HEADER = 0x01;

  public AuthMoreData {
    Objects.requireNonNull(data, "data");
  }

  public static AuthMoreData decode(ByteBuf payload) {
    Payloads.expectHeader(payload, HEADER, "AuthMoreData");
    return new AuthMoreData(Wire.readBytesEof(payload));
  }

  public void encode(ByteBuf out) {
    Wire.writeInt1(out, HEADER);
    out.writeBytes(data);
  }
}
