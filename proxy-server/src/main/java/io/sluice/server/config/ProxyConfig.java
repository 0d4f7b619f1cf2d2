package io.sluice.server.config;

import io.sluice.core.cluster.ReadAffinity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The whole proxy configuration, validated. Built only by {@link ConfigLoader}; every record
 * checks its own invariants so an invalid value can never reach the running proxy.
 */
public record ProxyConfig(
    Path source,
    HostPort listen,
    Optional<AdminConfig> admin,
    Optional<HostPort> metricsListen,
    List<UserConfig> users,
    BackendsConfig backends,
    MonitorConfig monitor,
    PoolConfig pool,
    TlsConfig tls,
    BackendTlsConfig backendTls,
    ClientsConfig clients,
    SqlLogConfig sqlLog,
    FailoverConfig failover) {

  public ProxyConfig {
    Objects.requireNonNull(listen, "listen");
    Objects.requireNonNull(clients, "clients");
    Objects.requireNonNull(sqlLog, "sqlLog");
    Objects.requireNonNull(failover, "failover");
    users = List.copyOf(users);
    Set<String> names = new HashSet<>();
    for (UserConfig u : users) {
      if (!names.add(u.name())) {
        throw new IllegalArgumentException("user \"" + u.name() + "\" is listed twice");
      }
    }
  }

  /** A config without client restrictions. */
  public ProxyConfig(Path source, HostPort listen, Optional<AdminConfig> admin, Optional<HostPort> metricsListen,
      List<UserConfig> users, BackendsConfig backends, MonitorConfig monitor, PoolConfig pool, TlsConfig tls,
      BackendTlsConfig backendTls) {
    this(source, listen, admin, metricsListen, users, backends, monitor, pool, tls, backendTls, ClientsConfig.OPEN,
        SqlLogConfig.OFF, FailoverConfig.MANUAL);
  }

  public ProxyConfig withBackends(BackendsConfig b) {
    return new ProxyConfig(source, listen, admin, metricsListen, users, b, monitor, pool, tls, backendTls, clients, sqlLog,
        failover);
  }

  public ProxyConfig withClients(ClientsConfig c) {
    return new ProxyConfig(source, listen, admin, metricsListen, users, backends, monitor, pool, tls, backendTls, c, sqlLog, failover);
  }

  public ProxyConfig withAdmin(Optional<AdminConfig> a, Optional<HostPort> metrics) {
    return new ProxyConfig(source, listen, a, metrics, users, backends, monitor, pool, tls, backendTls, clients, sqlLog,
        failover);
  }

  public ProxyConfig withSqlLog(SqlLogConfig log) {
    return new ProxyConfig(source, listen, admin, metricsListen, users, backends, monitor, pool, tls, backendTls, clients,
        log, failover);
  }

  public ProxyConfig withFailover(FailoverConfig f) {
    return new ProxyConfig(source, listen, admin, metricsListen, users, backends, monitor, pool, tls, backendTls, clients,
        sqlLog, f);
  }

  public ProxyConfig withMonitor(MonitorConfig m) {
    return new ProxyConfig(source, listen, admin, metricsListen, users, backends, m, pool, tls, backendTls, clients,
        sqlLog, failover);
  }

  public ProxyConfig withPool(PoolConfig p) {
    return new ProxyConfig(source, listen, admin, metricsListen, users, backends, monitor, p, tls, backendTls, clients,
        sqlLog, failover);
  }

  public ProxyConfig withSource(Path file) {
    return new ProxyConfig(file, listen, admin, metricsListen, users, backends, monitor, pool, tls, backendTls, clients, sqlLog,
        failover);
  }

  public Optional<UserConfig> user(String name) {
    return users.stream().filter(u -> u.name().equals(name)).findFirst();
  }

  /**
   * An application account: Sluice verifies it and logs in to the backends with it.
   * {@code authPlugin} null means the master's default (caching_sha2_password on MySQL 8,
   * mysql_native_password on MariaDB and 5.7), as a direct connection would use.
   * {@code consistency} is where the user's sessions start; a session may change its own with
   * {@code SET sluice_consistency = '...'}.
   */
  public record UserConfig(String name, String password, String authPlugin, int maxConnections,
      io.sluice.core.session.ConsistencyLevel consistency) {
    public static final Set<String> AUTH_PLUGINS = Set.of("caching_sha2_password", "mysql_native_password");

    public UserConfig {
      if (name == null || name.isEmpty()) {
        throw new IllegalArgumentException("name is empty");
      }
      Objects.requireNonNull(password, "password");
      if (authPlugin != null && !AUTH_PLUGINS.contains(authPlugin)) {
        throw new IllegalArgumentException("auth-plugin must be one of " + AUTH_PLUGINS + ", got \"" + authPlugin + "\"");
      }
      if (maxConnections < 0) {
        throw new IllegalArgumentException("max-connections must be >= 0 (0 = no limit)");
      }
      Objects.requireNonNull(consistency, "consistency");
    }

    public UserConfig(String name, String password, String authPlugin, int maxConnections) {
      this(name, password, authPlugin, maxConnections, io.sluice.core.session.ConsistencyLevel.EVENTUAL);
    }
  }

  public record AdminConfig(HostPort listen, String user, String password) {}

  /**
   * Promotion of a replica: automatic after the master has been down for {@code downAfter}
   * when {@code auto} (off by default: a human decides), or by the admin SWITCHOVER / FAILOVER.
   * Repointed replicas log in to the new master with the replication account.
   */
  public record FailoverConfig(boolean auto, Duration downAfter, String replicationUser, String replicationPassword) {
    public static final FailoverConfig MANUAL = new FailoverConfig(false, Duration.ofSeconds(10), "repl", "repl");

    public FailoverConfig {
      Objects.requireNonNull(downAfter, "downAfter");
      Objects.requireNonNull(replicationUser, "replicationUser");
      Objects.requireNonNull(replicationPassword, "replicationPassword");
      if (downAfter.isNegative()) {
        throw new IllegalArgumentException("down-after must not be negative");
      }
    }
  }

  /** The SQL log: off, every statement, or statements slower than {@code slowThreshold}. */
  public record SqlLogConfig(Mode mode, Duration slowThreshold, Path file) {
    public static final SqlLogConfig OFF = new SqlLogConfig(Mode.OFF, Duration.ofMillis(100), Path.of("sluice-sql.log"));

    public enum Mode { OFF, ON, SLOW }

    public SqlLogConfig {
      Objects.requireNonNull(mode, "mode");
      Objects.requireNonNull(file, "file");
      if (slowThreshold.isNegative()) {
        throw new IllegalArgumentException("slow-threshold must not be negative");
      }
    }
  }

  /**
   * Who may connect: client addresses in {@code allow} (empty: anyone), and at most
   * {@code maxConnections} client connections in all (0: no limit).
   */
  /**
   * @param waitTimeout how long a client session may sit idle before Sluice closes it, as a
   *     server's wait_timeout does (28800 s, MySQL's default); a session's own
   *     {@code SET wait_timeout = n} overrides it for that session
   */
  public record ClientsConfig(List<Cidr> allow, int maxConnections, Duration waitTimeout) {
    public static final Duration DEFAULT_WAIT_TIMEOUT = Duration.ofSeconds(28_800);
    /** MySQL's largest wait_timeout (one year). */
    public static final Duration MAX_WAIT_TIMEOUT = Duration.ofSeconds(31_536_000);
    public static final ClientsConfig OPEN = new ClientsConfig(List.of(), 0, DEFAULT_WAIT_TIMEOUT);

    public ClientsConfig {
      allow = List.copyOf(allow);
      if (maxConnections < 0) {
        throw new IllegalArgumentException("max-connections must be >= 0 (0 = no limit)");
      }
      if (waitTimeout.compareTo(Duration.ofSeconds(1)) < 0 || waitTimeout.compareTo(MAX_WAIT_TIMEOUT) > 0) {
        throw new IllegalArgumentException("wait-timeout must be between 1s and 365d (MySQL's wait_timeout range),"
            + " got " + waitTimeout.toMillis() + " ms");
      }
    }

    public ClientsConfig(List<Cidr> allow, int maxConnections) {
      this(allow, maxConnections, DEFAULT_WAIT_TIMEOUT);
    }

    public boolean allows(java.net.InetAddress address) {
      return allow.isEmpty() || allow.stream().anyMatch(c -> c.contains(address));
    }
  }

  /** One backend MySQL server as configured. */
  public record BackendConfig(String name, HostPort address, int weight) {
    public BackendConfig {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("name is empty");
      }
      if (weight < 0) {
        throw new IllegalArgumentException("weight must be >= 0, got " + weight);
      }
    }
  }

  /** The backends, and how reads are spread over the slaves. */
  public record BackendsConfig(BackendConfig master, List<BackendConfig> relays, boolean relaysServeReads,
      List<BackendConfig> slaves, ReadAffinity readAffinity) {
    public BackendsConfig(
        BackendConfig master, List<BackendConfig> relays, boolean relaysServeReads, List<BackendConfig> slaves) {
      this(master, relays, relaysServeReads, slaves, ReadAffinity.DEFAULT);
    }

    public BackendsConfig {
      Objects.requireNonNull(master, "master");
      Objects.requireNonNull(readAffinity, "readAffinity");
      relays = List.copyOf(relays);
      slaves = List.copyOf(slaves);
      Set<String> names = new HashSet<>();
      java.util.Map<HostPort, String> addresses = new java.util.HashMap<>();
      names.add(master.name());
      addresses.put(master.address().canonical(), master.name());
      for (BackendConfig b : java.util.stream.Stream.concat(relays.stream(), slaves.stream()).toList()) {
        if (!names.add(b.name())) {
          throw new IllegalArgumentException("backend name \"" + b.name() + "\" is used twice");
        }
        // One server listed twice would take reads twice its weight, or as a slave the master's.
        String other = addresses.putIfAbsent(b.address().canonical(), b.name());
        if (other != null) {
          throw new IllegalArgumentException("backends \"" + other + "\" and \"" + b.name() + "\" have the same address "
              + b.address() + "; list each server once");
        }
      }
    }
  }

  /**
   * The account used for health checks and lag probes. With {@code heartbeatTable}
   * ({@code schema.table}) lag is measured from a row the master's probe stamps each interval
   * instead of Seconds_Behind_Source.
   */
  public record MonitorConfig(String user, String password, Duration interval, Duration timeout, Duration maxReplicaLag,
      Optional<String> heartbeatTable) {
    static final Duration MIN_INTERVAL = Duration.ofMillis(100);

    public MonitorConfig {
      Objects.requireNonNull(heartbeatTable, "heartbeatTable");
      if (interval.compareTo(MIN_INTERVAL) < 0) {
        // Probing every backend more than ten times a second costs the servers more than it finds.
        throw new IllegalArgumentException("interval must be at least 100ms, got " + interval.toMillis() + "ms");
      }
      if (heartbeatTable.isPresent() && !heartbeatTable.get().matches("[A-Za-z0-9_$]+\\.[A-Za-z0-9_$]+")) {
        throw new IllegalArgumentException("heartbeat-table must be schema.table (letters, digits, _ and $), got \""
            + heartbeatTable.get() + "\"");
      }
    }

    public MonitorConfig(String user, String password, Duration interval, Duration timeout, Duration maxReplicaLag) {
      this(user, password, interval, timeout, maxReplicaLag, Optional.empty());
    }
  }

  public record PoolConfig(int maxConnections, Duration idleTimeout, Duration connectTimeout) {
    public PoolConfig {
      if (maxConnections < 1) {
        throw new IllegalArgumentException("max-connections must be >= 1, got " + maxConnections);
      }
    }
  }

  /** TLS from Sluice to the backends: disabled, preferred or required; an optional CA to verify them. */
  public record BackendTlsConfig(String mode, Optional<Path> ca) {
    public static final Set<String> MODES = Set.of("disabled", "preferred", "required");

    public BackendTlsConfig {
      if (!MODES.contains(mode)) {
        throw new IllegalArgumentException("mode must be one of disabled, preferred, required; got \"" + mode + "\"");
      }
    }
  }

  /** TLS offered to clients; with no cert and key a self-signed certificate is generated. */
  public record TlsConfig(boolean enabled, Optional<Path> cert, Optional<Path> key) {
    public TlsConfig {
      if (cert.isPresent() != key.isPresent()) {
        throw new IllegalArgumentException("cert and key must be given together");
      }
    }
  }
}
