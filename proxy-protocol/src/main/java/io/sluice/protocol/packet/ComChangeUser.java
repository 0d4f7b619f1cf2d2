package io.sluice.protocol.packet;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.Capabilities;
import io.sluice.protocol.CommandType;
import io.sluice.protocol.wire.Wire;
import java.util.Map;
import java.util.Objects;

/**
 * COM_CHANGE_USER: re-authenticate as another user on the same connection, resetting the
 * session. The response is an authentication exchange (OK, ERR, AuthSwitchRequest,
 * AuthMoreData), like the initial handshake, using the capabilities negotiated then.
 *
 * <pre>
 * int&lt;1&gt;       0x11 COM_CHANGE_USER
 * string&lt;NUL&gt; user
 * auth response: int&lt;1&gt; length + bytes if CLIENT_SECURE_CONNECTION, else NUL-terminated
 * string&lt;NUL&gt; schema
 * int&lt;2&gt;       character set            (if more data)
 * string&lt;NUL&gt; auth plugin name         (if CLIENT_PLUGIN_AUTH)
 * lenenc attrs connection attributes    (if CLIENT_CONNECT_ATTRS)
 * </pre>
 *
 * Unlike HandshakeResponse41 the auth response length is always one byte here, whatever
 * CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA says.
 *
 * @param database null for none (sent as an empty string)
 * @param characterSet 0 when the client did not send one
 */
public record ComChangeUser(String user, byte[] authResponse, String database, int characterSet,
                            String authPluginName, Map<String, String> connectAttributes) {

  public ComChangeUser {
    Objects.requireNonNull(user, "user");
    authResponse = authResponse == null ? new byte[0] : authResponse;
    connectAttributes = Payloads.copyAttributes(connectAttributes);
  }

  public static ComChangeUser decode(ByteBuf payload, Capabilities caps) {
    Payloads.expectCommand(payload, CommandType.COM_CHANGE_USER);
    String user = Wire.readStringNul(payload);
    byte[] auth = caps.secureConnection()
        ? Wire.readBytesFix(payload, Wire.readInt1(payload))
        : Wire.readBytesNul(payload);
    String db = Payloads.emptyToNull(Wire.readStringNul(payload));
    int charset = 0;
    String plugin = null;
    Map<String, String> attrs = Map.of();
    if (payload.readableBytes() >= 2) {
      charset = Wire.readInt2(payload);
      if (caps.pluginAuth() && payload.isReadable()) {
        plugin = Wire.readStringNul(payload);
      }
      if (caps.connectAttrs() && payload.isReadable()) {
        attrs = Payloads.readAttributes(payload);
      }
    }
    return new ComChangeUser(user, auth, db, charset, plugin, attrs);
  }

  public void encode(ByteBuf out, Capabilities caps) {
    Wire.writeInt1(out, CommandType.COM_CHANGE_USER.code());
    Wire.writeStringNul(out, user);
    if (caps.secureConnection()) {
      if (authResponse.length > 255) {
        throw new IllegalArgumentException("COM_CHANGE_USER auth response longer than 255 bytes");
      }
      Wire.writeInt1(out, authResponse.length);
      out.writeBytes(authResponse);
    } else {
      Wire.writeBytesNul(out, authResponse);
    }
    Wire.writeStringNul(out, database == null ? "" : database);
    Wire.writeInt2(out, characterSet);
    if (caps.pluginAuth()) {
      Wire.writeStringNul(out, authPluginName == null ? "" : authPluginName);
    }
    if (caps.connectAttrs()) {
      Payloads.writeAttributes(out, connectAttributes);
    }
  }
}
