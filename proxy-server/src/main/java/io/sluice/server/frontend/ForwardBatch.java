package io.sluice.server.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.sluice.protocol.codec.PacketEncoder;
import io.sluice.protocol.wire.Packet;

/**
 * The small response packets of one backend read, framed into one buffer: a response of several
 * packets then costs one buffer, one pipeline pass and one plain {@code send} instead of a
 * buffer and an iovec per packet. Large packets are not copied; the session writes them as
 * they are, after what is batched here.
 *
 * <p>Owned by one session, on its event loop. Whatever else the session writes or flushes must
 * come after {@link #writeTo}, so the packets keep their order.
 */
final class ForwardBatch {
  /** Packets at least this large are written as they are, not copied: the encoder's own line. */
  static final int COPY_LIMIT = PacketEncoder.COPY_THRESHOLD;
  /** A batch is written once it holds this much, so the channel's writability (backpressure) sees it. */
  private static final int WRITE_AT = 64 * 1024;
  private static final int INITIAL_CAPACITY = 512;

  private ByteBuf frames;

  /** Whether {@code packet} is small enough to be copied into the batch rather than written itself. */
  static boolean fits(Packet packet) {
    return packet.payload().readableBytes() < COPY_LIMIT;
  }

  /**
   * Frames {@code packet} (header with its own sequence id, then the payload) and releases it.
   * Returns true when the batch has grown enough to be written now.
   */
  boolean add(ChannelHandlerContext ctx, Packet packet) {
    PacketEncoder.writeFrame(frames(ctx, Packet.FRAME_HEADER + packet.payload().readableBytes()),
        packet.sequenceId(), packet.payload());
    packet.release();
    return frames.readableBytes() >= WRITE_AT;
  }

  /**
   * Adds whole frames ({@code src} from {@code from} up to {@code to}, headers included).
   * Returns true when the batch has grown enough to be written now.
   *
   * <p>The last frames of a response, with nothing batched before them (a small response read
   * in one go, the usual case), are written at once as a retained slice of {@code src}, without
   * a copy: the session flushes at the end of every response, so such a slice holds the
   * backend's read buffer only until the client's socket takes it. Frames in the middle of a
   * response are copied, so a long result streamed to a slow client never pins read buffers.
   */
  boolean addFrames(ChannelHandlerContext ctx, ByteBuf src, int from, int to, boolean endsResponse) {
    int length = to - from;
    if (frames == null && endsResponse) {
      ctx.write(src.retainedSlice(from, length), ctx.voidPromise());
      return false;
    }
    frames(ctx, length).writeBytes(src, from, length);
    return frames.readableBytes() >= WRITE_AT;
  }

  /** The batch's buffer, made on first use with room for at least {@code firstBytes}. */
  private ByteBuf frames(ChannelHandlerContext ctx, int firstBytes) {
    if (frames == null) {
      frames = ctx.alloc().buffer(Math.max(INITIAL_CAPACITY, firstBytes));
    }
    return frames;
  }

  /**
   * Writes (without flushing) what is batched, if anything. A failed write reaches the
   * session's exceptionCaught (the void promise fires it), which closes the client: no
   * promise per response.
   */
  void writeTo(ChannelHandlerContext ctx) {
    ByteBuf batch = frames;
    if (batch != null) {
      frames = null;
      ctx.write(batch, ctx.voidPromise());
    }
  }

  /** Drops what is batched: the client is gone. */
  void release() {
    if (frames != null) {
      frames.release();
      frames = null;
    }
  }
}
