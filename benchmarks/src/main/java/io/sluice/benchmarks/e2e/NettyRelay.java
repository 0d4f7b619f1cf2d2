package io.sluice.benchmarks.e2e;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain TCP relay on Netty's epoll transport, for the end-to-end benchmark only: what a Java
 * proxy on Netty costs before it understands a single byte. Each client connection gets one
 * connection to the next backend (round robin), on the same event loop, and bytes are passed
 * through both ways as they arrive, like haproxy in {@code mode tcp}. Beside haproxy and Sluice
 * it splits Sluice's cost into what the JVM and Netty take and what Sluice's own work takes.
 *
 * <pre>java -cp benchmarks.jar io.sluice.benchmarks.e2e.NettyRelay PORT IO_THREADS HOST:PORT...</pre>
 */
public final class NettyRelay {
  private NettyRelay() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length < 3) {
      System.err.println("usage: NettyRelay LISTEN_PORT IO_THREADS BACKEND_HOST:PORT...");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    int threads = Integer.parseInt(args[1]);
    List<InetSocketAddress> backends = new ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      int colon = args[i].lastIndexOf(':');
      backends.add(new InetSocketAddress(args[i].substring(0, colon), Integer.parseInt(args[i].substring(colon + 1))));
    }
    AtomicInteger next = new AtomicInteger();
    EventLoopGroup group = new EpollEventLoopGroup(threads);
    Channel server = new ServerBootstrap()
        .group(group)
        .channel(EpollServerSocketChannel.class)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.AUTO_READ, false)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel client) {
            client.pipeline().addLast(new ClientSide(backends.get(Math.floorMod(next.getAndIncrement(), backends.size()))));
          }
        })
        .bind("127.0.0.1", port).sync().channel();
    System.out.println("NettyRelay listening on 127.0.0.1:" + port + " with " + threads + " event loop(s)");
    server.closeFuture().sync();
  }

  /** The client's side: connects to its backend when the client connects, then relays. */
  private static final class ClientSide extends ChannelInboundHandlerAdapter {
    private final InetSocketAddress backend;
    private Channel peer;

    ClientSide(InetSocketAddress backend) {
      this.backend = backend;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      Channel client = ctx.channel();
      new Bootstrap()
          .group(client.eventLoop())
          .channel(EpollSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, true)
          .handler(new Relay(client))
          .connect(backend)
          .addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
              client.close();
              return;
            }
            peer = f.channel();
            client.config().setAutoRead(true);
          });
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      peer.writeAndFlush(msg, peer.voidPromise());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (peer != null) {
        peer.close();
      }
    }
  }

  /** The backend's side: passes what the backend sends to the client. */
  private static final class Relay extends ChannelInboundHandlerAdapter {
    private final Channel peer;

    Relay(Channel peer) {
      this.peer = peer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      peer.writeAndFlush(msg, peer.voidPromise());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      peer.close();
    }
  }
}
