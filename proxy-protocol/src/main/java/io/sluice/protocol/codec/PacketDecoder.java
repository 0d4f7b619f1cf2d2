package io.sluice.protocol.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.sluice.protocol.error.ErrorCodes;
import io.sluice.protocol.error.ProtocolException;
import io.sluice.protocol.wire.Packet;
import io.sluice.protocol.wire.PacketRun;
import java.util.List;

/**
 * Splits the byte stream into {@link Packet}s. Each frame is a 3-byte little-endian payload
 * length, a 1-byte sequence id and the payload. A frame of exactly 0xFFFFFF bytes means the
 * logical packet continues in the next frame (whose sequence id must be one higher); the last
 * frame is shorter, possibly empty. Continuations are joined into one payload without copying
 * (a {@link CompositeByteBuf} of retained slices of the cumulation).
 *
 * <p>The size limit applies to the whole logical payload and is checked as soon as a frame
 * header arrives, so an oversized packet is refused before it is buffered. Any failure
 * (too large, out-of-order continuation) is a {@link ProtocolException} and leaves the decoder
 * discarding input: the stream cannot be re-synchronised and the connection must be closed,
 * as mysqld does.
 *
 * <p>Sequence ids of separate logical packets are not checked here: they restart at 0 with
 * each command, which only the session knows.
 *
 * <p>{@link #withRuns} makes a decoder for a stream that is mostly passed on unchanged (a
 * backend's responses): consecutive small whole packets of one read come out as one
 * {@link PacketRun}, headers included, and only the others as {@link Packet}s, in order.
 */
public final class PacketDecoder extends ByteToMessageDecoder {
  /**
   * Payloads below this size are handed out as retained slices of the cumulation (with their
   * frame, see {@link Packet#ofFrame}), larger ones copied out (see copyOut). Small packets are
   * consumed and released on the event loop within the read that brought them (a row is framed
   * into the client's batch, a command is written to the backend as the same frame), so they
   * share the cumulation only briefly; a copy per packet costs more than the packet itself.
   */
  static final int SLICE_LIMIT = 8 * 1024;

  private final int maxPayloadBytes;
  private final boolean runs;
  private CompositeByteBuf pending;
  private int pendingFirstSequenceId;
  private int lastSequenceId;
  private boolean failed;

  /** @param maxPayloadBytes the largest logical payload accepted (like max_allowed_packet) */
  public PacketDecoder(int maxPayloadBytes) {
    this(maxPayloadBytes, false);
  }

  private PacketDecoder(int maxPayloadBytes, boolean runs) {
    if (maxPayloadBytes < 0) {
      throw new IllegalArgumentException("maxPayloadBytes must be >= 0: " + maxPayloadBytes);
    }
    this.maxPayloadBytes = maxPayloadBytes;
    this.runs = runs;
  }

  /**
   * A decoder that hands out consecutive whole packets below the slice limit as one
   * {@link PacketRun} (a retained slice of the frames, headers included), the others as
   * {@link Packet}s.
   */
  public static PacketDecoder withRuns(int maxPayloadBytes) {
    return new PacketDecoder(maxPayloadBytes, true);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return;
    }
    int runStart = -1;
    try {
      while (in.readableBytes() >= Packet.FRAME_HEADER) {
        int start = in.readerIndex();
        int length = in.getUnsignedMediumLE(start);
        int sequenceId = in.getUnsignedByte(start + 3);
        long total = (pending == null ? 0L : pending.readableBytes()) + length;
        if (total > maxPayloadBytes) {
          runStart = endRun(in, runStart, out);
          fail(in);
          throw new ProtocolException(ErrorCodes.packetTooLarge(), "payload of at least " + total
              + " bytes exceeds the limit of " + maxPayloadBytes);
        }
        if (pending != null && sequenceId != ((lastSequenceId + 1) & 0xFF)) {
          int expected = (lastSequenceId + 1) & 0xFF;
          runStart = endRun(in, runStart, out);
          fail(in);
          throw new ProtocolException(ErrorCodes.packetsOutOfOrder(),
              "continuation frame has sequence id " + sequenceId + ", expected " + expected);
        }
        if (in.readableBytes() < Packet.FRAME_HEADER + length) {
          return;
        }
        boolean continues = length == Packet.MAX_FRAME_PAYLOAD;
        boolean whole = pending == null && !continues; // one frame is the whole packet
        boolean small = whole && length < SLICE_LIMIT;
        if (runs && small) {
          // Part of a run: left in place, sliced out whole when the run ends.
          if (runStart < 0) {
            runStart = start;
          }
          in.skipBytes(Packet.FRAME_HEADER + length);
          lastSequenceId = sequenceId;
          continue;
        }
        runStart = endRun(in, runStart, out);
        lastSequenceId = sequenceId;
        if (small) {
          out.add(Packet.ofFrame(in.readRetainedSlice(Packet.FRAME_HEADER + length)));
          continue;
        }
        in.skipBytes(Packet.FRAME_HEADER);
        if (whole) {
          out.add(new Packet(sequenceId, copyOut(ctx, in, length)));
          continue;
        }
        if (pending == null) {
          // Enough components for max_allowed_packet = 1 GiB (64 frames) without consolidation.
          pending = ctx.alloc().compositeBuffer(Math.max(16, maxPayloadBytes / Packet.MAX_FRAME_PAYLOAD + 2));
          pendingFirstSequenceId = sequenceId;
        }
        if (length > 0) {
          pending.addComponent(true, copyOut(ctx, in, length));
        }
        if (!continues) {
          Packet packet = new Packet(pendingFirstSequenceId, pending);
          pending = null;
          out.add(packet);
        }
      }
    } finally {
      endRun(in, runStart, out);
    }
  }

  /**
   * Hands out the run of frames from {@code runStart} up to the reader index, if one was
   * started, and returns -1 (no run). Small packets in a run share the cumulation only until
   * the read that brought them is handled, as sliced packets do.
   */
  private static int endRun(ByteBuf in, int runStart, List<Object> out) {
    if (runStart >= 0) {
      out.add(new PacketRun(in.retainedSlice(runStart, in.readerIndex() - runStart)));
    }
    return -1;
  }

  /**
   * Copies a payload out of the cumulation instead of slicing it. A retained slice keeps the
   * cumulation shared until the packet is written out, and ByteToMessageDecoder only compacts
   * an unshared cumulation, checking just before a proxy flushes what it forwarded: with a
   * steady stream of large rows the cumulation then grows without bound (64 MiB buffers for
   * 1 MiB rows, and out of direct memory under -Xmx128m). One copy per packet keeps it bounded.
   */
  private static ByteBuf copyOut(ChannelHandlerContext ctx, ByteBuf in, int length) {
    ByteBuf copy = ctx.alloc().buffer(length, length);
    copy.writeBytes(in, length);
    return copy;
  }

  private void fail(ByteBuf in) {
    failed = true;
    in.skipBytes(in.readableBytes());
    releasePending();
  }

  private void releasePending() {
    if (pending != null) {
      pending.release();
      pending = null;
    }
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) {
    releasePending();
  }
}
