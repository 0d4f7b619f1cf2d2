package io.sluice.protocol.packet;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.Capabilities;
import io.sluice.protocol.error.ErrorCodes;
import io.sluice.protocol.error.ProtocolException;
import io.sluice.protocol.wire.Wire;
import java.util.Arrays;
import java.util.Objects;

/**
 * Protocol::HandshakeV10, the server greeting.
 *
 * <pre>
 * int&lt;1&gt;     protocol version (10)
 * string&lt;NUL&gt; server version
 * int&lt;4&gt;     connection id
 * string[8]  auth-plugin-data part 1
 * int&lt;1&gt;     filler 0x00
 * int&lt;2&gt;     capability flags, lower 16 bits
 * int&lt;1&gt;     character set (collation id)
 * int&lt;2&gt;     status flags
 * int&lt;2&gt;     capability flags, upper 16 bits
 * int&lt;1&gt;     length of auth-plugin-data if CLIENT_PLUGIN_AUTH, else 0
 * string[10] reserved, zeros
 * $len       auth-plugin-data part 2, len = max(13, length - 8), if CLIENT_SECURE_CONNECTION
 * string&lt;NUL&gt; auth plugin name, if CLIENT_PLUGIN_AUTH
 * </pre>
 *
 * Quirk: mysqld's nonce is 20 bytes, but part 2 is sent as 12 bytes plus a NUL and the length
 * byte says 21. The NUL is not part of the nonce: {@link #authPluginData()} never includes it,
 * and {@link #encode} adds it back.
 *
 * @param authPluginData the full nonce (normally 20 bytes), without the trailing NUL
 * @param authPluginName null when the server does not have CLIENT_PLUGIN_AUTH
 */
public record HandshakeV10(String serverVersion, long connectionId, byte[] authPluginData, Capabilities capabilities,
                           int characterSet, int statusFlags, String authPluginName) {
  public static final int PROTOCOL_VERSION = 10;

  public HandshakeV10 {
    Objects.requireNonNull(serverVersion, "serverVersion");
    Objects.requireNonNull(authPluginData, "authPluginData");
    Objects.requireNonNull(capabilities, "capabilities");
    if (authPluginData.length < 8) {
      throw new IllegalArgumentException("auth-plugin-data needs at least 8 bytes, got " + authPluginData.length);
    }
  }

  public static HandshakeV10 decode(ByteBuf payload) {
    int protocol = Wire.readInt1(payload);
    if (protocol != PROTOCOL_VERSION) {
      throw new ProtocolException(ErrorCodes.handshakeError(), "unsupported protocol version " + protocol);
    }
    String version = Wire.readStringNul(payload);
    long connectionId = Wire.readInt4(payload);
    byte[] part1 = Wire.readBytesFix(payload, 8);
    Wire.skip(payload, 1);
    long caps = Wire.readInt2(payload);
    if (!payload.isReadable()) {
      // A pre-4.1 greeting ends here.
      return new HandshakeV10(version, connectionId, part1, Capabilities.of(caps), 0, 0, null);
    }
    int characterSet = Wire.readInt1(payload);
    int status = Wire.readInt2(payload);
    caps |= ((long) Wire.readInt2(payload)) << 16;
    Capabilities capabilities = Capabilities.of(caps);
    int authDataLength = Wire.readInt1(payload);
    Wire.skip(payload, 10);
    byte[] nonce = part1;
    if (capabilities.secureConnection()) {
      int part2Length = Math.min(Math.max(13, authDataLength - 8), payload.readableBytes());
      byte[] part2 = Wire.readBytesFix(payload, part2Length);
      int used = part2.length > 0 && part2[part2.length - 1] == 0 ? part2.length - 1 : part2.length;
      nonce = Arrays.copyOf(part1, 8 + used);
      System.arraycopy(part2, 0, nonce, 8, used);
    }
    String plugin = null;
    if (capabilities.pluginAuth() && payload.isReadable()) {
      // Some 5.5 servers omitted the terminating NUL (Bug#59453): take the rest of the packet then.
      plugin = payload.bytesBefore((byte) 0) >= 0 ? Wire.readStringNul(payload) : Wire.readStringEof(payload);
    }
    return new HandshakeV10(version, connectionId, nonce, capabilities, characterSet, status, plugin);
  }

  public void encode(ByteBuf out) {
    Wire.writeInt1(out, PROTOCOL_VERSION);
    Wire.writeStringNul(out, serverVersion);
    Wire.writeInt4(out, connectionId);
    out.writeBytes(authPluginData, 0, 8);
    Wire.writeInt1(out, 0);
    long caps = capabilities.value();
    Wire.writeInt2(out, (int) (caps & 0xFFFF));
    Wire.writeInt1(out, characterSet);
    Wire.writeInt2(out, statusFlags);
    Wire.writeInt2(out, (int) ((caps >>> 16) & 0xFFFF));
    Wire.writeInt1(out, capabilities.pluginAuth() ? authPluginData.length + 1 : 0);
    Wire.writeZeros(out, 10);
    if (capabilities.secureConnection()) {
      int part2 = authPluginData.length - 8;
      out.writeBytes(authPluginData, 8, part2);
      Wire.writeInt1(out, 0);
      if (part2 + 1 < 13) {
        Wire.writeZeros(out, 13 - (part2 + 1));
      }
    }
    if (capabilities.pluginAuth()) {
      Wire.writeStringNul(out, authPluginName == null ? "" : authPluginName);
    }
  }
}
