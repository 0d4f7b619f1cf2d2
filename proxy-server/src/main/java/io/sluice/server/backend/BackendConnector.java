package io.sluice.server.backend;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.sluice.protocol.codec.PacketDecoder;
import io.sluice.protocol.codec.PacketEncoder;
import java.time.Duration;

/**
 * Dials backends. The new channel is registered on the caller's event loop, so the client
 * session and its backend connections share one thread and need no locks.
 */
public final class BackendConnector {
  /** Largest payload accepted from a backend: max_allowed_packet's ceiling. */
  private static final int MAX_PAYLOAD = 1 << 30;

  private final Class<? extends Channel> channelClass;
  private final Duration connectTimeout;
  private final BackendTls tls;

  public BackendConnector(Class<? extends Channel> channelClass, Duration connectTimeout, BackendTls tls) {
    this.channelClass = channelClass;
    this.connectTimeout = connectTimeout;
    this.tls = tls;
  }

  public Future<BackendConnection> connect(
      EventLoop loop, String backendName, String host, int port, BackendCredentials credentials,
      long wireCapabilities, int characterSet) {
    Promise<BackendConnection> ready = loop.newPromise();
    BackendConnection connection = new BackendConnection(backendName, credentials, wireCapabilities, characterSet, tls, ready);
    Bootstrap b = new Bootstrap()
        .group(loop)
        .channel(channelClass)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_KEEPALIVE, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis())
        .handler(new ChannelInitializer<>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast("frames", PacketDecoder.withRuns(MAX_PAYLOAD));
            ch.pipeline().addLast("packets", new PacketEncoder());
            ch.pipeline().addLast("backend", connection);
          }
        });
    ChannelFuture cf = b.connect(host, port);
    cf.addListener(f -> {
      if (!f.isSuccess()) {
        connection.connectFailed(f.cause());
      }
    });
    // The whole login (handshake, auth, trackers) must also finish within the connect timeout:
    // a server that accepts TCP but never greets must not hang the session.
    var timeout = loop.schedule(() -> {
      if (!ready.isDone()) {
        connection.connectFailed(new java.util.concurrent.TimeoutException(
            "no login within " + connectTimeout.toMillis() + " ms"));
        cf.channel().close();
      }
    }, connectTimeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    ready.addListener(f -> timeout.cancel(false));
    return ready;
  }
}
