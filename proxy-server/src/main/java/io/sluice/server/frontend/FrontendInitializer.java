package io.sluice.server.frontend;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.sluice.protocol.codec.PacketDecoder;
import io.sluice.protocol.codec.PacketEncoder;
import io.sluice.server.ProxyRuntime;

/** The pipeline of one client connection: [TLS detector] frames, packets, session. */
public final class FrontendInitializer extends ChannelInitializer<SocketChannel> {
  /** Largest command payload accepted from a client, like max_allowed_packet's ceiling (1 GiB). */
  static final int MAX_CLIENT_PAYLOAD = 1 << 30;

  private final ProxyRuntime runtime;
  private final ChannelGroup sessions;
  private final CommandHandlers handlers = new CommandHandlers();

  public FrontendInitializer(ProxyRuntime runtime, ChannelGroup sessions) {
    this.runtime = runtime;
    this.sessions = sessions;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    sessions.add(ch);
    runtime.tls().ifPresent(ctx -> ch.pipeline().addLast("tls-detector", new SslRequestDetector(ctx)));
    ch.pipeline().addLast("frames", new PacketDecoder(MAX_CLIENT_PAYLOAD));
    ch.pipeline().addLast("packets", new PacketEncoder());
    ch.pipeline().addLast("session", new ClientSession(runtime, handlers));
  }
}
