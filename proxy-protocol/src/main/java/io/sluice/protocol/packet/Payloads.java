package io.sluice.protocol.packet;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.protocol.CommandType;
import io.sluice.protocol.error.ProtocolException;
import io.sluice.protocol.wire.Wire;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Pieces several packets share. */
final class Payloads {
  private Payloads() {}

  /** Consumes the first byte and checks it is {@code expected}. */
  static void expectHeader(ByteBuf buf, int expected, String packet) {
    int header = Wire.readInt1(buf);
    if (header != expected) {
      throw ProtocolException.malformed(String.format("%s must start with 0x%02x, got 0x%02x", packet, expected, header));
    }
  }

  static void expectCommand(ByteBuf buf, CommandType type) {
    expectHeader(buf, type.code(), type.name());
  }

  /**
   * Connection attributes: a length-encoded total length, then length-encoded key/value
   * strings. Insertion order is kept (drivers send _client_name first; logs read better).
   */
  static Map<String, String> readAttributes(ByteBuf buf) {
    long total = Wire.readIntLenenc(buf);
    if (total > buf.readableBytes()) {
      throw ProtocolException.malformed("connection attributes length " + total + " exceeds the packet");
    }
    ByteBuf attrs = buf.readSlice((int) total);
    Map<String, String> map = new LinkedHashMap<>();
    while (attrs.isReadable()) {
      String key = Wire.readStringLenenc(attrs);
      String value = Wire.readStringLenenc(attrs);
      map.put(key, value);
    }
    return Collections.unmodifiableMap(map);
  }

  static void writeAttributes(ByteBuf out, Map<String, String> attributes) {
    ByteBuf attrs = Unpooled.buffer();
    try {
      attributes.forEach((k, v) -> {
        Wire.writeStringLenenc(attrs, k);
        Wire.writeStringLenenc(attrs, v);
      });
      Wire.writeIntLenenc(out, attrs.readableBytes());
      out.writeBytes(attrs);
    } finally {
      attrs.release();
    }
  }

  static Map<String, String> copyAttributes(Map<String, String> attributes) {
    return attributes == null || attributes.isEmpty()
        ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
  }

  static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  // The statement id of COM_STMT_EXECUTE, _SEND_LONG_DATA, _CLOSE, _RESET and _FETCH is the
  // 4-byte integer right after the command byte. The proxy rewrites it in place when a
  // statement is prepared under a different id on another backend.

  static long statementId(ByteBuf payload) {
    requireStatementId(payload);
    return payload.getUnsignedIntLE(payload.readerIndex() + 1);
  }

  static void rewriteStatementId(ByteBuf payload, long newId) {
    requireStatementId(payload);
    payload.setIntLE(payload.readerIndex() + 1, (int) newId);
  }

  private static void requireStatementId(ByteBuf payload) {
    if (payload.readableBytes() < 5) {
      throw ProtocolException.malformed("statement command shorter than 5 bytes");
    }
  }
}
