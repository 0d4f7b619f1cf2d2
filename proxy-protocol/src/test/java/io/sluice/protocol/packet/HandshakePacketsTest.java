package io.sluice.protocol.packet;

import static io.sluice.protocol.Bytes.ascii;
import static io.sluice.protocol.Bytes.assertBytes;
import static io.sluice.protocol.Bytes.decode;
import static io.sluice.protocol.Bytes.encode;
import static io.sluice.protocol.Bytes.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.Bytes;
import io.sluice.protocol.Capabilities;
import io.sluice.protocol.ServerStatus;
import io.sluice.protocol.error.ErrorCodes;
import io.sluice.protocol.error.ProtocolException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HandshakePacketsTest {

  /** The MySQL 5.5 greeting from the protocol docs (Protocol::HandshakeV10 example). */
  private static final byte[] HANDSHAKE_V10_MYSQL55 = hex(
      "0a",                                       // protocol version 10
      "35 2e 35 2e 32 2d 6d 32 00",               // server version "5.5.2-m2" NUL
      "0b 00 00 00",                              // connection id 11
      "64 76 48 40 49 2d 43 4a",                  // auth-plugin-data part 1
      "00",                                       // filler
      "ff f7",                                    // capability flags, lower (0xf7ff)
      "08",                                       // character set: latin1_swedish_ci
      "02 00",                                    // status: SERVER_STATUS_AUTOCOMMIT
      "00 00",                                    // capability flags, upper
      "00",                                       // no CLIENT_PLUGIN_AUTH: 0
      "00 00 00 00 00 00 00 00 00 00",            // reserved
      "2a 34 64 7c 63 5a 77 6b 34 5e 5d 3a 00");  // part 2: 12 bytes + NUL

  /** A MySQL 8.0 greeting with plugin auth. */
  private static final byte[] HANDSHAKE_V10_MYSQL80 = hex(
      "0a",                                       // protocol version 10
      ascii("8.0.36"), "00",                      // server version
      "2a 00 00 00",                              // connection id 42
      "01 02 03 04 05 06 07 08",                  // auth-plugin-data part 1
      "00",                                       // filler
      "ff ff",                                    // capability flags, lower
      "ff",                                       // character set: utf8mb4_0900_ai_ci (255)
      "02 00",                                    // status: autocommit
      "ff df",                                    // capability flags, upper (0xdfff)
      "15",                                       // auth-plugin-data length 21 (20 + NUL)
      "00 00 00 00 00 00 00 00 00 00",            // reserved
      "09 0a 0b 0c 0d 0e 0f 10 11 12 13 14 00",   // part 2: 12 bytes + NUL
      ascii("caching_sha2_password"), "00");      // auth plugin name

  @Test
  void handshakeV10FromTheDocsDecodesWithTheNonceWithoutItsNul() {
    HandshakeV10 hs = decode(HANDSHAKE_V10_MYSQL55, HandshakeV10::decode);
    assertEquals("5.5.2-m2", hs.serverVersion());
    assertEquals(11, hs.connectionId());
    assertArrayEquals(hex("64 76 48 40 49 2d 43 4a 2a 34 64 7c 63 5a 77 6b 34 5e 5d 3a"), hs.authPluginData());
    assertEquals(0xf7ffL, hs.capabilities().value());
    assertTrue(hs.capabilities().secureConnection());
    assertFalse(hs.capabilities().pluginAuth());
    assertEquals(8, hs.characterSet());
    assertEquals(ServerStatus.SERVER_STATUS_AUTOCOMMIT, hs.statusFlags());
    assertNull(hs.authPluginName());
    assertBytes(HANDSHAKE_V10_MYSQL55, encode(hs::encode));
  }

  @Test
  void handshakeV10WithPluginAuthRoundTrips() {
    HandshakeV10 hs = decode(HANDSHAKE_V10_MYSQL80, HandshakeV10::decode);
    assertEquals("8.0.36", hs.serverVersion());
    assertEquals(42, hs.connectionId());
    assertArrayEquals(hex("01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 14"), hs.authPluginData());
    assertEquals(0xdfffffffL, hs.capabilities().value());
    assertEquals(255, hs.characterSet());
    assertEquals("caching_sha2_password", hs.authPluginName());
    assertBytes(HANDSHAKE_V10_MYSQL80, encode(hs::encode));
  }

  @Test
  void handshakeWithAnotherProtocolVersionIsABadHandshake() {
    ProtocolException e = assertThrows(ProtocolException.class, () -> decode(hex("09 00"), HandshakeV10::decode));
    assertEquals(ErrorCodes.ER_HANDSHAKE_ERROR, e.error().code());
  }

  @Test
  void aClientResponseTooShortToParseIsABadHandshakeAsMysqldAnswersIt() {
    ProtocolException e = assertThrows(ProtocolException.class,
        () -> decode(hex("01 02 03"), HandshakeResponse41::decodeFromClient));
    assertEquals(ErrorCodes.ER_HANDSHAKE_ERROR, e.error().code());
    assertEquals("08S01", e.error().sqlState());
    // decode itself still says what is wrong with the bytes
    ProtocolException raw = assertThrows(ProtocolException.class, () -> decode(hex("01 02 03"), HandshakeResponse41::decode));
    assertEquals(ErrorCodes.ER_MALFORMED_PACKET, raw.error().code());
  }

  private static final byte[] SSL_REQUEST = hex(
      "01 8a 08 00",                              // caps: LONG_PASSWORD|PROTOCOL_41|SSL|SECURE_CONNECTION|PLUGIN_AUTH
      "00 00 00 01",                              // max packet size 16 MiB
      "ff",                                       // character set 255
      "00".repeat(23));                           // filler

  @Test
  void sslRequestIsTheFirst32BytesWithClientSsl() {
    ByteBuf buf = Bytes.buf(SSL_REQUEST);
    try {
      assertTrue(SslRequest.isSslRequest(buf));
      assertEquals(0, buf.readerIndex());
    } finally {
      buf.release();
    }
    SslRequest r = decode(SSL_REQUEST, SslRequest::decode);
    assertEquals(0x88a01L, r.capabilities().value());
    assertTrue(r.capabilities().usesSsl());
    assertEquals(1 << 24, r.maxPacketSize());
    assertEquals(255, r.characterSet());
    assertBytes(SSL_REQUEST, encode(r::encode));
  }

  @Test
  void handshakeResponseIsNotAnSslRequest() {
    ByteBuf buf = Bytes.buf(HANDSHAKE_RESPONSE_DOCS);
    try {
      assertFalse(SslRequest.isSslRequest(buf));
    } finally {
      buf.release();
    }
  }

  /** The 4.1 handshake response from the protocol docs (Protocol::HandshakeResponse41 example). */
  private static final byte[] HANDSHAKE_RESPONSE_DOCS = hex(
      "8d a6 0f 00",                              // client flags 0x000fa68d (SECURE_CONNECTION, CONNECT_WITH_DB, PLUGIN_AUTH...)
      "00 00 00 01",                              // max packet size 16 MiB
      "08",                                       // character set latin1
      "00".repeat(23),                            // filler
      "70 61 6d 00",                              // username "pam"
      "14",                                       // auth response length 20 (SECURE_CONNECTION)
      "ab 09 ee f6 bc b1 32 3e 61 14 38 65 c0 99 1d 95 7d 75 d4 47",
      "74 65 73 74 00",                           // database "test"
      ascii("mysql_native_password"), "00");      // client plugin

  @Test
  void handshakeResponse41FromTheDocsRoundTrips() {
    HandshakeResponse41 r = decode(HANDSHAKE_RESPONSE_DOCS, HandshakeResponse41::decode);
    assertEquals(0x000fa68dL, r.capabilities().value());
    assertEquals(1 << 24, r.maxPacketSize());
    assertEquals(8, r.characterSet());
    assertEquals("pam", r.username());
    assertArrayEquals(hex("ab 09 ee f6 bc b1 32 3e 61 14 38 65 c0 99 1d 95 7d 75 d4 47"), r.authResponse());
    assertEquals("test", r.database());
    assertEquals("mysql_native_password", r.authPluginName());
    assertEquals(Map.of(), r.connectAttributes());
    assertBytes(HANDSHAKE_RESPONSE_DOCS, encode(r::encode));
  }

  private static final String SHA2_RESPONSE =
      "00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f";

  /** A MySQL 8 client: lenenc auth data, connection attributes, zstd. */
  private static final byte[] HANDSHAKE_RESPONSE_MODERN = hex(
      "09 82 38 05",                              // flags 0x05388209: LONG_PASSWORD|CONNECT_WITH_DB|PROTOCOL_41|SECURE_CONNECTION
                                                  //   |PLUGIN_AUTH|CONNECT_ATTRS|LENENC_CLIENT_DATA|DEPRECATE_EOF|ZSTD
      "ff ff ff 00",                              // max packet size
      "ff",                                       // character set 255
      "00".repeat(23),                            // filler
      ascii("root"), "00",                        // username
      "20", SHA2_RESPONSE,                        // auth response, lenenc length 32
      ascii("shop"), "00",                        // database
      ascii("caching_sha2_password"), "00",       // client plugin
      "1e",                                       // attributes length 30
      "0c", ascii("_client_name"), "08", ascii("libmysql"),
      "04", ascii("_pid"), "02", ascii("42"),
      "03");                                      // zstd compression level

  @Test
  void handshakeResponse41WithLenencAuthAttributesAndZstdRoundTrips() {
    HandshakeResponse41 r = decode(HANDSHAKE_RESPONSE_MODERN, HandshakeResponse41::decode);
    assertEquals(0x05388209L, r.capabilities().value());
    assertTrue(r.capabilities().lenencAuthData());
    assertEquals("root", r.username());
    assertArrayEquals(hex(SHA2_RESPONSE), r.authResponse());
    assertEquals("shop", r.database());
    assertEquals("caching_sha2_password", r.authPluginName());
    assertEquals(List.of("_client_name", "_pid"), List.copyOf(r.connectAttributes().keySet()));
    assertEquals("libmysql", r.connectAttributes().get("_client_name"));
    assertEquals("42", r.connectAttributes().get("_pid"));
    assertBytes(HANDSHAKE_RESPONSE_MODERN, encode(r::encode));
  }

  @Test
  void handshakeResponse41WithoutSecureConnectionUsesNulTerminatedAuth() {
    Capabilities caps = Capabilities.of(Capabilities.CLIENT_PROTOCOL_41);
    byte[] golden = hex(
        "00 02 00 00",                            // flags: PROTOCOL_41 only
        "00 00 00 40",                            // max packet size 1 GiB
        "21",                                     // utf8_general_ci
        "00".repeat(23),
        ascii("u"), "00",                         // username
        "41 42 00");                              // auth response "AB" NUL-terminated
    HandshakeResponse41 r = decode(golden, HandshakeResponse41::decode);
    assertArrayEquals(hex("41 42"), r.authResponse());
    assertNull(r.database());
    assertNull(r.authPluginName());
    assertBytes(golden, encode(new HandshakeResponse41(caps, 0x40000000, 0x21, "u", hex("41 42"), null, null,
        new LinkedHashMap<>())::encode));
  }

  @Test
  void preProtocol41ResponseIsABadHandshake() {
    ProtocolException e = assertThrows(ProtocolException.class,
        () -> decode(hex("85 24 00 00 00 6f 6c 64 00"), HandshakeResponse41::decode));
    assertEquals(ErrorCodes.ER_HANDSHAKE_ERROR, e.error().code());
  }

  private static final byte[] AUTH_SWITCH = hex(
      "fe",                                       // AuthSwitchRequest
      ascii("mysql_native_password"), "00",       // plugin name
      "01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 14", // nonce
      "00");                                      // mysqld's trailing NUL (part of plugin data)

  @Test
  void authSwitchRequestKeepsPluginDataAndExposesTheNonce() {
    AuthSwitchRequest sw = decode(AUTH_SWITCH, AuthSwitchRequest::decode);
    assertEquals("mysql_native_password", sw.pluginName());
    assertEquals(21, sw.pluginData().length);
    assertArrayEquals(hex("01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 14"), sw.nonce());
    assertBytes(AUTH_SWITCH, encode(sw::encode));
  }

  @Test
  void bareFeIsASwitchToOldPassword() {
    AuthSwitchRequest sw = decode(hex("fe"), AuthSwitchRequest::decode);
    assertEquals(AuthSwitchRequest.OLD_PASSWORD_PLUGIN, sw.pluginName());
    assertEquals(0, sw.pluginData().length);
  }

  @Test
  void authMoreDataCarriesFastAuthResult() {
    byte[] golden = hex(
        "01",                                     // AuthMoreData
        "03");                                    // caching_sha2_password fast auth success
    AuthMoreData m = decode(golden, AuthMoreData::decode);
    assertArrayEquals(hex("03"), m.data());
    assertBytes(golden, encode(m::encode));
  }

  @Test
  void authMoreDataCarriesAPublicKey() {
    String pem = "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n";
    byte[] golden = hex("01", ascii(pem));
    AuthMoreData m = decode(golden, AuthMoreData::decode);
    assertEquals(pem, new String(m.data(), java.nio.charset.StandardCharsets.US_ASCII));
    assertBytes(golden, encode(m::encode));
  }
}
