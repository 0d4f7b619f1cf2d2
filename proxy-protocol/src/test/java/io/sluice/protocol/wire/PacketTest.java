package io.sluice.protocol.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PacketTest {

  @ParameterizedTest(name = "seq {0}, {1} bytes -> next {2}")
  @CsvSource({
      "0, 0, 1",
      "0, 1, 1",
      "3, 16777214, 4",
      "0, 16777215, 2",      // exactly one full frame: an empty frame follows
      "0, 16778215, 2",      // 0xFFFFFF + 1000
      "0, 33554430, 3",      // 2 * 0xFFFFFF: two full frames + empty frame
      "255, 0, 0",           // wraps
      "255, 16777215, 1"})
  void nextSequenceIdCountsEveryFrame(int seq, int length, int next) {
    ByteBuf payload = ByteBufAllocator.DEFAULT.heapBuffer(length);
    payload.writerIndex(length);
    Packet p = new Packet(seq, payload);
    try {
      assertEquals(next, p.nextSequenceId());
    } finally {
      p.release();
    }
  }

  @Test
  void firstBytePeeksWithoutConsuming() {
    ByteBuf payload = ByteBufAllocator.DEFAULT.buffer().writeByte(0xFE).writeByte(1);
    Packet p = new Packet(0, payload);
    assertEquals(0xFE, p.firstByte());
    assertEquals(0, payload.readerIndex());
    p.release();
    Packet empty = new Packet(0, ByteBufAllocator.DEFAULT.buffer());
    assertEquals(-1, empty.firstByte());
    empty.release();
  }

  @Test
  void referenceCountingDelegatesToThePayloadSoNettyUtilitiesReleaseIt() {
    ByteBuf payload = ByteBufAllocator.DEFAULT.buffer().writeByte(1);
    Packet p = new Packet(7, payload);
    p.retain();
    assertEquals(2, payload.refCnt());
    ReferenceCountUtil.release(p);
    assertEquals(1, p.refCnt());
    ReferenceCountUtil.release(p);
    assertEquals(0, payload.refCnt());
  }

  @Test
  void sequenceIdMustFitInOneByte() {
    ByteBuf payload = ByteBufAllocator.DEFAULT.buffer();
    try {
      assertThrows(IllegalArgumentException.class, () -> new Packet(256, payload));
      assertThrows(IllegalArgumentException.class, () -> new Packet(-1, payload));
    } finally {
      payload.release();
    }
  }
}
