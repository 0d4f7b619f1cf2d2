package io.sluice.protocol.wire;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCounted;
import java.util.Objects;

/**
 * One logical MySQL packet: the payload with the frames' headers removed and any 16 MiB
 * continuation frames joined. Owns {@code payload}; reference counting is delegated to it, so
 * {@code ReferenceCountUtil.release(packet)} and Netty's encoders release the bytes.
 *
 * @param sequenceId the sequence id of the first frame (0..255)
 * @param payload the logical payload
 */
public record Packet(int sequenceId, ByteBuf payload) implements ReferenceCounted {
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

  @Override
  public String toString() {
    return "Packet[seq=" + sequenceId + ", length=" + payload.readableBytes() + ", first=0x"
        + Integer.toHexString(firstByte()) + "]";
  }
}
