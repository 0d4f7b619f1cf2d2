package io.sluice.server.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException.Missing;
import com.typesafe.config.ConfigException.WrongType;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.sluice.core.cluster.ReadAffinity;
import io.sluice.core.session.ConsistencyLevel;
import io.sluice.server.config.ProxyConfig.AdminConfig;
import io.sluice.server.config.ProxyConfig.BackendConfig;
import io.sluice.server.config.ProxyConfig.BackendTlsConfig;
import io.sluice.server.config.ProxyConfig.BackendsConfig;
import io.sluice.server.config.ProxyConfig.MonitorConfig;
import io.sluice.server.config.ProxyConfig.PoolConfig;
import io.sluice.server.config.ProxyConfig.TlsConfig;
import io.sluice.server.config.ProxyConfig.UserConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * The one place that reads HOCON. It maps {@code routing.conf} into {@link ProxyConfig}
 * records and turns every problem (syntax, missing key, wrong type, unknown key, invalid
 * value) into a {@link ConfigException} that names the file and the key.
 *
 * <p>Unknown keys are errors, not warnings: a misspelt {@code max-replica-lag} silently
 * ignored is how a proxy ends up serving stale reads.
 */
public final class ConfigLoader {
  private static final String ROOT = "sluice";

  private final Path file;
  /** The whole parsed file, to find where a key is written; null until parsed. */
  private ConfigObject tree;

  private ConfigLoader(Path file) {
    // Absolute: HOCON resolves a relative include against the file's directory, which a bare
    // file name ("--config routing.conf") does not have, and the include would silently vanish.
    this.file = file.toAbsolutePath();
  }

  public static ProxyConfig load(Path file) {
    return new ConfigLoader(file).load();
  }

  /**
   * Only the admin section, for {@code sluice admin} when the rest of the file is invalid: the
   * running proxy keeps its last good configuration, and its admin port is how to inspect it.
   */
  public static Optional<AdminConfig> loadAdmin(Path file) {
    ConfigLoader loader = new ConfigLoader(file);
    return loader.admin(loader.parse());
  }

  /**
   * The files the config is read from: {@code file} and every file it includes (that has a
   * setting in it), so that a watch sees an edit of any of them. Only {@code file} when it
   * cannot be parsed: the reload names the problem.
   */
  public static Set<Path> filesRead(Path file) {
    Path main = file.toAbsolutePath().normalize();
    Set<Path> files = new java.util.LinkedHashSet<>();
    files.add(main);
    try {
      collectFiles(ConfigFactory.parseFile(main.toFile(), ConfigParseOptions.defaults().setAllowMissing(false))
          .root(), files);
    } catch (com.typesafe.config.ConfigException e) {
      // unparsable now: the main file is still the one to watch
    }
    return files;
  }

  /** The file in which {@code key} ("sluice.backends.slaves") is set, as {@code file} is read. */
  public static Optional<Path> fileSetting(Path file, String key) {
    ConfigLoader loader = new ConfigLoader(file);
    loader.parse();
    ConfigOrigin origin = loader.originOf(key);
    return Optional.ofNullable(origin).map(ConfigOrigin::filename).map(Path::of);
  }

  private static void collectFiles(ConfigValue value, Set<Path> files) {
    if (value.origin().filename() != null) {
      files.add(Path.of(value.origin().filename()).toAbsolutePath().normalize());
    }
    if (value instanceof ConfigObject o) {
      o.values().forEach(v -> collectFiles(v, files));
    } else if (value instanceof ConfigList l) {
      l.forEach(v -> collectFiles(v, files));
    }
  }

