package io.sluice.protocol.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Consumer;

/**
 * Packet framing over plain blocking streams, for the small side clients that need no event
 * loop (the greeting probe, the admin command-line client, test clients). Single frames only:
 * these exchanges never carry a 16 MiB payload, and one is refused rather than misread.
 */
public final class BlockingFrames {
  private BlockingFrames() {}

  /** Reads one packet; its payload is an unpooled heap buffer. */
  public static Packet read(InputStream in) throws IOException {
    byte[] header = in.readNBytes(4);
    if (header.length < 4) {
      throw new IOException("the server closed the connection");
    }
    int length = (header[0] & 0xFF) | (header[1] & 0xFF) << 8 | (header[2] & 0xFF) << 16;
    if (length == Packet.MAX_FRAME_PAYLOAD) {
      throw new IOException("a continued (16 MiB) packet, which this client does not read");
    }
    byte[] payload = in.readNBytes(length);
    if (payload.length < length) {
      throw new IOException("the server closed the connection inside a packet");
    }
    return new Packet(header[3] & 0xFF, Unpooled.wrappedBuffer(payload));
  }

  /** Writes one packet whose payload {@code body} encodes. */
  public static void write(OutputStream out, int sequenceId, Consumer<ByteBuf> body) throws IOException {
    ByteBuf buf = Unpooled.buffer();
    try {
      body.accept(buf);
      int n = buf.readableBytes();
      if (n >= Packet.MAX_FRAME_PAYLOAD) {
        throw new IOException("payload of " + n + " bytes needs continuation frames, which this client does not write");
      }
      byte[] frame = new byte[4 + n];
      frame[0] = (byte) n;
      frame[1] = (byte) (n >> 8);
      frame[2] = (byte) (n >> 16);
      frame[3] = (byte) sequenceId;
      buf.readBytes(frame, 4, n);
      out.write(frame);
      out.flush();
    } finally {
      buf.release();
    }
  }
}
