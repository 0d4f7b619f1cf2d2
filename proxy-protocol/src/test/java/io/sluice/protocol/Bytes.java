package io.sluice.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Test helpers for golden byte arrays. Buffers come from the pooled allocator so Netty's
 * paranoid leak detector tracks them, and every helper releases what it allocates.
 */
public final class Bytes {
  private Bytes() {}

  /** Hex bytes separated by spaces; several strings are concatenated (one per field). */
  public static byte[] hex(String... fields) {
    return ByteBufUtil.decodeHexDump(String.join("", fields).replace(" ", ""));
  }

  /** ASCII text as bytes, for readability of string fields in golden arrays. */
  public static String ascii(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      b.append(String.format("%02x", (int) c));
    }
    return b.toString();
  }

  public static ByteBuf buf(byte[] bytes) {
    ByteBuf buf = ByteBufAllocator.DEFAULT.buffer(bytes.length);
    buf.writeBytes(bytes);
    return buf;
  }

  /** Encodes into a fresh buffer and returns the bytes. */
  public static byte[] encode(Consumer<ByteBuf> encoder) {
    ByteBuf buf = ByteBufAllocator.DEFAULT.buffer();
    try {
      encoder.accept(buf);
      return ByteBufUtil.getBytes(buf);
    } finally {
      buf.release();
    }
  }

  /** Decodes {@code bytes}, asserting the decoder consumed them all. */
  public static <T> T decode(byte[] bytes, Function<ByteBuf, T> decoder) {
    ByteBuf buf = buf(bytes);
    try {
      T value = decoder.apply(buf);
      assertEquals(0, buf.readableBytes(), "decoder left bytes unread");
      return value;
    } finally {
      buf.release();
    }
  }

  public static String hexOf(byte[] bytes) {
    return ByteBufUtil.hexDump(bytes);
  }

  /** Asserts byte equality with a readable hex diff. */
  public static void assertBytes(byte[] expected, byte[] actual) {
    assertEquals(hexOf(expected), hexOf(actual));
  }
}
