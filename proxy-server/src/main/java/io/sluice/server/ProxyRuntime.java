package io.sluice.server;

import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.FastThreadLocal;
import io.sluice.core.cluster.ClusterView;
import io.sluice.core.routing.Router;
import io.sluice.core.sql.StatementClassifier;
import io.sluice.server.backend.BackendPools;
import io.sluice.server.config.ProxyConfig;
import io.sluice.server.frontend.AuthCache;
import io.sluice.server.frontend.ConnectionLimits;
import java.security.KeyPair;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What every client session shares: the current config and cluster view (each replaced whole,
 * read with one volatile load), the classifier, the backend pools, TLS and the RSA key used by
 * caching_sha2_password. Routers keep round-robin state, so each event loop gets its own.
 */
public final class ProxyRuntime {
  private volatile ProxyConfig config;
  private volatile ClusterView view;
  private volatile ProxyConfig.ClientsConfig clients;
  private volatile Consumer<String> downListener;
  private volatile io.sluice.server.metrics.ProxyMetrics metrics;
  private volatile io.sluice.server.metrics.SqlLog sqlLog;
  /** The master a switchover or failover of this process made, or null: reloads may not undo it. */
  private volatile String promotedMaster;
  private final StatementClassifier classifier = new StatementClassifier();
  private final BackendPools pools;
  private final Optional<SslContext> tls;
  private final KeyPair rsaKeys;
  private final String rsaPublicKeyPem;
  private final AuthCache authCache = new AuthCache();
  private final ConnectionLimits connectionLimits = new ConnectionLimits();
  private final MasterGate masterGate = new MasterGate();
  private final java.util.concurrent.atomic.AtomicInteger statementsWaitingForMaster =
      new java.util.concurrent.atomic.AtomicInteger();
  private volatile java.util.concurrent.CompletableFuture<Void> nextHealthRound =
      new java.util.concurrent.CompletableFuture<>();
  private final io.sluice.server.frontend.Kills kills = new io.sluice.server.frontend.Kills();
  /**
   * The connection ids Sluice gives its clients (handshake, KILL, CONNECTION_ID()) start far
   * above the thread ids servers give, so a KILL through Sluice of an id read from a server
   * (SHOW PROCESSLIST) is "Unknown thread id", never another client's session.
   */
  public static final long FIRST_CONNECTION_ID = 1_000_000_001L;
  private final AtomicLong connectionIds = new AtomicLong(FIRST_CONNECTION_ID - 1);
  private final ServerIdentity identity;
  private final FastThreadLocal<Router> routers;
  private final java.util.Map<String, String> healthReasons = new java.util.concurrent.ConcurrentHashMap<>();

  public ProxyRuntime(
      ProxyConfig config, ClusterView view, BackendPools pools, Optional<SslContext> tls, KeyPair rsaKeys,
      String rsaPublicKeyPem, ServerIdentity identity, Supplier<Router> routerFactory) {
    this.config = config;
    this.view = view;
    this.clients = config.clients();
    this.pools = pools;
    this.tls = tls;
    this.rsaKeys = rsaKeys;
    this.rsaPublicKeyPem = rsaPublicKeyPem;
    this.identity = identity;
    this.routers = new FastThreadLocal<>() {
      @Override
      protected Router initialValue() {
        return routerFactory.get();
      }
    };
  }

  /**
   * Why each backend is not up, by name, from the latest health round: SELECT * FROM backends
   * shows it beside the state, so "down" comes with "Access denied for user 'monitor'".
   */
  public void healthReason(String backend, String reasonOrNull) {
    if (reasonOrNull == null) {
      healthReasons.remove(backend);
    } else {
      healthReasons.put(backend, reasonOrNull);
    }
  }

  public String healthReason(String backend) {
    return healthReasons.getOrDefault(backend, "");
  }

  /** Recorded by each promotion: a config reload then keeps this master (see ConfigReloader). */
  public void promotedMaster(String name) {
    this.promotedMaster = name;
  }

  public String promotedMaster() {
    return promotedMaster;
  }

  public ProxyConfig config() {
    return config;
  }

  public void config(ProxyConfig config) {
    this.config = config;
  }

  /** Who may connect; starts from the config, changed by reloads and the admin interface. */
  public ProxyConfig.ClientsConfig clients() {
    return clients;
  }

