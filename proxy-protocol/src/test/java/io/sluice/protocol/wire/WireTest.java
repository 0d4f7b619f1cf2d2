package io.sluice.protocol.wire;

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
import io.sluice.protocol.error.ErrorCodes;
import io.sluice.protocol.error.ProtocolException;
import java.nio.charset.Charset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class WireTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "0, 00",
      "250, fa",
      "251, fc fb 00",
      "65535, fc ff ff",
      "65536, fd 00 00 01",
      "16777215, fd ff ff ff",
      "16777216, fe 00 00 00 01 00 00 00 00",
      "-1, fe ff ff ff ff ff ff ff ff"})
  void lengthEncodedIntegersUseTheSmallestFormAndRoundTrip(long value, String wire) {
    byte[] bytes = hex(wire);
    assertBytes(bytes, encode(b -> Wire.writeIntLenenc(b, value)));
    assertEquals(value, (long) decode(bytes, Wire::readIntLenenc));
    assertEquals(bytes.length, Wire.lenencSize(value));
  }

  @Test
  void nullLenencIsNotZero() {
    ByteBuf buf = Bytes.buf(hex("fb 00"));
    try {
      assertTrue(Wire.isNullLenenc(buf));
      assertEquals(0, buf.readerIndex(), "isNullLenenc only peeks");
      ProtocolException e = assertThrows(ProtocolException.class, () -> Wire.readIntLenenc(buf));
      assertEquals(ErrorCodes.ER_MALFORMED_PACKET, e.error().code());
      buf.readerIndex(0);
      assertNull(Wire.readIntLenencOrNull(buf));
      assertFalse(Wire.isNullLenenc(buf));
      assertEquals(0L, Wire.readIntLenencOrNull(buf));
    } finally {
      buf.release();
    }
    assertBytes(hex("fb"), encode(Wire::writeNullLenenc));
  }

  @Test
  void lenencStartingWithFfIsMalformed() {
    assertThrows(ProtocolException.class, () -> decode(hex("ff"), Wire::readIntLenenc));
  }

  @Test
  void fixedIntegersAreLittleEndian() {
    byte[] bytes = hex(
        "01",                       // int<1> 1
        "02 01",                    // int<2> 0x0102
        "03 02 01",                 // int<3> 0x010203
        "04 03 02 81",              // int<4> 0x81020304 (unsigned)
        "06 05 04 03 02 01",        // int<6> 0x010203040506
        "08 07 06 05 04 03 02 01"); // int<8> 0x0102030405060708
    decode(bytes, b -> {
      assertEquals(1, Wire.readInt1(b));
      assertEquals(0x0102, Wire.readInt2(b));
      assertEquals(0x010203, Wire.readInt3(b));
      assertEquals(0x81020304L, Wire.readInt4(b));
      assertEquals(0x010203040506L, Wire.readInt6(b));
      assertEquals(0x0102030405060708L, Wire.readInt8(b));
      return null;
    });
    assertBytes(bytes, encode(b -> {
      Wire.writeInt1(b, 1);
      Wire.writeInt2(b, 0x0102);
      Wire.writeInt3(b, 0x010203);
      Wire.writeInt4(b, 0x81020304L);
      Wire.writeInt6(b, 0x010203040506L);
      Wire.writeInt8(b, 0x0102030405060708L);
    }));
  }

  @Test
  void stringsOfEveryKindRoundTrip() {
    byte[] bytes = hex(
        "61 62",                // string[2] "ab"
        "63 64 00",             // string<NUL> "cd"
        "03 c3 a9 66",          // string<lenenc> "éf" (3 UTF-8 bytes)
        "00",                   // string<lenenc> ""
        "67 68");               // string<EOF> "gh"
    decode(bytes, b -> {
      assertEquals("ab", Wire.readStringFix(b, 2));
      assertEquals("cd", Wire.readStringNul(b));
      assertEquals("éf", Wire.readStringLenenc(b));
      assertEquals("", Wire.readStringLenenc(b));
      assertEquals("gh", Wire.readStringEof(b));
      return null;
    });
    assertBytes(bytes, encode(b -> {
      Wire.writeStringFix(b, "ab");
      Wire.writeStringNul(b, "cd");
      Wire.writeStringLenenc(b, "éf");
      Wire.writeStringLenenc(b, "");
      Wire.writeStringEof(b, "gh");
    }));
  }

  @Test
  void bytesOfEveryKindRoundTrip() {
    byte[] bytes = hex(
        "02 ff 00",             // bytes<lenenc> ff 00
        "01 02 00",             // bytes<NUL> 01 02
        "00 fe");               // bytes<EOF> 00 fe
    decode(bytes, b -> {
      assertArrayEquals(hex("ff 00"), Wire.readBytesLenenc(b));
      assertArrayEquals(hex("01 02"), Wire.readBytesNul(b));
      assertArrayEquals(hex("00 fe"), Wire.readBytesEof(b));
      return null;
    });
    assertBytes(bytes, encode(b -> {
      Wire.writeBytesLenenc(b, hex("ff 00"));
      Wire.writeBytesNul(b, hex("01 02"));
      Wire.writeBytesEof(b, hex("00 fe"));
    }));
  }

  @Test
  void charsetArgumentIsHonoured() {
    Charset latin1 = Charset.forName("windows-1252");
    byte[] bytes = hex("02 e9 80"); // "é€" in cp1252
    assertEquals("é€", decode(bytes, b -> Wire.readStringLenenc(b, latin1)));
    assertBytes(bytes, encode(b -> Wire.writeStringLenenc(b, "é€", latin1)));
  }

  @Test
  void truncatedInputIsMalformedPacketNotIndexOutOfBounds() {
    assertMalformed(hex("01"), Wire::readInt2);
    assertMalformed(hex("01 02 03"), Wire::readInt4);
    assertMalformed(hex("fc 01"), Wire::readIntLenenc);
    assertMalformed(hex("05 61 62"), Wire::readStringLenenc);
    assertMalformed(hex("61 62"), Wire::readStringNul);
    assertMalformed(hex("61"), b -> Wire.readStringFix(b, 2));
  }

  @Test
  void nulTerminatedStringRefusesEmbeddedNul() {
    assertThrows(IllegalArgumentException.class, () -> encode(b -> Wire.writeBytesNul(b, hex("61 00 62"))));
  }

  private static void assertMalformed(byte[] bytes, java.util.function.Function<ByteBuf, ?> read) {
    ByteBuf buf = Bytes.buf(bytes);
    try {
      ProtocolException e = assertThrows(ProtocolException.class, () -> read.apply(buf));
      assertEquals(ErrorCodes.ER_MALFORMED_PACKET, e.error().code());
    } finally {
      buf.release();
    }
  }
}
