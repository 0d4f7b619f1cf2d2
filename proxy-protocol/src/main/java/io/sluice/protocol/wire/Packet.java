package io.sluice.protocol.wire;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;
import java.util.Objects;

/**
 * One logical MySQL packet: the payload with the frames' headers removed and any 16 MiB
 * continuation frames joined. Owns {@code payload}; reference counting is delegated to it, so
 * {@code ReferenceCountUtil.release(packet)} and Netty's encoders release the bytes.
 *
 * <p>A small packet read from the wire may keep its {@code frame}, the bytes as they arrived
 * with the header, so that a packet passed on unchanged (a client's command to its backend)
 * is written as those bytes instead of being framed again into a new buffer. The payload is
 * then a view of the frame, so the two share one reference count.
 *
 * @param sequenceId the sequence id of the first frame (0..255)
 * @param payload the logical payload
 * @param frame the single frame the payload was read from, header included, or null
 */
public record Packet(int sequenceId, ByteBuf payload, ByteBuf frame) implements ReferenceCounted {
  /** The largest frame payload; a frame of exactly this size means "more frames follow". */
  public static final int MAX_FRAME_PAYLOAD = 0xFFFFFF;
  /** Bytes of a frame header: the 3-byte little-endian payload length, then the sequence id. */
  public static final int FRAME_HEADER = 4;

  public Packet {
    if (sequenceId < 0 || sequenceId > 0xFF) {
      throw new IllegalArgumentException("sequence id must be 0..255: " + sequenceId);
    }
    Objects.requireNonNull(payload, "payload");
  }

  /** A packet to be framed when written. */
  public Packet(int sequenceId, ByteBuf payload) {
    this(sequenceId, payload, null);
  }

  /**
   * The packet whose one frame, header included, is {@code frame} (which it takes over); the
   * payload is a view of it.
   */
  public static Packet ofFrame(ByteBuf frame) {
    int index = frame.readerIndex();
    ByteBuf payload = frame.slice(index + FRAME_HEADER, frame.readableBytes() - FRAME_HEADER);
    return new Packet(frame.getUnsignedByte(index + 3), payload, frame);
  }

  /**
   * The received frame, if the packet still reads as it arrived (whole payload, frame not yet
   * written), else null: then it must be framed again.
   */
  public ByteBuf unchangedFrame() {
    return frame != null && frame.readableBytes() == FRAME_HEADER + payload.readableBytes() ? frame : null;
  }

  /**
   * The sequence id the next packet of this exchange must carry. Each frame uses one id; a
   * payload that is an exact multiple of 0xFFFFFF (including 0xFFFFFF itself) is followed by
   * an empty frame, hence {@code / MAX + 1}.
   */
  public int nextSequenceId() {
    return (sequenceId + frames(payload.readableBytes())) & 0xFF;
  }

  /** The number of frames a payload of {@code length} bytes needs on the wire. */
  public static int frames(int length) {
    return length / MAX_FRAME_PAYLOAD + 1;
  }

  /** The first payload byte (the packet "header": 0x00 OK, 0xFF ERR, command code...), or -1. */
  public int firstByte() {
    return payload.isReadable() ? payload.getUnsignedByte(payload.readerIndex()) : -1;
  }

  @Override
  public int refCnt() {
    return payload.refCnt();
  }

  @Override
  public Packet retain() {
    payload.retain();
    return this;
  }

  @Override
  public Packet retain(int increment) {
    payload.retain(increment);
    return this;
  }

  @Override
  public Packet touch() {
    payload.touch();
    return this;
  }

  @Override
  public Packet touch(Object hint) {
    payload.touch(hint);
    return this;
  }

  @Override
  public boolean release() {
    return payload.release();
  }

  @Override
  public boolean release(int decrement) {
    return payload.release(decrement);
  }

  /** Equal sequence ids and payload bytes: how the packet arrived does not matter. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Packet p && p.sequenceId == sequenceId && p.payload.equals(payload);
  }

  @Override
  public int hashCode() {
    return 31 * sequenceId + payload.hashCode();
  }

  @Override
  public String toString() {
    return "Packet[seq=" + sequenceId + ", length=" + payload.readableBytes() + ", first=0x"
        + Integer.toHexString(firstByte()) + "]";
  }
}
