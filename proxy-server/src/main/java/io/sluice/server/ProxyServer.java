package io.sluice.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.sluice.core.cluster.ClusterView;
import io.sluice.core.routing.Router;
import io.sluice.protocol.auth.CachingSha2Password;
import io.sluice.protocol.packet.HandshakeV10;
import io.sluice.server.backend.BackendConnector;
import io.sluice.server.backend.BackendPools;
import io.sluice.server.backend.BackendTls;
import io.sluice.server.config.HostPort;
import io.sluice.server.config.ProxyConfig;
import io.sluice.server.frontend.FrontendInitializer;
import io.sluice.server.health.HealthChecker;
import io.sluice.server.tls.ServerTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy process: event loops, the listening socket, and an orderly shutdown that stops
 * accepting, lets running commands finish, then closes everything.
 */
public final class ProxyServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);

  private final ProxyRuntime runtime;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final ChannelGroup sessions = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final Channel serverChannel;
  private final BackendPools pools;
  private final HealthChecker health;
  private final ConfigReloader reloader;
  private final io.sluice.server.failover.FailoverCoordinator failovers;
  private final io.sluice.server.admin.AdminServer admin;
  private ConfigWatch configWatch; // guarded by this
  private final io.sluice.server.metrics.MetricsHttpServer metricsHttp;
  private final java.util.concurrent.atomic.AtomicBoolean shutDown = new java.util.concurrent.atomic.AtomicBoolean();

  private ProxyServer(ProxyConfig config, int workerThreads, EventLoopBinding binding) throws InterruptedException {
    boolean epoll = Epoll.isAvailable();
    Class<? extends ServerChannel> serverClass = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    Class<? extends SocketChannel> clientClass = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    // The parser's threads start here, not from the first event loop that needs them, whose CPU
    // binding they would inherit.
    io.sluice.core.sql.BoundedSqlParser.shared();
    this.boss = epoll ? new EpollEventLoopGroup(1) : new NioEventLoopGroup(1);
    // Netty's thread factory (FastThreadLocalThreads), named so that top -H and ps tell the loops
    // from the acceptor; bound to CPUs as EventLoopBinding decides.
    java.util.concurrent.ThreadFactory loops =
        new io.netty.util.concurrent.DefaultThreadFactory("sluice-io", false, Thread.MAX_PRIORITY);
    java.util.List<Integer> cpus = binding.cpusFor(workerThreads, CpuAffinity::allowedCpus);
    if (!cpus.isEmpty()) {
      log.info("binding {} event loops to CPUs {}, in turn (--bind-io-threads=off leaves them to the scheduler)",
          workerThreads, cpus.subList(0, Math.min(workerThreads, cpus.size())));
      loops = CpuAffinity.binding(loops, cpus);
    } else if (binding == EventLoopBinding.AUTO && workerThreads > 1) {
      log.info("{} event loops left to the scheduler: --bind-io-threads=auto binds only one loop per allowed CPU",
          workerThreads);
    }
    this.workers = epoll ? new EpollEventLoopGroup(workerThreads, loops) : new NioEventLoopGroup(workerThreads, loops);

    ProxyConfig.PoolConfig pc = config.pool();
    this.pools = new BackendPools(new BackendConnector(clientClass, pc.connectTimeout(),
        BackendTls.of(BackendTls.Mode.valueOf(config.backendTls().mode().toUpperCase(java.util.Locale.ROOT)),
            config.backendTls().ca().map(java.nio.file.Path::toFile))), pc.maxConnections(),
        pc.idleTimeout(), pc.connectTimeout());
    KeyPair rsa = rsaKeyPair();
    ClusterView view = ClusterViews.fromConfig(config);
    this.runtime = new ProxyRuntime(config, view, pools, ServerTls.build(config.tls()), rsa,
        CachingSha2Password.toPem(rsa.getPublic()), probeIdentity(config.backends().master().address(),
        pc.connectTimeout()), Router::new);

    runtime.metrics(new io.sluice.server.metrics.ProxyMetrics(runtime));
    runtime.sqlLog(new io.sluice.server.metrics.SqlLog(config.sqlLog()));
    ServerBootstrap b = new ServerBootstrap()
        .group(boss, workers)
        .channel(serverClass)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.SO_KEEPALIVE, true)
        // Small buffers: a session stops reading from its backend once 64 KiB wait for the client.
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
        .childHandler(new FrontendInitializer(runtime, sessions));
    HostPort listen = config.listen();
    // Every listening socket first, each reported against its own key if taken, and nothing
    // left running when one fails (the health checks start after them).
    io.sluice.server.metrics.MetricsHttpServer metrics = null;
    try {
      this.serverChannel = listening(config, "sluice.listen", listen,
          () -> b.bind(listen.host(), listen.port()).sync().channel());
      if (config.metricsListen().isPresent()) {
        HostPort at = config.metricsListen().get();
        metrics = listening(config, "sluice.metrics.listen", at,
            () -> new io.sluice.server.metrics.MetricsHttpServer(at, runtime.metrics()));
      }
      this.admin = config.admin().isEmpty() ? null : listening(config, "sluice.admin.listen",
          config.admin().get().listen(),
          () -> io.sluice.server.admin.AdminServer.start(config.admin().get(), adminContext(), boss, workers, serverClass));
    } catch (RuntimeException | InterruptedException e) {
      if (metrics != null) {
        metrics.close();
      }
      workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
    this.metricsHttp = metrics;
    runtime.onBackendDown(name -> pools.abortBusy(name, "the health checks find the backend down"));
    this.reloader = new ConfigReloader(runtime);
    this.failovers = new io.sluice.server.failover.FailoverCoordinator(runtime, v -> reloader.saveConfig());
    this.health = new HealthChecker(runtime, config.monitor(), failovers);
    health.start();
  }

  /** Something that opens a listening socket. */
  private interface Listener<T> {
    T open() throws Exception;
  }

  /** Opens a listener; an address in use is reported against the config key that names it. */
  private static <T> T listening(ProxyConfig config, String key, HostPort address, Listener<T> listener)
      throws InterruptedException {
    try {
      return listener.open();
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      if (e instanceof java.net.BindException || e.getCause() instanceof java.net.BindException
          || String.valueOf(e.getMessage()).contains("Address already in use")) {
        throw new IllegalStateException(config.source() + ": " + key + ": cannot listen on " + address
            + " (address already in use); choose a free port", e);
      }
      throw e instanceof RuntimeException r ? r : new IllegalStateException(key + ": " + e.getMessage(), e);
    }
  }

  private io.sluice.server.admin.AdminContext adminContext() {
    return new io.sluice.server.admin.AdminContext() {
      @Override
      public ProxyRuntime runtime() {
        return runtime;
      }

      @Override
      public java.util.List<SessionInfo> sessions() {
        java.util.List<SessionInfo> out = new java.util.ArrayList<>();
        for (Channel ch : sessions) {
          var s = ch.pipeline().get(io.sluice.server.frontend.ClientSession.class);
          if (s != null) {
            out.add(s.describe());
          }
        }
        out.sort(java.util.Comparator.comparingLong(SessionInfo::id));
        return out;
      }

      @Override
      public String reload() {
        return reloader.reload();
      }

      @Override
      public String saveConfig() {
        return reloader.saveConfig();
      }

      @Override
      public String switchover(String name) {
        return failovers.switchover(name);
      }

      @Override
      public String failover() {
        return failovers.failover();
      }
    };
  }

  public ConfigReloader reloader() {
    return reloader;
  }

  /** The metrics port's address, if the config has a metrics section. */
  public java.util.Optional<InetSocketAddress> metricsAddress() {
    return java.util.Optional.ofNullable(metricsHttp).map(io.sluice.server.metrics.MetricsHttpServer::localAddress);
  }

  /** The admin port's address, if the config has an admin section. */
  public java.util.Optional<InetSocketAddress> adminAddress() {
    return java.util.Optional.ofNullable(admin).map(io.sluice.server.admin.AdminServer::localAddress);
  }

  /**
   * Reloads the config whenever its file, or a file it includes, changes (see {@link ConfigWatch}).
   * An invalid file is logged and the running config stays. Idempotent.
   */
  public synchronized void watchConfig() {
    if (configWatch != null || shutDown.get()) {
      return;
    }
    java.nio.file.Path file = runtime.config().source();
    try {
      configWatch = ConfigWatch.start(file, reloader::files, reloader::reloadIfChanged);
    } catch (IOException e) {
      log.warn("cannot watch {} for changes: {}; use RELOAD or SIGHUP after editing it", file, e.toString());
    }
  }

  /** Reloads the config on SIGHUP, as daemons do. For the CLI process only: signals are per JVM. */
  public void reloadOnSighup() {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> reloader.reloadAndLog("SIGHUP"));
    } catch (IllegalArgumentException e) {
      log.warn("SIGHUP cannot be handled here ({}); use the admin RELOAD or edit the file", e.getMessage());
    }
  }

  /**
   * Starts the proxy with one event loop per core, bound to CPUs when that is one per allowed CPU
   * ({@link EventLoopBinding#AUTO}); fails with a clear message if the listen address is taken.
   */
  public static ProxyServer start(ProxyConfig config) {
    return start(config, defaultIoThreads(), EventLoopBinding.AUTO);
  }

  /** One event loop per core the JVM may use. */
  public static int defaultIoThreads() {
    return Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  /**
   * As above, with {@code ioThreads} event loops, bound to the CPUs the process may use as
   * {@code binding} says (see {@link CpuAffinity}).
   */
  public static ProxyServer start(ProxyConfig config, int ioThreads, EventLoopBinding binding) {
    try {
      return new ProxyServer(config, ioThreads, binding);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting", e);
    }
  }

  public ProxyRuntime runtime() {
    return runtime;
  }

  /** The address actually bound (useful when the config asked for port 0). */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  public int sessionCount() {
    return sessions.size();
  }

  /** Bytes written to clients that they have not yet taken off the proxy's hands. */
  public long bufferedClientBytes() {
    long total = 0;
    for (Channel ch : sessions) {
      var out = ch.unsafe().outboundBuffer();
      total += out == null ? 0 : out.totalPendingWriteBytes();
    }
    return total;
  }

  /** Stops accepting, gives running sessions {@code drain} to finish, then closes all. Idempotent. */
  public void shutdown(Duration drain) {
    if (!shutDown.compareAndSet(false, true)) {
      return;
    }
    serverChannel.close().syncUninterruptibly();
    synchronized (this) {
      if (configWatch != null) {
        configWatch.close();
      }
    }
    if (admin != null) {
      admin.close();
    }
    if (metricsHttp != null) {
      metricsHttp.close();
    }
    // The health checks go on through the drain: a statement held for a due failover runs when
    // the master answers again or a replica is promoted, instead of failing at once.
    // Asked again each round: a session mid-command closes once it is between commands.
    awaitSessionsGone(System.nanoTime() + drain.toNanos(), 50,
        () -> sessions.forEach(ch -> ch.pipeline().fireUserEventTriggered(ShutdownRequested.INSTANCE)));
    if (!sessions.isEmpty()) {
      // The drain is over: statements still running end with the server's own answer to a
      // shutdown, 1053, rather than a connection that just drops.
      sessions.forEach(ch -> ch.pipeline().fireUserEventTriggered(ShutdownNow.INSTANCE));
      awaitSessionsGone(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500), 10, () -> {});
    }
    health.close(); // after the sessions: its opening the master gate must not release held statements
    sessions.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    pools.closeAll();
    runtime.sqlLog().close();
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Runs {@code eachRound} every {@code pollMillis} until no session is left or {@code deadlineNanos} passes. */
  private void awaitSessionsGone(long deadlineNanos, long pollMillis, Runnable eachRound) {
    while (!sessions.isEmpty() && System.nanoTime() < deadlineNanos) {
      eachRound.run();
      try {
        Thread.sleep(pollMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void close() {
    shutdown(Duration.ofSeconds(5));
  }

  /** Asks a session to close as soon as it is between commands. */
  public enum ShutdownRequested { INSTANCE }

  /** Tells a session the drain is over: end the running statement with ER_SERVER_SHUTDOWN and close. */
  public enum ShutdownNow { INSTANCE }

  private static KeyPair rsaKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("RSA is required by the JDK", e);
    }
  }

  /**
   * Reads the master's greeting once, to present its version and collation to clients. If the
   * master is down at start-up Sluice still starts, presenting a MySQL 8.0 identity.
   */
  static ProxyRuntime.ServerIdentity probeIdentity(HostPort master, Duration timeout) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(master.host(), master.port()), (int) timeout.toMillis());
      s.setSoTimeout((int) timeout.toMillis());
      ByteBuf buf = io.sluice.protocol.wire.BlockingFrames.read(s.getInputStream()).payload();
      if (buf.isReadable() && buf.getUnsignedByte(0) == 10) {
        HandshakeV10 hs = HandshakeV10.decode(buf);
        String plugin = "caching_sha2_password".equals(hs.authPluginName())
            ? "caching_sha2_password" : "mysql_native_password";
        return new ProxyRuntime.ServerIdentity(hs.serverVersion(), hs.characterSet(), plugin);
      }
    } catch (IOException | RuntimeException e) {
      log.warn("cannot read the master's greeting at {} ({}); presenting as MySQL 8.0", master, e.toString());
    }
    return new ProxyRuntime.ServerIdentity("8.0.31", 255, "caching_sha2_password");
  }
}
