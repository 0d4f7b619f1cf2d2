package io.sluice.benchmarks.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.protocol.wire.Packet;
import java.util.Arrays;

/** Builds framed MySQL bytes for the benchmarks and drains embedded channels. */
final class WireBytes {

  private WireBytes() {
  }

  /**
   * A direct pooled buffer, like the ones the epoll transport reads into: what PacketDecoder
   * sees in production.
   */
  static ByteBuf directBuffer(int capacity) {
    return PooledByteBufAllocator.DEFAULT.directBuffer(capacity, capacity);
  }

  /** Appends one logical packet, split into 0xFFFFFF-byte frames as a server would send it. */
  static void writePacket(ByteBuf out, int sequenceId, byte[] payload) {
    int offset = 0;
    int seq = sequenceId;
    while (true) {
      int chunk = Math.min(payload.length - offset, Packet.MAX_FRAME_PAYLOAD);
      out.writeMediumLE(chunk);
      out.writeByte(seq);
      out.writeBytes(payload, offset, chunk);
      offset += chunk;
      seq = (seq + 1) & 0xFF;
      if (chunk < Packet.MAX_FRAME_PAYLOAD) {
        return;
      }
    }
  }

  static int framedSize(int payloadLength) {
    return payloadLength + 4 * Packet.frames(payloadLength);
  }

  static byte[] filled(int length, char c) {
    byte[] bytes = new byte[length];
    Arrays.fill(bytes, (byte) c);
    return bytes;
  }

  /** An embedded channel that allocates like the proxy does (pooled), so allocation numbers compare. */
  static EmbeddedChannel pooledChannel() {
    EmbeddedChannel channel = new EmbeddedChannel();
    channel.config().setAllocator(PooledByteBufAllocator.DEFAULT);
    return channel;
  }

  /** Reads and releases every decoded packet; returns the payload bytes seen (a value JMH keeps). */
  static long drainPackets(EmbeddedChannel channel) {
    long bytes = 0;
    for (Packet packet; (packet = channel.readInbound()) != null; ) {
      bytes += packet.payload().readableBytes();
      packet.release();
    }
    return bytes;
  }

  /** Reads and releases every encoded buffer; returns the bytes that would go to the socket. */
  static long drainOutbound(EmbeddedChannel channel) {
    long bytes = 0;
    for (ByteBuf buf; (buf = channel.readOutbound()) != null; ) {
      bytes += buf.readableBytes();
      buf.release();
    }
    return bytes;
  }
}
