package io.sluice.protocol.codec;

import static io.sluice.protocol.Bytes.assertBytes;
import static io.sluice.protocol.Bytes.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.sluice.protocol.error.ErrorCodes;
import io.sluice.protocol.error.ProtocolException;
import io.sluice.protocol.wire.Packet;
import io.sluice.protocol.wire.PacketRun;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PacketCodecTest {
  private static final int MAX = 0xFFFFFF;
  private static final int LIMIT = 64 * 1024 * 1024;

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 1, MAX - 1, MAX, MAX + 1000, 2 * MAX})
  void payloadRoundTripsThroughEncoderAndDecoderWithExactFrameHeaders(int size) {
    EmbeddedChannel encoder = new EmbeddedChannel(new PacketEncoder());
    EmbeddedChannel decoder = new EmbeddedChannel(new PacketDecoder(LIMIT));
    try {
      ByteBuf payload = patterned(size);
      int expectedHash = payload.hashCode();
      assertTrue(encoder.writeOutbound(new Packet(7, payload)));
      ByteBuf wire = drainOutbound(encoder);
      try {
        // Frame headers: full frames of 0xFFFFFF with seq 7, 8, ...; then the short (maybe empty) one.
        int frames = size / MAX + 1;
        assertEquals(size + 4L * frames, wire.readableBytes());
        int at = 0;
        for (int f = 0; f < frames; f++) {
          int length = f < frames - 1 ? MAX : size - (frames - 1) * MAX;
          assertEquals(length, wire.getUnsignedMediumLE(at), "length of frame " + f);
          assertEquals(7 + f, wire.getUnsignedByte(at + 3), "sequence id of frame " + f);
          at += 4 + length;
        }
        decoder.writeInbound(wire.retain());
      } finally {
        wire.release();
      }
      Packet decoded = decoder.readInbound();
      try {
        assertEquals(7, decoded.sequenceId());
        assertEquals(size, decoded.payload().readableBytes());
        assertEquals(expectedHash, decoded.payload().hashCode(), "payload content");
        assertEquals((7 + size / MAX + 1) & 0xFF, decoded.nextSequenceId());
      } finally {
        decoded.release();
      }
      assertNull(decoder.readInbound());
    } finally {
      assertFalse(encoder.finishAndReleaseAll());
      assertFalse(decoder.finishAndReleaseAll());
    }
  }

  @Test
  void smallPacketEncodesToHeaderAndPayload() {
    EmbeddedChannel encoder = new EmbeddedChannel(new PacketEncoder());
    encoder.writeOutbound(new Packet(0, ByteBufAllocator.DEFAULT.buffer().writeBytes(hex("0e"))));
    ByteBuf wire = drainOutbound(encoder);
    try {
      assertBytes(hex(
          "01 00 00", // length 1
          "00",       // sequence id 0
          "0e"),      // COM_PING
          ByteBufUtil.getBytes(wire));
    } finally {
      wire.release();
      encoder.finishAndReleaseAll();
    }
  }

  @Test
  void decodedSmallPacketIsWrittenAgainAsTheFrameItArrivedIn() {
    EmbeddedChannel decoder = new EmbeddedChannel(new PacketDecoder(LIMIT));
    EmbeddedChannel encoder = new EmbeddedChannel(new PacketEncoder());
    byte[] wire = hex("09 00 00 00", "03 53 45 4c 45 43 54 20 31"); // COM_QUERY "SELECT 1"
    decoder.writeInbound(ByteBufAllocator.DEFAULT.buffer().writeBytes(wire));
    Packet packet = decoder.readInbound();
    ByteBuf frame = packet.frame();
    assertBytes(hex("03 53 45 4c 45 43 54 20 31"), ByteBufUtil.getBytes(packet.payload()));
    assertEquals(1, frame.refCnt(), "the payload is a view sharing the frame's count");

    encoder.writeOutbound(packet);
    ByteBuf out = encoder.readOutbound();
    try {
      assertTrue(out == frame, "the received frame itself, not a new buffer");
      assertBytes(wire, ByteBufUtil.getBytes(out));
    } finally {
      out.release();
    }
    assertEquals(0, frame.refCnt(), "the encoder released the packet; the write owns and released the frame");
    assertFalse(decoder.finishAndReleaseAll());
    assertFalse(encoder.finishAndReleaseAll());
  }

  @Test
  void decodedPacketWhosePayloadWasPartlyReadIsFramedAgain() {
    EmbeddedChannel decoder = new EmbeddedChannel(new PacketDecoder(LIMIT));
    EmbeddedChannel encoder = new EmbeddedChannel(new PacketEncoder());
    decoder.writeInbound(ByteBufAllocator.DEFAULT.buffer().writeBytes(hex("03 00 00 05", "16 01 02")));
    Packet packet = decoder.readInbound();
    packet.payload().skipBytes(1);
    assertNull(packet.unchangedFrame());

    encoder.writeOutbound(packet);
    ByteBuf out = drainOutbound(encoder);
    try {
      assertBytes(hex("02 00 00 05", "01 02"), ByteBufUtil.getBytes(out));
    } finally {
      out.release();
    }
    assertFalse(decoder.finishAndReleaseAll());
    assertFalse(encoder.finishAndReleaseAll());
  }

  @Test
  void packetsArrivingOneByteAtATimeAreReassembled() {
    EmbeddedChannel decoder = new EmbeddedChannel(new PacketDecoder(LIMIT));
    byte[] stream = hex(
        "03 00 00 00", "01 02 03",  // packet seq 0, 3 bytes
        "00 00 00 01",              // packet seq 1, empty
        "01 00 00 02", "ff");       // packet seq 2, 1 byte
    for (byte b : stream) {
      decoder.writeInbound(ByteBufAllocator.DEFAULT.buffer(1).writeByte(b));
    }
    assertPacket(decoder.readInbound(), 0, hex("01 02 03"));
    assertPacket(decoder.readInbound(), 1, new byte[0]);
    assertPacket(decoder.readInbound(), 2, hex("ff"));
    assertNull(decoder.readInbound());
    assertFalse(decoder.finishAndReleaseAll());
  }

  @Test
  void continuationFramesArrivingInSmallChunksAreJoined() {
    EmbeddedChannel decoder = new EmbeddedChannel(new PacketDecoder(LIMIT));
    int size = MAX + 10;
    ByteBuf wire = ByteBufAllocator.DEFAULT.buffer(size + 8);
    ByteBuf payload = patterned(size);
    try {
      wire.writeMediumLE(MAX).writeByte(254).writeBytes(payload, 0, MAX);
      wire.writeMediumLE(10).writeByte(255).writeBytes(payload, MAX, 10); // seq wraps 254 -> 255
      while (wire.isReadable()) {
        decoder.writeInbound(wire.readRetainedSlice(Math.min(65_537, wire.readableBytes())));
        if (wire.isReadable()) {
          assertNull(decoder.readInbound(), "no packet before the last frame");
        }
      }
      Packet p = decoder.readInbound();
      try {
        assertEquals(254, p.sequenceId());
        assertEquals(0, p.nextSequenceId());
        assertTrue(ByteBufUtil.equals(payload, p.payload()));
      } finally {
        p.release();
      }
    } finally {
      wire.release();
      payload.release();
      assertFalse(decoder.finishAndReleaseAll());
    }
  }

  @Test
  void continuationFrameWithWrongSequenceIdIsRejectedAsPacketsOutOfOrder() {
    EmbeddedChannel decoder = new EmbeddedChannel(new PacketDecoder(LIMIT));
    ByteBuf wire = ByteBufAllocator.DEFAULT.buffer(MAX + 16);
    wire.writeMediumLE(MAX).writeByte(1).writeZero(MAX);
    wire.writeMediumLE(1).writeByte(3).writeByte(0x42); // expected seq 2
    DecoderException e = assertThrows(DecoderException.class, () -> decoder.writeInbound(wire));
    ProtocolException cause = assertInstanceOf(ProtocolException.class, e.getCause());
    assertEquals(ErrorCodes.ER_NET_PACKETS_OUT_OF_ORDER, cause.error().code());
    assertEquals("08S01", cause.error().sqlState());
    // The stream cannot be re-synchronised: later bytes are discarded, nothing is emitted.
    decoder.writeInbound(ByteBufAllocator.DEFAULT.buffer().writeBytes(hex("01 00 00 00 0e")));
    assertNull(decoder.readInbound());
    assertFalse(decoder.finishAndReleaseAll());
  }

  @Test
  void payloadAboveTheLimitIsRejectedFromItsHeaderAlone() {
    EmbeddedChannel decoder = new EmbeddedChannel(new PacketDecoder(100));
    // Only the header of a 101-byte packet has arrived.
    DecoderException e = assertThrows(DecoderException.class,
        () -> decoder.writeInbound(ByteBufAllocator.DEFAULT.buffer().writeBytes(hex("65 00 00 00"))));
    ProtocolException cause = assertInstanceOf(ProtocolException.class, e.getCause());
    assertEquals(ErrorCodes.ER_NET_PACKET_TOO_LARGE, cause.error().code());
    assertFalse(decoder.finishAndReleaseAll());
  }

  @Test
  void payloadExactlyAtTheLimitIsAccepted() {
    EmbeddedChannel decoder = new EmbeddedChannel(new PacketDecoder(3));
    decoder.writeInbound(ByteBufAllocator.DEFAULT.buffer().writeBytes(hex("03 00 00 05 61 62 63")));
    assertPacket(decoder.readInbound(), 5, hex("61 62 63"));
    assertFalse(decoder.finishAndReleaseAll());
  }

  @Test
  void joinedPayloadAboveTheLimitIsRejectedAtTheContinuationHeader() {
    EmbeddedChannel decoder = new EmbeddedChannel(new PacketDecoder(MAX + 5));
    ByteBuf wire = ByteBufAllocator.DEFAULT.buffer(MAX + 16);
    wire.writeMediumLE(MAX).writeByte(0).writeZero(MAX);
    wire.writeMediumLE(6).writeByte(1);
    DecoderException e = assertThrows(DecoderException.class, () -> decoder.writeInbound(wire));
    assertEquals(ErrorCodes.ER_NET_PACKET_TOO_LARGE, ((ProtocolException) e.getCause()).error().code());
    assertFalse(decoder.finishAndReleaseAll());
  }

  @Test
  void partialContinuationIsReleasedWhenTheChannelCloses() {
    EmbeddedChannel decoder = new EmbeddedChannel(new PacketDecoder(LIMIT));
    ByteBuf wire = ByteBufAllocator.DEFAULT.buffer(MAX + 4);
    wire.writeMediumLE(MAX).writeByte(0).writeZero(MAX);
    decoder.writeInbound(wire);
    assertNull(decoder.readInbound());
    // Closing removes the handler; the pending composite must be released (leak detector checks).
    assertFalse(decoder.finishAndReleaseAll());
  }

  @Test
  void runDecoderHandsOutTheSmallPacketsOfOneReadAsOneRunWithTheirHeaders() {
    EmbeddedChannel decoder = new EmbeddedChannel(PacketDecoder.withRuns(LIMIT));
    byte[] stream = hex(
        "01 00 00 01", "01",        // column count
        "03 00 00 02", "61 62 63",  // a definition
        "00 00 00 03",              // an empty packet
        "07 00 00 04", "fe 00 00 02 00 00 00", // OK with the EOF header
        "05 00");                   // the start of the next read's header
    decoder.writeInbound(ByteBufAllocator.DEFAULT.buffer().writeBytes(stream));
    PacketRun run = decoder.readInbound();
    try {
      assertBytes(java.util.Arrays.copyOf(stream, stream.length - 2), ByteBufUtil.getBytes(run.frames()));
      List<String> frames = new ArrayList<>();
      for (int f = run.start(); f < run.end(); f = run.next(f)) {
        frames.add(run.sequenceId(f) + ":" + ByteBufUtil.hexDump(run.payloadView(f)));
      }
      assertEquals(List.of("1:01", "2:616263", "3:", "4:fe000002000000"), frames);
      int second = run.next(run.start());
      int last = run.next(run.next(second));
      assertEquals(run.end(), run.next(last));
      assertEquals(5, run.nextSequenceId(last));
      assertEquals(3, run.nextSequenceId(second));
      assertPacket(run.packet(second), 2, hex("61 62 63"));
      assertEquals(1, run.refCnt(), "the packet's slice was released again");
    } finally {
      run.release();
    }
    assertNull(decoder.readInbound());
    // The rest of the split header arrives: a packet of its own, in a run of one.
    decoder.writeInbound(ByteBufAllocator.DEFAULT.buffer().writeBytes(hex("00 05", "68 65 6c 6c 6f")));
    PacketRun next = decoder.readInbound();
    try {
      assertEquals(List.of(5), List.of(next.sequenceId(next.start())));
      assertEquals(next.end(), next.next(next.start()));
      assertBytes(hex("68 65 6c 6c 6f"), ByteBufUtil.getBytes(next.payloadView(next.start())));
    } finally {
      next.release();
    }
    assertFalse(decoder.finishAndReleaseAll());
  }

  @Test
  void runDecoderHandsOutLargeAndContinuedPacketsAsPacketsBetweenRuns() {
    EmbeddedChannel decoder = new EmbeddedChannel(PacketDecoder.withRuns(LIMIT));
    int large = 20_000; // above the slice limit: copied out as a packet of its own
    ByteBuf wire = ByteBufAllocator.DEFAULT.buffer();
    wire.writeBytes(hex("01 00 00 00", "0a", "01 00 00 01", "0b"));
    wire.writeMediumLE(large).writeByte(2).writeZero(large);
    wire.writeBytes(hex("01 00 00 03", "0c"));
    wire.writeMediumLE(MAX).writeByte(4).writeZero(MAX);
    wire.writeBytes(hex("02 00 00 05", "0d 0e", "01 00 00 06", "0f"));
    decoder.writeInbound(wire);
    List<String> seen = new ArrayList<>();
    for (Object m; (m = decoder.readInbound()) != null; ) {
      if (m instanceof PacketRun run) {
        StringBuilder b = new StringBuilder("run");
        for (int f = run.start(); f < run.end(); f = run.next(f)) {
          b.append(' ').append(run.sequenceId(f)).append(':').append(ByteBufUtil.hexDump(run.payloadView(f)));
        }
        seen.add(b.toString());
        run.release();
      } else {
        Packet p = (Packet) m;
        seen.add("packet " + p.sequenceId() + ":" + p.payload().readableBytes());
        p.release();
      }
    }
    assertEquals(List.of("run 0:0a 1:0b", "packet 2:" + large, "run 3:0c", "packet 4:" + (MAX + 2), "run 6:0f"), seen);
    assertFalse(decoder.finishAndReleaseAll());
  }

  @Test
  void runDecoderHandsOutTheRunBeforeAnOversizedHeaderFails() {
    EmbeddedChannel decoder = new EmbeddedChannel(PacketDecoder.withRuns(100));
    DecoderException e = assertThrows(DecoderException.class,
        () -> decoder.writeInbound(ByteBufAllocator.DEFAULT.buffer().writeBytes(hex("01 00 00 00", "0a", "65 00 00 01"))));
    assertEquals(ErrorCodes.ER_NET_PACKET_TOO_LARGE, ((ProtocolException) e.getCause()).error().code());
    PacketRun run = decoder.readInbound();
    try {
      assertBytes(hex("01 00 00 00", "0a"), ByteBufUtil.getBytes(run.frames()));
    } finally {
      run.release();
    }
    assertFalse(decoder.finishAndReleaseAll());
  }

  private static void assertPacket(Packet p, int seq, byte[] payload) {
    try {
      assertEquals(seq, p.sequenceId());
      assertBytes(payload, ByteBufUtil.getBytes(p.payload()));
    } finally {
      p.release();
    }
  }

  private static ByteBuf patterned(int size) {
    // Filled as an array: paranoid leak detection records every call on a tracked buffer.
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (i * 31 + (i >>> 16));
    }
    return ByteBufAllocator.DEFAULT.heapBuffer(size).writeBytes(bytes);
  }

  private static ByteBuf drainOutbound(EmbeddedChannel ch) {
    List<ByteBuf> parts = new ArrayList<>();
    ByteBuf part;
    while ((part = ch.readOutbound()) != null) {
      parts.add(part);
    }
    int total = parts.stream().mapToInt(ByteBuf::readableBytes).sum();
    ByteBuf all = ByteBufAllocator.DEFAULT.heapBuffer(total);
    for (ByteBuf p : parts) {
      all.writeBytes(p);
      p.release();
    }
    return all;
  }
}
