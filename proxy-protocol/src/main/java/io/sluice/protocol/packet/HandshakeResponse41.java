package io.sluice.protocol.packet;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.Capabilities;
import io.sluice.protocol.error.ErrorCodes;
import io.sluice.protocol.error.ProtocolException;
import io.sluice.protocol.wire.Wire;
import java.util.Map;
import java.util.Objects;

/**
 * Protocol::HandshakeResponse41, the client's answer to the greeting. Every optional field is
 * governed by the client's own capability flags in this packet.
 *
 * <pre>
 * int&lt;4&gt;      client flags
 * int&lt;4&gt;      max packet size
 * int&lt;1&gt;      character set (collation id)
 * string[23]  filler, zeros
 * string&lt;NUL&gt; username
 * auth response: lenenc bytes if CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA,
 *                else int&lt;1&gt; length + bytes if CLIENT_SECURE_CONNECTION,
 *                else NUL-terminated
 * string&lt;NUL&gt; database, if CLIENT_CONNECT_WITH_DB
 * string&lt;NUL&gt; client auth plugin name, if CLIENT_PLUGIN_AUTH
 * lenenc attrs  connection attributes, if CLIENT_CONNECT_ATTRS
 * int&lt;1&gt;      zstd compression level, if CLIENT_ZSTD_COMPRESSION_ALGORITHM
 * </pre>
 *
 * Decoding is lenient where mysqld is: optional fields missing at the end of the packet are
 * treated as absent. The zstd level is skipped (Sluice never negotiates compression); encode
 * writes level 3, zstd's default, if the flag is set.
 *
 * @param database null when none was sent (an empty name counts as none)
 * @param authPluginName null when none was sent
 * @param connectAttributes in wire order; empty when none
 */
public record HandshakeResponse41(Capabilities capabilities, int maxPacketSize, int characterSet, String username,
                                  byte[] authResponse, String database, String authPluginName,
                                  Map<String, String> connectAttributes) {
  private static final int DEFAULT_ZSTD_LEVEL = 3;

  public HandshakeResponse41 {
    Objects.requireNonNull(capabilities, "capabilities");
    Objects.requireNonNull(username, "username");
    authResponse = authResponse == null ? new byte[0] : authResponse;
    connectAttributes = Payloads.copyAttributes(connectAttributes);
  }

  /**
   * Decodes a client's response as a server reads it: one that cannot be parsed is answered
   * 1043/08S01 "Bad handshake", as mysqld answers it, rather than "malformed packet".
   */
  public static HandshakeResponse41 decodeFromClient(ByteBuf payload) {
    try {
      return decode(payload);
    } catch (ProtocolException e) {
      throw new ProtocolException(ErrorCodes.handshakeError(), e);
    }
  }

  public static HandshakeResponse41 decode(ByteBuf payload) {
    Capabilities caps = Capabilities.of(Wire.readInt4(payload));
    if (!caps.protocol41()) {
      throw new ProtocolException(ErrorCodes.handshakeError(), "pre-4.1 HandshakeResponse320 is not supported");
    }
    int maxPacket = (int) Wire.readInt4(payload);
    int charset = Wire.readInt1(payload);
    Wire.skip(payload, 23);
    String user = Wire.readStringNul(payload);
    byte[] auth;
    if (caps.lenencAuthData()) {
      auth = Wire.readBytesLenenc(payload);
    } else if (caps.secureConnection()) {
      auth = Wire.readBytesFix(payload, Wire.readInt1(payload));
    } else {
      auth = Wire.readBytesNul(payload);
    }
    String db = null;
    if (caps.connectsWithDb() && payload.isReadable()) {
      db = Payloads.emptyToNull(Wire.readStringNul(payload));
    }
    String plugin = null;
    if (caps.pluginAuth() && payload.isReadable()) {
      plugin = Wire.readStringNul(payload);
    }
    Map<String, String> attrs = Map.of();
    if (caps.connectAttrs() && payload.isReadable()) {
      attrs = Payloads.readAttributes(payload);
    }
    if (caps.zstdCompression() && payload.isReadable()) {
      Wire.readInt1(payload);
    }
    return new HandshakeResponse41(caps, maxPacket, charset, user, auth, db, plugin, attrs);
  }

  public void encode(ByteBuf out) {
    Wire.writeInt4(out, capabilities.value());
    Wire.writeInt4(out, maxPacketSize);
    Wire.writeInt1(out, characterSet);
    Wire.writeZeros(out, 23);
    Wire.writeStringNul(out, username);
    if (capabilities.lenencAuthData()) {
      Wire.writeBytesLenenc(out, authResponse);
    } else if (capabilities.secureConnection()) {
      if (authResponse.length > 255) {
        throw new IllegalArgumentException("auth response of " + authResponse.length
            + " bytes needs CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA");
      }
      Wire.writeInt1(out, authResponse.length);
      out.writeBytes(authResponse);
    } else {
      Wire.writeBytesNul(out, authResponse);
    }
    if (capabilities.connectsWithDb()) {
      Wire.writeStringNul(out, database == null ? "" : database);
    }
    if (capabilities.pluginAuth()) {
      Wire.writeStringNul(out, authPluginName == null ? "" : authPluginName);
    }
    if (capabilities.connectAttrs()) {
      Payloads.writeAttributes(out, connectAttributes);
    }
    if (capabilities.zstdCompression()) {
      Wire.writeInt1(out, DEFAULT_ZSTD_LEVEL);
    }
  }
}
