package io.sluice.protocol.wire;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;
import java.util.Objects;

/**
 * Consecutive whole frames exactly as they came off the wire, headers included, each one a
 * complete small logical packet (no continuation). A response is mostly such packets (column
 * count, definitions, rows, the final OK), and a proxy only looks at them and passes them on:
 * taken as one run per read they cost one buffer, one pipeline pass and one copy into the
 * client's batch, instead of a slice, a {@link Packet} and reference counting each.
 *
 * <p>Frames are addressed by the index of their header in {@link #frames()}, from
 * {@link #start()} to {@link #end()}; {@link #next} steps from one to the following one.
 * Owns {@code frames}; reference counting is delegated to it.
 */
public record PacketRun(ByteBuf frames) implements ReferenceCounted {
  public PacketRun {
    Objects.requireNonNull(frames, "frames");
  }

  /** The index of the first frame's header. */
  public int start() {
    return frames.readerIndex();
  }

  /** The index just past the last frame. */
  public int end() {
    return frames.writerIndex();
  }

  /** The payload length of the frame at {@code frame}. */
  public int payloadLength(int frame) {
    return frames.getUnsignedMediumLE(frame);
  }

  /** The sequence id of the frame at {@code frame}. */
  public int sequenceId(int frame) {
    return frames.getUnsignedByte(frame + 3);
  }

  /** The index of the frame after the one at {@code frame} ({@link #end()} after the last). */
  public int next(int frame) {
    return frame + Packet.FRAME_HEADER + payloadLength(frame);
  }

  /**
   * The payload of the frame at {@code frame}, as a slice that shares the run's bytes without
   * retaining them: valid while the run is, for a look rather than to keep.
   */
  public ByteBuf payloadView(int frame) {
    return frames.slice(frame + Packet.FRAME_HEADER, payloadLength(frame));
  }

  /** The frame at {@code frame} as a packet of its own (a retained slice: the caller owns it). */
  public Packet packet(int frame) {
    return new Packet(sequenceId(frame), frames.retainedSlice(frame + Packet.FRAME_HEADER, payloadLength(frame)));
  }

  /** The sequence id that follows the frame at {@code frame}. */
  public int nextSequenceId(int frame) {
    return (sequenceId(frame) + 1) & 0xFF;
  }

  @Override
  public int refCnt() {
    return frames.refCnt();
  }

  @Override
  public PacketRun retain() {
    frames.retain();
    return this;
  }

  @Override
  public PacketRun retain(int increment) {
    frames.retain(increment);
    return this;
  }

  @Override
  public PacketRun touch() {
    frames.touch();
    return this;
  }

  @Override
  public PacketRun touch(Object hint) {
    frames.touch(hint);
    return this;
  }

  @Override
  public boolean release() {
    return frames.release();
  }

  @Override
  public boolean release(int decrement) {
    return frames.release(decrement);
  }

  @Override
  public String toString() {
    return "PacketRun[bytes=" + frames.readableBytes() + "]";
  }
}
