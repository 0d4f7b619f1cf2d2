package io.sluice.protocol.wire;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.error.ProtocolException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * The MySQL protocol's basic data types, named as in the protocol docs ("Basic Data Types"),
 * all little-endian. Every read checks that the bytes are there and throws a
 * {@link ProtocolException} (ER_MALFORMED_PACKET) instead of Netty's IndexOutOfBoundsException,
 * because the bytes come from the network and a short packet is a client error, not a bug.
 *
 * <p>Length-encoded integers: {@code < 0xFB} is the value itself, {@code 0xFC} + 2 bytes,
 * {@code 0xFD} + 3 bytes, {@code 0xFE} + 8 bytes. {@code 0xFB} is SQL NULL (only in text rows)
 * and {@code 0xFF} is not a valid first byte (it would be an ERR packet). NULL is kept distinct
 * from zero: {@link #readIntLenenc} refuses it, {@link #isNullLenenc} peeks for it.
 */
public final class Wire {
  public static final int NULL_LENENC = 0xFB;

  private Wire() {}

  // ---------------------------------------------------------------- fixed-length integers

  public static int readInt1(ByteBuf buf) {
    need(buf, 1);
    return buf.readUnsignedByte();
  }

  public static int readInt2(ByteBuf buf) {
    need(buf, 2);
    return buf.readUnsignedShortLE();
  }

  public static int readInt3(ByteBuf buf) {
    need(buf, 3);
    return buf.readUnsignedMediumLE();
  }

  public static long readInt4(ByteBuf buf) {
    need(buf, 4);
    return buf.readUnsignedIntLE();
  }

  public static long readInt6(ByteBuf buf) {
    need(buf, 6);
    long low = buf.readUnsignedIntLE();
    long high = buf.readUnsignedShortLE();
    return low | (high << 32);
  }

  /** All 64 bits; values above Long.MAX_VALUE come back negative (use Long.toUnsignedString). */
  public static long readInt8(ByteBuf buf) {
    need(buf, 8);
    return buf.readLongLE();
  }

  public static void writeInt1(ByteBuf buf, int value) {
    buf.writeByte(value);
  }

  public static void writeInt2(ByteBuf buf, int value) {
    buf.writeShortLE(value);
  }

  public static void writeInt3(ByteBuf buf, int value) {
    buf.writeMediumLE(value);
  }

  public static void writeInt4(ByteBuf buf, long value) {
    buf.writeIntLE((int) value);
  }

  public static void writeInt6(ByteBuf buf, long value) {
    buf.writeIntLE((int) value);
    buf.writeShortLE((int) (value >>> 32));
  }

  public static void writeInt8(ByteBuf buf, long value) {
    buf.writeLongLE(value);
  }

  // ---------------------------------------------------------------- length-encoded integers

  /** True when the next byte is 0xFB, the NULL marker of text rows. Does not move the reader. */
  public static boolean isNullLenenc(ByteBuf buf) {
    return buf.isReadable() && buf.getUnsignedByte(buf.readerIndex()) == NULL_LENENC;
  }

  public static long readIntLenenc(ByteBuf buf) {
    int first = readInt1(buf);
    if (first < 0xFB) {
      return first;
    }
    return switch (first) {
      case 0xFC -> readInt2(buf);
      case 0xFD -> readInt3(buf);
      case 0xFE -> readInt8(buf);
      case NULL_LENENC -> throw ProtocolException.malformed("NULL (0xFB) where a length-encoded integer was expected");
      default -> throw ProtocolException.malformed("0xFF is not a valid length-encoded integer");
    };
  }

  /** Reads a length-encoded integer, or 0xFB as {@code null}. */
  public static Long readIntLenencOrNull(ByteBuf buf) {
    if (isNullLenenc(buf)) {
      buf.skipBytes(1);
      return null;
    }
    return readIntLenenc(buf);
  }

  public static void writeIntLenenc(ByteBuf buf, long value) {
    if (value >= 0 && value < 0xFB) {
      buf.writeByte((int) value);
    } else if (value >= 0 && value < (1 << 16)) {
      buf.writeByte(0xFC);
      buf.writeShortLE((int) value);
    } else if (value >= 0 && value < (1 << 24)) {
      buf.writeByte(0xFD);
      buf.writeMediumLE((int) value);
    } else {
      // Negative longs are the unsigned values >= 2^63: still 8 bytes on the wire.
      buf.writeByte(0xFE);
      buf.writeLongLE(value);
    }
  }

  public static void writeNullLenenc(ByteBuf buf) {
    buf.writeByte(NULL_LENENC);
  }

  /** Bytes {@link #writeIntLenenc} uses for {@code value}. */
  public static int lenencSize(long value) {
    if (value >= 0 && value < 0xFB) {
      return 1;
    }
    if (value >= 0 && value < (1 << 16)) {
      return 3;
    }
    if (value >= 0 && value < (1 << 24)) {
      return 4;
    }
    return 9;
  }

  // ---------------------------------------------------------------- strings

  public static String readStringFix(ByteBuf buf, int length) {
    return readStringFix(buf, length, StandardCharsets.UTF_8);
  }

  public static String readStringFix(ByteBuf buf, int length, Charset charset) {
    if (length < 0) {
      throw ProtocolException.malformed("negative string length " + length);
    }
    need(buf, length);
    String s = buf.toString(buf.readerIndex(), length, charset);
    buf.skipBytes(length);
    return s;
  }

  public static String readStringNul(ByteBuf buf) {
    return readStringNul(buf, StandardCharsets.UTF_8);
  }

  public static String readStringNul(ByteBuf buf, Charset charset) {
    int length = nulPosition(buf);
    String s = buf.toString(buf.readerIndex(), length, charset);
    buf.skipBytes(length + 1);
    return s;
  }

  public static String readStringLenenc(ByteBuf buf) {
    return readStringLenenc(buf, StandardCharsets.UTF_8);
  }

  public static String readStringLenenc(ByteBuf buf, Charset charset) {
    return readStringFix(buf, lenencLength(buf), charset);
  }

  /** The rest of the packet ("string&lt;EOF&gt;"). */
  public static String readStringEof(ByteBuf buf) {
    return readStringEof(buf, StandardCharsets.UTF_8);
  }

  public static String readStringEof(ByteBuf buf, Charset charset) {
    return readStringFix(buf, buf.readableBytes(), charset);
  }

  public static byte[] readBytesFix(ByteBuf buf, int length) {
    if (length < 0) {
      throw ProtocolException.malformed("negative length " + length);
    }
    need(buf, length);
    byte[] bytes = new byte[length];
    buf.readBytes(bytes);
    return bytes;
  }

  public static byte[] readBytesLenenc(ByteBuf buf) {
    return readBytesFix(buf, lenencLength(buf));
  }

  public static byte[] readBytesNul(ByteBuf buf) {
    byte[] bytes = readBytesFix(buf, nulPosition(buf));
    buf.skipBytes(1);
    return bytes;
  }

  public static byte[] readBytesEof(ByteBuf buf) {
    return readBytesFix(buf, buf.readableBytes());
  }

  public static void writeStringFix(ByteBuf buf, String value) {
    writeStringFix(buf, value, StandardCharsets.UTF_8);
  }

  public static void writeStringFix(ByteBuf buf, String value, Charset charset) {
    buf.writeBytes(value.getBytes(charset));
  }

  public static void writeStringNul(ByteBuf buf, String value) {
    writeStringNul(buf, value, StandardCharsets.UTF_8);
  }

  public static void writeStringNul(ByteBuf buf, String value, Charset charset) {
    writeBytesNul(buf, value.getBytes(charset));
  }

  public static void writeBytesNul(ByteBuf buf, byte[] value) {
    for (byte b : value) {
      if (b == 0) {
        // The reader would stop at this byte and misparse everything after it.
        throw new IllegalArgumentException("a NUL-terminated string cannot contain NUL");
      }
    }
    buf.writeBytes(value);
    buf.writeByte(0);
  }

  public static void writeStringLenenc(ByteBuf buf, String value) {
    writeStringLenenc(buf, value, StandardCharsets.UTF_8);
  }

  public static void writeStringLenenc(ByteBuf buf, String value, Charset charset) {
    writeBytesLenenc(buf, value.getBytes(charset));
  }

  public static void writeBytesLenenc(ByteBuf buf, byte[] value) {
    writeIntLenenc(buf, value.length);
    buf.writeBytes(value);
  }

  public static void writeStringEof(ByteBuf buf, String value) {
    writeStringEof(buf, value, StandardCharsets.UTF_8);
  }

  public static void writeStringEof(ByteBuf buf, String value, Charset charset) {
    buf.writeBytes(value.getBytes(charset));
  }

  public static void writeBytesEof(ByteBuf buf, byte[] value) {
    buf.writeBytes(value);
  }

  /** Writes {@code count} zero bytes (the protocol's "filler" and "reserved" fields). */
  public static void writeZeros(ByteBuf buf, int count) {
    buf.writeZero(count);
  }

  /** Skips {@code count} bytes, failing like every other read when they are not there. */
  public static void skip(ByteBuf buf, int count) {
    need(buf, count);
    buf.skipBytes(count);
  }

  // ---------------------------------------------------------------- helpers

  private static int lenencLength(ByteBuf buf) {
    long length = readIntLenenc(buf);
    if (length > buf.readableBytes()) {
      throw ProtocolException.malformed("length " + length + " exceeds the " + buf.readableBytes() + " bytes left");
    }
    return (int) length;
  }

  private static int nulPosition(ByteBuf buf) {
    int length = buf.bytesBefore((byte) 0);
    if (length < 0) {
      throw ProtocolException.malformed("missing NUL terminator");
    }
    return length;
  }

  private static void need(ByteBuf buf, int bytes) {
    if (buf.readableBytes() < bytes) {
      throw ProtocolException.malformed("need " + bytes + " bytes, " + buf.readableBytes() + " left");
    }
  }
}
