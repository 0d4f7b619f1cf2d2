package io.sluice.server.frontend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.protocol.wire.Packet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ForwardBatchTest {
  private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
  private final ChannelHandlerContext ctx = channel.pipeline().firstContext();
  private final ForwardBatch batch = new ForwardBatch();

  @AfterEach
  void close() {
    batch.release();
    channel.finishAndReleaseAll();
  }

  @Test
  void packetsOfOneReadLeaveAsOneBufferOfFrames() {
    Packet columnCount = packet(1, "01");
    Packet row = packet(3, "0131");
    assertFalse(batch.add(ctx, columnCount));
    assertFalse(batch.add(ctx, row));
    assertEquals(0, columnCount.refCnt(), "the packet is released once copied");
    batch.writeTo(ctx);
    channel.flush();
    ByteBuf out = channel.readOutbound();
    // 3-byte length, sequence id, payload; each packet keeps its own sequence id.
    assertArrayEquals(ByteBufUtil.decodeHexDump("010000" + "01" + "01" + "020000" + "03" + "0131"), ByteBufUtil.getBytes(out));
    out.release();
    assertNull(channel.readOutbound(), "one buffer, not one per packet");
  }

  @Test
  void framesOfARunAreCopiedAsTheyAreAfterEarlierPackets() {
    assertFalse(batch.add(ctx, packet(1, "01")));
    // A run's bytes with a frame before and after the part forwarded.
    ByteBuf run = Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(
        "01000001" + "aa" + "02000002" + "0131" + "07000003" + "fe000002000000" + "01000000" + "bb"));
    assertFalse(batch.addFrames(ctx, run, 5, 5 + 6 + 11, true));
    assertEquals(1, run.refCnt(), "the run stays the caller's");
    run.release();
    batch.writeTo(ctx);
    channel.flush();
    ByteBuf out = channel.readOutbound();
    assertArrayEquals(ByteBufUtil.decodeHexDump("01000001" + "01" + "02000002" + "0131" + "07000003" + "fe000002000000"),
        ByteBufUtil.getBytes(out));
    out.release();
  }

  @Test
  void aWholeResponseInOneRunIsWrittenAsASliceOfItWithoutACopy() {
    ByteBuf run = Unpooled.directBuffer().writeBytes(ByteBufUtil.decodeHexDump(
        "01000001" + "01" + "07000002" + "fe000002000000"));
    assertFalse(batch.addFrames(ctx, run, 0, run.writerIndex(), true));
    assertEquals(2, run.refCnt(), "written as a retained slice");
    run.release();
    batch.writeTo(ctx);
    channel.flush();
    ByteBuf out = channel.readOutbound();
    assertArrayEquals(ByteBufUtil.decodeHexDump("01000001" + "01" + "07000002" + "fe000002000000"), ByteBufUtil.getBytes(out));
    assertEquals(run.memoryAddress(), out.memoryAddress(), "the run's own bytes, not a copy");
    out.release();
    assertEquals(0, run.refCnt());
    assertNull(channel.readOutbound());
  }

  @Test
  void asksToBeWrittenOnce64KiBOfFramesAreBatched() {
    ByteBuf frames = Unpooled.wrappedBuffer(new byte[40 * 1024]);
    assertFalse(batch.addFrames(ctx, frames, 0, frames.readableBytes(), false));
    assertTrue(batch.addFrames(ctx, frames, 0, frames.readableBytes(), false));
    frames.release();
  }

  @Test
  void asksToBeWrittenOnce64KiBAreBatched() {
    Packet row = packet(1, "00".repeat(ForwardBatch.COPY_LIMIT - 1));
    assertTrue(ForwardBatch.fits(row));
    boolean full = false;
    int added = 0;
    while (!full) {
      full = batch.add(ctx, new Packet(1, row.payload().retainedDuplicate()));
      added++;
    }
    row.release();
    assertEquals(8, added, "8 frames of 8 KiB pass 64 KiB");
  }

  @Test
  void largePacketsDoNotFit() {
    Packet large = packet(0, "00".repeat(ForwardBatch.COPY_LIMIT));
    assertFalse(ForwardBatch.fits(large));
    large.release();
  }

  @Test
  void nothingBatchedWritesNothing() {
    batch.writeTo(ctx);
    channel.flush();
    assertNull(channel.readOutbound());
  }

  private static Packet packet(int sequenceId, String hex) {
    return new Packet(sequenceId, Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(hex)));
  }
}
