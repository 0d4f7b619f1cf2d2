package io.sluice.server.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslContext;
import io.sluice.protocol.Capabilities;
import java.util.List;

/**
 * Sits in front of the packet decoder until the client's first packet. If that packet is an
 * SSLRequest (32 bytes with CLIENT_SSL), it is consumed and this handler replaces itself with
 * an SslHandler; the bytes that follow it in the same read (the TLS ClientHello, which clients
 * send without waiting) are handed to the SslHandler by Netty's replace(). Otherwise it just
 * steps aside and the packet goes to the normal decoder.
 */
final class SslRequestDetector extends ByteToMessageDecoder {
  private static final int HEADER = 4;
  private static final int SSL_REQUEST_PAYLOAD = 32;

  private final SslContext sslContext;

  SslRequestDetector(SslContext sslContext) {
    this.sslContext = sslContext;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (in.readableBytes() < HEADER) {
      return;
    }
    int start = in.readerIndex();
    int length = in.getUnsignedMediumLE(start);
    if (length != SSL_REQUEST_PAYLOAD) {
      // Not an SSLRequest (which is exactly 32 bytes); whatever it is, the decoder judges it.
      ctx.pipeline().remove(this);
      return;
    }
    if (in.readableBytes() < HEADER + 4) {
      return;
    }
    long flags = in.getUnsignedIntLE(start + HEADER);
    boolean sslRequest = (flags & Capabilities.CLIENT_SSL) != 0;
    if (!sslRequest) {
      ctx.pipeline().remove(this);
      return;
    }
    if (in.readableBytes() < HEADER + SSL_REQUEST_PAYLOAD) {
      return;
    }
    in.skipBytes(HEADER + SSL_REQUEST_PAYLOAD);
    ctx.fireUserEventTriggered(TlsStarted.INSTANCE);
    ctx.pipeline().replace(this, "tls", sslContext.newHandler(ctx.alloc()));
  }

  /** Tells the session that the rest of the login happens over TLS. */
  enum TlsStarted { INSTANCE }
}
