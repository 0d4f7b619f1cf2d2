package io.sluice.bootstrap.container;

import io.sluice.bootstrap.BootstrapException;
import io.sluice.bootstrap.flavor.Flavor;
import io.sluice.bootstrap.identity.Role;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The settings of {@code sluice bootstrap prepare|register} in a container, read from the
 * environment. The names follow the official MySQL image (MYSQL_ROOT_PASSWORD, MYSQL_USER,
 * MYSQL_PASSWORD, MYSQL_DATABASE) and the seed document (MYSQL_ROLE, MYSQLC_MYSQLD_*), so an
 * existing deployment keeps its variables. Every name is a constant here; the Docker and
 * Kubernetes files are checked against them.
 */
public record BootstrapEnv(
    Role role,
    String hostname,
    Flavor flavor,
    Path datadir,
    Path configFile,
    int port,
    String reportHost,
    String rootPassword,
    Optional<String> appUser,
    Optional<String> appPassword,
    Optional<String> appDatabase,
    String masterHost,
    int masterPort,
    Optional<String> relayHost,
    int relayPort,
    String replicationUser,
    Optional<String> replicationPassword,
    Map<String, String> mysqldOverrides,
    Duration timeout) {

  public static final String ROLE = "MYSQL_ROLE";
  public static final String ROOT_PASSWORD = "MYSQL_ROOT_PASSWORD";
  public static final String USER = "MYSQL_USER";
  public static final String PASSWORD = "MYSQL_PASSWORD";
  public static final String DATABASE = "MYSQL_DATABASE";
  /** The master's address as replicas reach it; MYSQL_HOST is the alias the seed's platform injects. */
  public static final String MASTER_HOST = "MYSQL_MASTER_HOST";
  public static final String MASTER_HOST_ALIAS = "MYSQL_HOST";
  public static final String MASTER_PORT = "MYSQL_MASTER_PORT";
  /** When set, slaves replicate from this relay instead of the master. */
  public static final String RELAY_HOST = "MYSQL_RELAY_HOST";
  public static final String RELAY_PORT = "MYSQL_RELAY_PORT";
  public static final String REPLICATION_USER = "MYSQL_REPLICATION_USER";
  public static final String REPLICATION_PASSWORD = "MYSQL_REPLICATION_PASSWORD";
  public static final String REPORT_HOST = "MYSQL_REPORT_HOST";
  public static final String FLAVOR = "SLUICE_FLAVOR";
  public static final String DATADIR = "SLUICE_DATADIR";
  public static final String CONFIG_FILE = "SLUICE_MYSQLD_CNF";
  public static final String TIMEOUT = "SLUICE_BOOTSTRAP_TIMEOUT_SECONDS";
  public static final String HOSTNAME = "HOSTNAME";
  /** {@code MYSQLC_MYSQLD_<option>=<value>} becomes {@code <option> = <value>} in [mysqld] (env2file). */
  public static final String MYSQLD_OVERRIDE_PREFIX = "MYSQLC_MYSQLD_";

  public static final String DEFAULT_MASTER_HOST = "mysql-master";
  public static final int DEFAULT_PORT = 3306;
  public static final String DEFAULT_REPLICATION_USER = "repl";
  public static final Path DEFAULT_DATADIR = Path.of("/var/lib/mysql");
  public static final Path DEFAULT_CONFIG_FILE = Path.of("/etc/mysql/conf.d/sluice.cnf");

  /**
   * Reads the environment.
   *
   * @param hostname the container's hostname, used when HOSTNAME is not in {@code env}
   */
  public static BootstrapEnv from(Map<String, String> env, String hostname) {
    String host = nonBlank(env, HOSTNAME).orElse(hostname);
    Role role = nonBlank(env, ROLE)
        .map(r -> Role.fromWord(r).orElseThrow(() -> new BootstrapException(ROLE + "=" + r
            + " is not a role; use master, relay or slave")))
        .orElseThrow(() -> new BootstrapException(ROLE + " is not set; set it to master, relay or slave"));
    Map<String, String> overrides = mysqldOverrides(env);
    int port = overrides.containsKey("port") ? number(overrides.get("port"), MYSQLD_OVERRIDE_PREFIX + "PORT")
        : DEFAULT_PORT;
    return new BootstrapEnv(
        role,
        host,
        nonBlank(env, FLAVOR).map(Flavor::parse).orElse(Flavor.MYSQL_80),
        nonBlank(env, DATADIR).map(Path::of).orElse(DEFAULT_DATADIR),
        nonBlank(env, CONFIG_FILE).map(Path::of).orElse(DEFAULT_CONFIG_FILE),
        port,
        nonBlank(env, REPORT_HOST).orElse(host),
        env.getOrDefault(ROOT_PASSWORD, ""),
        nonBlank(env, USER),
        Optional.ofNullable(env.get(PASSWORD)),
        nonBlank(env, DATABASE),
        nonBlank(env, MASTER_HOST).or(() -> nonBlank(env, MASTER_HOST_ALIAS)).orElse(DEFAULT_MASTER_HOST),
        nonBlank(env, MASTER_PORT).map(p -> number(p, MASTER_PORT)).orElse(DEFAULT_PORT),
        nonBlank(env, RELAY_HOST),
        nonBlank(env, RELAY_PORT).map(p -> number(p, RELAY_PORT)).orElse(DEFAULT_PORT),
        nonBlank(env, REPLICATION_USER).orElse(DEFAULT_REPLICATION_USER),
        Optional.ofNullable(env.get(REPLICATION_PASSWORD)),
        overrides,
        Duration.ofSeconds(nonBlank(env, TIMEOUT).map(t -> number(t, TIMEOUT)).orElse(300)));
  }

  /** Where this instance replicates from: a slave from the relay when one is configured, else the master. */
  public String sourceHost() {
    return role == Role.SLAVE && relayHost.isPresent() ? relayHost.get() : masterHost;
  }

  public int sourcePort() {
    return role == Role.SLAVE && relayHost.isPresent() ? relayPort : masterPort;
  }

  public String requireReplicationPassword() {
    return replicationPassword.filter(p -> !p.isEmpty()).orElseThrow(() -> new BootstrapException(
        REPLICATION_PASSWORD + " is not set; give every node the same replication password"));
  }

  /**
   * {@code MYSQLC_MYSQLD_binlog_ignore_db=mysql} -> {@code binlog_ignore_db = mysql}. Option
   * names are lowercased (MYSQLC_MYSQLD_PORT -> port): mysqld reads lowercase names only.
   */
  static Map<String, String> mysqldOverrides(Map<String, String> env) {
    Map<String, String> overrides = new TreeMap<>();
    env.forEach((k, v) -> {
      if (k.startsWith(MYSQLD_OVERRIDE_PREFIX) && k.length() > MYSQLD_OVERRIDE_PREFIX.length()) {
        String option = k.substring(MYSQLD_OVERRIDE_PREFIX.length()).toLowerCase(Locale.ROOT);
        if (!option.matches("[a-z0-9_-]+")) {
          throw new BootstrapException(k + ": '" + option + "' is not a mysqld option name");
        }
        if (v.contains("\n")) {
          throw new BootstrapException(k + ": the value must be one line");
        }
        overrides.put(option, v.trim());
      }
    });
    return overrides;
  }

  private static Optional<String> nonBlank(Map<String, String> env, String key) {
    return Optional.ofNullable(env.get(key)).map(String::trim).filter(s -> !s.isEmpty());
  }

  private static int number(String text, String key) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new BootstrapException(key + "=" + text + " is not a number", e);
    }
  }

  @Override
  public String toString() {
    return "BootstrapEnv[role=" + role + ", hostname=" + hostname + ", flavor=" + flavor + ", source=" + sourceHost()
        + ":" + sourcePort() + "]";
  }
}
