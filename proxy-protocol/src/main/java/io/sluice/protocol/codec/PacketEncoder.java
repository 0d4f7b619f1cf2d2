package io.sluice.protocol.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.sluice.protocol.wire.Packet;
import java.util.List;

/**
 * Frames {@link Packet}s: a 4-byte header (3-byte length, sequence id) before each frame of at
 * most 0xFFFFFF bytes. Payloads of 0xFFFFFF bytes or more are split, the sequence id
 * incrementing from {@link Packet#sequenceId()} for each frame; a payload that is an exact
 * multiple of 0xFFFFFF ends with an empty frame so the reader knows it is complete.
 *
 * <p>A packet that still reads as the frame it arrived in is written as that frame, unchanged.
 * Other small payloads are copied behind their header into one buffer (one write, better for
 * the socket); large ones are sent as header buffer + retained slice of the payload, never
 * copied.
 * Stateless, hence sharable.
 */
@Sharable
public final class PacketEncoder extends MessageToMessageEncoder<Packet> {
  /** Below this size, copying is cheaper than a second buffer in the outbound list. */
  public static final int COPY_THRESHOLD = 8 * 1024;

  public PacketEncoder() {
    super(Packet.class);
  }

  /**
   * Appends one frame, header then a copy of {@code payload} (left as it was), to {@code out}
   * and returns {@code out}. For payloads shorter than {@link Packet#MAX_FRAME_PAYLOAD}.
   */
  public static ByteBuf writeFrame(ByteBuf out, int sequenceId, ByteBuf payload) {
    int length = payload.readableBytes();
    return out.writeMediumLE(length).writeByte(sequenceId).writeBytes(payload, payload.readerIndex(), length);
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Packet packet, List<Object> out) {
    ByteBuf frame = packet.unchangedFrame();
    if (frame != null) {
      // Passed on as it was read: the same bytes, no new buffer (the encoder releases the packet).
      out.add(frame.retain());
      return;
    }
    ByteBuf payload = packet.payload();
    int remaining = payload.readableBytes();
    int sequenceId = packet.sequenceId();
    if (remaining < COPY_THRESHOLD) {
      out.add(writeFrame(ctx.alloc().buffer(Packet.FRAME_HEADER + remaining), sequenceId, payload));
      return;
    }
    int offset = payload.readerIndex();
    while (true) {
      int chunk = Math.min(remaining, Packet.MAX_FRAME_PAYLOAD);
      ByteBuf header = ctx.alloc().buffer(Packet.FRAME_HEADER);
      header.writeMediumLE(chunk);
      header.writeByte(sequenceId);
      out.add(header);
      if (chunk > 0) {
        out.add(payload.retainedSlice(offset, chunk));
      }
      offset += chunk;
      remaining -= chunk;
      sequenceId = (sequenceId + 1) & 0xFF;
      if (chunk < Packet.MAX_FRAME_PAYLOAD) {
        return;
      }
    }
  }
}
