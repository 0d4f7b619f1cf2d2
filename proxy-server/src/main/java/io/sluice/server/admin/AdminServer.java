package io.sluice.server.admin;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.SocketChannel;
import io.sluice.protocol.codec.PacketDecoder;
import io.sluice.protocol.codec.PacketEncoder;
import io.sluice.server.config.ProxyConfig;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/** The admin port: its own listener and account, sharing the proxy's event loops. */
public final class AdminServer implements AutoCloseable {
  private final Channel channel;

  private AdminServer(Channel channel) {
    this.channel = channel;
  }

  public static AdminServer start(ProxyConfig.AdminConfig config, AdminContext context, EventLoopGroup boss,
      EventLoopGroup workers, Class<? extends ServerChannel> serverClass) throws InterruptedException {
    AdminCommands commands = new AdminCommands(context);
    AtomicLong ids = new AtomicLong();
    // One thread runs admin statements in order, off the event loops. Started now, not on the
    // first statement from an event loop, whose CPU binding (--bind-io-threads) it would inherit.
    java.util.concurrent.ThreadPoolExecutor commandThread = new java.util.concurrent.ThreadPoolExecutor(1, 1, 0,
        java.util.concurrent.TimeUnit.MILLISECONDS, new java.util.concurrent.LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "sluice-admin");
          t.setDaemon(true);
          return t;
        });
    commandThread.prestartCoreThread();
    Channel ch = new ServerBootstrap()
        .group(boss, workers)
        .channel(serverClass)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel c) {
            c.pipeline().addLast("frames", new PacketDecoder(1 << 20));
            c.pipeline().addLast("packets", new PacketEncoder());
            c.pipeline().addLast("admin", new AdminSession(config, commands, commandThread, ids.incrementAndGet()));
          }
        })
        .bind(config.listen().host(), config.listen().port()).sync().channel();
    return new AdminServer(ch);
  }

  public InetSocketAddress localAddress() {
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
  }
}