  public void clients(ProxyConfig.ClientsConfig clients) {
    this.clients = clients;
  }

  public ClusterView view() {
    return view;
  }

  /**
   * Completes when the health round under way (or the next one) has published its view and
   * closed the master gate if the master is down, or when the health checks stop.
   */
  public java.util.concurrent.CompletableFuture<Void> nextHealthRound() {
    return nextHealthRound;
  }

  /** Called by the health checks after each round and when they stop. */
  public synchronized void healthRoundDone() {
    java.util.concurrent.CompletableFuture<Void> done = nextHealthRound;
    nextHealthRound = new java.util.concurrent.CompletableFuture<>();
    done.complete(null);
  }

  /**
   * Statements bound for the master that wait, at the gate for a new master or for the health
   * checks' verdict on one they could not reach: a gauge, so an operator sees writes piling up.
   */
  public java.util.concurrent.atomic.AtomicInteger statementsWaitingForMaster() {
    return statementsWaitingForMaster;
  }

  /** Closed while a switchover replaces the master: sessions hold master-bound statements. */
  public MasterGate masterGate() {
    return masterGate;
  }

  /**
   * Derives and publishes the next view from the current one. Admin commands, reloads and
   * health rounds all publish through here or {@link #compareAndSetView}, so none of them
   * overwrites a change it did not see.
   */
  public synchronized ClusterView updateView(java.util.function.UnaryOperator<ClusterView> change) {
    ClusterView next = change.apply(view);
    view(next);
    return next;
  }

  /** Publishes {@code next} only if the view is still {@code expected}. */
  public synchronized boolean compareAndSetView(ClusterView expected, ClusterView next) {
    if (view != expected) {
      return false;
    }
    view(next);
    return true;
  }

  /** Publishes a new view; backends it finds newly DOWN are reported to the listener. */
  public synchronized void view(ClusterView view) {
    ClusterView before = this.view;
    this.view = view;
    Consumer<String> listener = downListener;
    if (listener != null) {
      if (view.isDown(view.master().name()) && !before.isDown(view.master().name())) {
        listener.accept(view.master().name());
      }
      for (var r : view.replicas()) {
        if (view.isDown(r.backend().name()) && !before.isDown(r.backend().name())) {
          listener.accept(r.backend().name());
        }
      }
    }
  }

  /** Who hears of a backend newly found DOWN: the server, which tells every session. */
  public void onBackendDown(Consumer<String> listener) {
    this.downListener = listener;
  }

  /** Set once at start, before the first client connects. */
  public void metrics(io.sluice.server.metrics.ProxyMetrics metrics) {
    this.metrics = metrics;
  }

  public void sqlLog(io.sluice.server.metrics.SqlLog sqlLog) {
    this.sqlLog = sqlLog;
  }

  public io.sluice.server.metrics.SqlLog sqlLog() {
    return sqlLog;
  }

  public io.sluice.server.metrics.ProxyMetrics metrics() {
    return metrics;
  }

  public StatementClassifier classifier() {
    return classifier;
  }

  /** The router of the calling event loop thread. */
  public Router router() {
    return routers.get();
  }

  public BackendPools pools() {
    return pools;
  }

  public Optional<SslContext> tls() {
    return tls;
  }

  public KeyPair rsaKeys() {
    return rsaKeys;
  }

  public String rsaPublicKeyPem() {
    return rsaPublicKeyPem;
  }

  public AuthCache authCache() {
    return authCache;
  }

  /** Sessions by connection id, for KILL. */
  public io.sluice.server.frontend.Kills kills() {
    return kills;
  }

  public ConnectionLimits connectionLimits() {
    return connectionLimits;
  }

  public long nextConnectionId() {
    return connectionIds.incrementAndGet();
  }

  public ServerIdentity identity() {
    return identity;
  }

  /**
   * How Sluice presents itself in the greeting: the master's own version string and default
   * collation, so drivers enable the same features they would on a direct connection.
   */
  public record ServerIdentity(String serverVersion, int characterSet, String defaultAuthPlugin) {
    /** Whether the backends are MariaDB: some answers (errors, column types) follow the flavor. */
    public boolean isMariaDb() {
      return io.sluice.protocol.ServerVersions.isMariaDb(serverVersion);
    }
  }
}
