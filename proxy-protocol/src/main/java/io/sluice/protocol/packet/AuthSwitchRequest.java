package io.sluice.protocol.packet;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.wire.Wire;
import java.util.Arrays;
import java.util.Objects;

/**
 * Protocol::AuthSwitchRequest: the server asks the client to authenticate again with another
 * plugin and fresh plugin data.
 *
 * <pre>
 * int&lt;1&gt;       0xFE
 * string&lt;NUL&gt; plugin name
 * string&lt;EOF&gt; plugin data
 * </pre>
 *
 * mysqld sends the 20-byte nonce followed by a NUL as plugin data; {@link #pluginData()} is the
 * bytes as sent, {@link #nonce()} strips that NUL. A bare 0xFE (pre-4.1 servers) means
 * "switch to mysql_old_password".
 */
public record AuthSwitchRequest(String pluginName, byte[] pluginData) {
  public static final int HEADER = 0xFE;
  public static final String OLD_PASSWORD_PLUGIN = "mysql_old_password";

  public AuthSwitchRequest {
    Objects.requireNonNull(pluginName, "pluginName");
    pluginData = pluginData == null ? new byte[0] : pluginData;
  }

  public static AuthSwitchRequest decode(ByteBuf payload) {
    Payloads.expectHeader(payload, HEADER, "AuthSwitchRequest");
    if (!payload.isReadable()) {
      return new AuthSwitchRequest(OLD_PASSWORD_PLUGIN, new byte[0]);
    }
    String plugin = Wire.readStringNul(payload);
    return new AuthSwitchRequest(plugin, Wire.readBytesEof(payload));
  }

  public void encode(ByteBuf out) {
    Wire.writeInt1(out, HEADER);
    Wire.writeStringNul(out, pluginName);
    out.writeBytes(pluginData);
  }

  /** The plugin data without mysqld's trailing NUL: the nonce to scramble with. */
  public byte[] nonce() {
    int n = pluginData.length;
    return n > 0 && pluginData[n - 1] == 0 ? Arrays.copyOf(pluginData, n - 1) : pluginData.clone();
  }
}