  private Config parse() {
    if (Files.isDirectory(file)) {
      throw new ConfigException(file, null, "is a directory; pass the routing.conf file in it with --config");
    }
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(file, null, "file not found; pass an existing file with --config");
    }
    Config parsed;
    try {
      // Substitutions fall back to environment variables: password = ${?APP_PASSWORD}.
      parsed = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false))
          .resolve(ConfigResolveOptions.defaults());
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException(file, null, "cannot parse: " + e.getMessage());
    }
    tree = parsed.root();
    for (String key : parsed.root().keySet()) {
      if (!key.equals(ROOT)) {
        // Usually a brace closed too early: the settings after it would be silently ignored.
        throw error(key, "outside the sluice { ... } block; move it inside (is a brace closed"
            + " too early?)");
      }
    }
    if (!parsed.hasPath(ROOT)) {
      throw error(ROOT, "missing; the file must have a top-level \"sluice { ... }\" block");
    }
    return parsed.getConfig(ROOT);
  }

  private Optional<AdminConfig> admin(Config c) {
    return optionalSection(c, "admin").map(a -> {
      String at = ROOT + ".admin";
      allowOnly(a, at, Set.of("listen", "user", "password"));
      HostPort listen = hostPort(a, at, "listen");
      String password = string(a, at, "password");
      if (password.isEmpty() && !listen.isLoopback()) {
        // The admin port changes backends and weights, and shows every session's statement.
        throw error(at + ".password", "empty while the admin interface listens on " + listen
            + ", where other machines can reach it; set a password, or listen on 127.0.0.1");
      }
      return new AdminConfig(listen, string(a, at, "user"), password);
    });
  }

  private ProxyConfig load() {
    Config c = parse();
    allowOnly(c, ROOT, Set.of("listen", "admin", "metrics", "users", "backends", "monitor", "pool", "tls", "backend-tls",
        "clients", "sql-log", "failover"));

    HostPort listen = hostPort(c, ROOT, "listen");
    Optional<AdminConfig> admin = admin(c);
    Optional<HostPort> metrics = optionalSection(c, "metrics").map(m -> {
      allowOnly(m, ROOT + ".metrics", Set.of("listen"));
      return hostPort(m, ROOT + ".metrics", "listen");
    });
    return check(ROOT, () -> new ProxyConfig(
        file, listen, admin, metrics, users(c), backends(c), monitor(c), pool(c), tls(c), backendTls(c), clients(c),
        sqlLog(c), failover(c)));
  }

  private List<UserConfig> users(Config c) {
    List<? extends ConfigObject> list = get(ROOT + ".users", () -> c.getObjectList("users"));
    if (list.isEmpty()) {
      throw error(ROOT + ".users", "no users; add at least one { name = \"app\", password = \"...\" }");
    }
    List<UserConfig> users = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String at = ROOT + ".users[" + i + "]";
      Config u = list.get(i).toConfig();
      allowOnly(u, at, Set.of("name", "password", "auth-plugin", "max-connections", "consistency"));
      String name = string(u, at, "name");
      if (!u.hasPath("password")) {
        // Taken as empty, a forgotten password would let anyone who knows the name in (or, with
        // ${?VAR}, an unset variable would): an account without one must say so.
        throw error(at + ".password", "missing; give the account's password, or password = \"\""
            + " for an account that has none");
      }
      String password = string(u, at, "password");
      String plugin = u.hasPath("auth-plugin") ? string(u, at, "auth-plugin") : null;
      int max = u.hasPath("max-connections") ? integer(u, at, "max-connections") : 0;
      ConsistencyLevel consistency = ConsistencyLevel.EVENTUAL;
      if (u.hasPath("consistency")) {
        String text = string(u, at, "consistency");
        consistency = ConsistencyLevel.fromName(text).orElseThrow(() -> error(at + ".consistency",
            "\"" + text + "\" is not a consistency level; use eventual, read-your-writes or primary"));
      }
      ConsistencyLevel level = consistency;
      users.add(check(at, () -> new UserConfig(name, password, plugin, max, level)));
    }
    return users;
  }

  private ProxyConfig.FailoverConfig failover(Config c) {
    String at = ROOT + ".failover";
    Config f = optionalSection(c, "failover").orElse(ConfigFactory.empty());
    allowOnly(f, at, Set.of("auto", "down-after", "replication-user", "replication-password"));
    ProxyConfig.FailoverConfig d = ProxyConfig.FailoverConfig.MANUAL;
    return check(at, () -> new ProxyConfig.FailoverConfig(
        f.hasPath("auto") ? bool(f, at, "auto") : d.auto(),
        f.hasPath("down-after") ? duration(f, at, "down-after") : d.downAfter(),
        f.hasPath("replication-user") ? string(f, at, "replication-user") : d.replicationUser(),
        f.hasPath("replication-password") ? string(f, at, "replication-password") : d.replicationPassword()));
  }

  private ProxyConfig.SqlLogConfig sqlLog(Config c) {
    String at = ROOT + ".sql-log";
    Config l = optionalSection(c, "sql-log").orElse(ConfigFactory.empty());
    allowOnly(l, at, Set.of("mode", "slow-threshold", "file"));
    ProxyConfig.SqlLogConfig.Mode mode = ProxyConfig.SqlLogConfig.Mode.OFF;
    if (l.hasPath("mode")) {
      String text = string(l, at, "mode");
      try {
        mode = ProxyConfig.SqlLogConfig.Mode.valueOf(text.toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw error(at + ".mode", "\"" + text + "\" is not a mode; use off, on or slow");
      }
    }
    Duration threshold = l.hasPath("slow-threshold") ? duration(l, at, "slow-threshold") : Duration.ofMillis(100);
    // A relative file is relative to the config file, not to wherever the proxy was started.
    Path base = file.toAbsolutePath().getParent();
    Path log = l.hasPath("file") ? base.resolve(string(l, at, "file")) : base.resolve("sluice-sql.log");
    ProxyConfig.SqlLogConfig.Mode m = mode;
    return check(at, () -> new ProxyConfig.SqlLogConfig(m, threshold, log));
  }

  private ProxyConfig.ClientsConfig clients(Config c) {
    String at = ROOT + ".clients";
    Config k = optionalSection(c, "clients").orElse(ConfigFactory.empty());
    allowOnly(k, at, Set.of("allow", "max-connections", "wait-timeout"));
    List<Cidr> allow = new ArrayList<>();
    if (k.hasPath("allow")) {
      List<String> texts = get(at + ".allow", () -> k.getStringList("allow"));
      for (int i = 0; i < texts.size(); i++) {
        String text = texts.get(i);
        allow.add(check(at + ".allow[" + i + "]", () -> Cidr.parse(text)));
      }
    }
    int max = k.hasPath("max-connections") ? integer(k, at, "max-connections") : 0;
    Duration waitTimeout = ProxyConfig.ClientsConfig.DEFAULT_WAIT_TIMEOUT;
    if (k.hasPath("wait-timeout")) {
      requireUnit(k, at + ".wait-timeout", "wait-timeout", false);
      waitTimeout = get(at + ".wait-timeout", () -> k.getDuration("wait-timeout"));
      if (waitTimeout.compareTo(Duration.ofSeconds(1)) < 0
          || waitTimeout.compareTo(ProxyConfig.ClientsConfig.MAX_WAIT_TIMEOUT) > 0 || waitTimeout.getNano() != 0) {
        throw error(at + ".wait-timeout", "must be whole seconds from 1s to 365d, as MySQL's"
            + " wait_timeout (default 8h)");
      }
    }
    Duration idleClose = waitTimeout;
    return check(at, () -> new ProxyConfig.ClientsConfig(allow, max, idleClose));
  }

  private BackendsConfig backends(Config c) {
    String at = ROOT + ".backends";
    Config b = section(c, at, "backends");
    allowOnly(b, at, Set.of("master", "relays", "relays-serve-reads", "slaves", "read-affinity"));
    BackendConfig master = backend(section(b, at + ".master", "master"), at + ".master", "master");
    List<BackendConfig> relays = backendList(b, at, "relays", "relay-");
    List<BackendConfig> slaves = backendList(b, at, "slaves", "slave-");
    boolean relaysServeReads = b.hasPath("relays-serve-reads") && bool(b, at, "relays-serve-reads");
    ReadAffinity affinity = readAffinity(b, at);
    return check(at, () -> new BackendsConfig(master, relays, relaysServeReads, slaves, affinity));
  }

  /** {@code read-affinity = 1s}: how long a session's reads stay on one slave (0: every read by weight). */
  private ReadAffinity readAffinity(Config b, String backendsAt) {
    if (!b.hasPath("read-affinity")) {
      return ReadAffinity.DEFAULT;
    }
    String at = backendsAt + ".read-affinity";
    requireUnit(b, at, "read-affinity", true);
    Duration time = wholeMillis(at, get(at, () -> b.getDuration("read-affinity"))); // 0 is allowed here
    return check(at, () -> new ReadAffinity(time));
  }

  private List<BackendConfig> backendList(Config b, String at, String key, String defaultNamePrefix) {
    if (!b.hasPath(key)) {
      return List.of();
    }
    List<? extends ConfigObject> list = get(at + "." + key, () -> b.getObjectList(key));
    List<BackendConfig> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      out.add(backend(list.get(i).toConfig(), at + "." + key + "[" + i + "]", defaultNamePrefix + i));
    }
    return out;
  }

  private BackendConfig backend(Config b, String at, String defaultName) {
    allowOnly(b, at, Set.of("name", "address", "weight"));
    String name = b.hasPath("name") ? string(b, at, "name") : defaultName;
    if (name.chars().allMatch(Character::isDigit)) {
      // The admin interface and sluice switchover take a backend's index or its name.
      throw error(at + ".name", "\"" + name + "\" would read as a backend index in admin"
          + " statements; use a name with a letter, e.g. \"db-" + name + "\"");
    }
    HostPort address = hostPort(b, at, "address");
    if (address.port() == 0) {
      // Port 0 means "any free port" only for a listening socket; a server cannot be reached there.
      throw error(at + ".address", "port 0 in \"" + address + "\"; give the port the server listens"
          + " on, e.g. \"" + address.host() + ":3306\"");
    }
    int weight = b.hasPath("weight") ? integer(b, at, "weight") : 1;
    return check(at, () -> new BackendConfig(name, address, weight));
  }

  private MonitorConfig monitor(Config c) {
    String at = ROOT + ".monitor";
    Config m = optionalSection(c, "monitor").orElse(ConfigFactory.empty());
    allowOnly(m, at, Set.of("user", "password", "interval", "timeout", "max-replica-lag", "heartbeat-table"));
    Optional<String> heartbeat = m.hasPath("heartbeat-table") ? Optional.of(string(m, at, "heartbeat-table"))
        : Optional.empty();
    return check(at, () -> new MonitorConfig(
        m.hasPath("user") ? string(m, at, "user") : "root",
        m.hasPath("password") ? string(m, at, "password") : "",
        m.hasPath("interval") ? duration(m, at, "interval") : Duration.ofSeconds(1),
        m.hasPath("timeout") ? duration(m, at, "timeout") : Duration.ofSeconds(1),
        m.hasPath("max-replica-lag") ? duration(m, at, "max-replica-lag") : Duration.ofSeconds(10), heartbeat));
  }

  private PoolConfig pool(Config c) {
    String at = ROOT + ".pool";
    Config p = optionalSection(c, "pool").orElse(ConfigFactory.empty());
    allowOnly(p, at, Set.of("max-connections", "idle-timeout", "connect-timeout"));
    int max = p.hasPath("max-connections") ? integer(p, at, "max-connections") : 64;
    Duration idle = p.hasPath("idle-timeout") ? duration(p, at, "idle-timeout") : Duration.ofSeconds(60);
    Duration connect = p.hasPath("connect-timeout") ? duration(p, at, "connect-timeout") : Duration.ofSeconds(2);
    return check(at, () -> new PoolConfig(max, idle, connect));
  }

  private TlsConfig tls(Config c) {
    String at = ROOT + ".tls";
    Config t = optionalSection(c, "tls").orElse(ConfigFactory.empty());
    allowOnly(t, at, Set.of("enabled", "cert", "key"));
    boolean enabled = !t.hasPath("enabled") || bool(t, at, "enabled");
    Optional<Path> cert = t.hasPath("cert") ? Optional.of(existingFile(t, at, "cert")) : Optional.empty();
    Optional<Path> key = t.hasPath("key") ? Optional.of(existingFile(t, at, "key")) : Optional.empty();
    TlsConfig tls = check(at, () -> new TlsConfig(enabled, cert, key));
    if (cert.isPresent()) {
      usablePem(at, () -> SslContextBuilder.forServer(cert.get().toFile(), key.get().toFile()).build());
    }
    return tls;
  }

  private BackendTlsConfig backendTls(Config c) {
    String at = ROOT + ".backend-tls";
    Config t = c.hasPath("backend-tls") ? section(c, at, "backend-tls") : ConfigFactory.empty();
    allowOnly(t, at, Set.of("mode", "ca"));
    String mode = t.hasPath("mode") ? string(t, at, "mode") : "disabled";
    Optional<Path> ca = t.hasPath("ca") ? Optional.of(existingFile(t, at, "ca")) : Optional.empty();
    if (ca.isPresent()) {
      usablePem(at, () -> SslContextBuilder.forClient().trustManager(ca.get().toFile()).build());
    }
    return check(at + ".mode", () -> new BackendTlsConfig(mode, ca));
  }

  /**
   * Builds the TLS context the proxy will build at start, so a file that is not PEM (or a key
   * that does not match its certificate) is a config error naming the key, not a stack trace at
   * start. Netty says "certificates" or "private key" in its message, which picks the key.
   */
  private void usablePem(String at, Callable<SslContext> build) {
    try {
      build.call();
    } catch (Exception e) {
      String why = e.getMessage() == null ? e.toString() : e.getMessage();
      String key = why.contains("private key") ? "key" : at.endsWith("backend-tls") ? "ca" : "cert";
      throw error(at + "." + key, "cannot be used: " + why + "; give PEM files (the private key"
          + " unencrypted, matching the certificate)");
    }
  }

  // ---- typed getters that name the key on failure ----

  private Path existingFile(Config c, String at, String key) {
    Path p = Path.of(string(c, at, key));
    Path resolved = p.isAbsolute() ? p : file.toAbsolutePath().getParent().resolve(p);
    if (!Files.isReadable(resolved)) {
      throw error(at + "." + key, "cannot read " + resolved + "; give a readable PEM file");
    }
    return resolved;
  }

  private HostPort hostPort(Config c, String at, String key) {
    String text = string(c, at, key);
    try {
      return HostPort.parse(text);
    } catch (IllegalArgumentException e) {
      throw error(at + "." + key, e.getMessage());
    }
  }

  private String string(Config c, String at, String key) {
    return get(at + "." + key, () -> c.getString(key));
  }

  private int integer(Config c, String at, String key) {
    ConfigValue v = get(at + "." + key, () -> c.getValue(key));
    if (v.valueType() == ConfigValueType.NUMBER && v.unwrapped() instanceof Double d && d != Math.rint(d)) {
      // getInt would silently drop the fraction (weight = 1.5 read as 1).
      throw error(at + "." + key, "must be a whole number, not " + d);
    }
    return get(at + "." + key, () -> c.getInt(key));
  }

  private boolean bool(Config c, String at, String key) {
    return get(at + "." + key, () -> c.getBoolean(key));
  }

  /**
   * A duration written as a bare number is read as milliseconds by the config library: an
   * operator who writes {@code max-replica-lag = 10} (seconds in ProxySQL) would get 10 ms. So
   * every duration needs its unit; only a bare 0 is accepted where zero is allowed.
   */
  private void requireUnit(Config c, String fullKey, String key, boolean zeroAllowed) {
    ConfigValue v = get(fullKey, () -> c.getValue(key));
    if (v.valueType() == ConfigValueType.NUMBER && !zeroAllowed && ((Number) v.unwrapped()).doubleValue() == 0) {
      throw error(fullKey, "must be a positive duration such as 500ms or 2s");
    }
    if (v.valueType() == ConfigValueType.NUMBER && !(zeroAllowed && ((Number) v.unwrapped()).doubleValue() == 0)) {
      throw error(fullKey, "needs a unit: " + v.unwrapped()
          + " alone would be read as milliseconds; write for example " + v.unwrapped() + "s or " + v.unwrapped() + "ms");
    }
  }

  private Duration duration(Config c, String at, String key) {
    requireUnit(c, at + "." + key, key, false);
    Duration d = get(at + "." + key, () -> c.getDuration(key));
    if (d.isNegative() || d.isZero()) {
      throw error(at + "." + key, "must be a positive duration such as 500ms or 2s");
    }
    return wholeMillis(at + "." + key, d);
  }

  /**
   * Timers and JDBC timeouts here count whole milliseconds: 500us would become 0, which is an
   * error for a timer and "wait forever" for a socket timeout.
   */
  private Duration wholeMillis(String fullKey, Duration d) {
    if (d.toNanos() % 1_000_000 != 0) {
      throw error(fullKey, "must be whole milliseconds (at least 1ms), got " + d.toNanos()
          + " ns");
    }
    return d;
  }

  private Config section(Config c, String at, String key) {
    return get(at, () -> c.getConfig(key));
  }

  private Optional<Config> optionalSection(Config c, String key) {
    return c.hasPath(key) ? Optional.of(section(c, ROOT + "." + key, key)) : Optional.empty();
  }

  private <T> T get(String key, Supplier<T> read) {
    try {
      return read.get();
    } catch (Missing e) {
      throw error(key, "missing; this key is required");
    } catch (WrongType e) {
      throw error(key, "wrong type: " + stripOrigin(e.getMessage()));
    } catch (com.typesafe.config.ConfigException e) {
      throw error(key, stripOrigin(e.getMessage()));
    }
  }

  /** Runs a record constructor and reports its complaint against the section's key. */
  private <T> T check(String key, Supplier<T> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException | NullPointerException e) {
      throw error(key, e.getMessage());
    }
  }

  private void allowOnly(Config c, String at, Set<String> allowed) {
    for (Map.Entry<String, ConfigValue> e : c.root().entrySet()) {
      if (!allowed.contains(e.getKey())) {
        throw error(at + "." + e.getKey(),
            "unknown key; allowed here: " + String.join(", ", allowed.stream().sorted().toList()));
      }
    }
  }

  /**
   * A problem with {@code key}, reported at the file and line where the key is written (an
   * included file names itself, not the file that includes it), or where its section starts
   * when the key is missing.
   */
  private ConfigException error(String key, String problem) {
    ConfigOrigin origin = originOf(key);
    if (origin == null || origin.filename() == null) {
      return new ConfigException(file, key, problem); // an environment variable, or not in the file
    }
    return new ConfigException(Path.of(origin.filename()), origin.lineNumber(), key, problem);
  }

  /** The origin of the deepest value on {@code key}'s path ("sluice.backends.slaves[1].name"). */
  private ConfigOrigin originOf(String key) {
    if (tree == null || key == null) {
      return null;
    }
    ConfigValue at = tree;
    for (String step : key.split("\\.")) {
      int bracket = step.indexOf('[');
      String name = bracket < 0 ? step : step.substring(0, bracket);
      ConfigValue next = at instanceof ConfigObject o ? o.get(name) : null;
      if (next == null) {
        return at.origin();
      }
      at = next;
      for (int b = bracket; b >= 0; b = step.indexOf('[', b + 1)) {
        int index = Integer.parseInt(step.substring(b + 1, step.indexOf(']', b)));
        if (!(at instanceof ConfigList list) || index >= list.size()) {
          return at.origin();
        }
        at = list.get(index);
      }
    }
    return at.origin();
  }

  private static String stripOrigin(String message) {
    // Typesafe prefixes "file: 12: " to its messages; we print the file ourselves.
    int idx = message.indexOf(": ");
    return idx > 0 && message.substring(0, idx).matches(".*\\d+$") ? message.substring(idx + 2) : message;
  }
}
