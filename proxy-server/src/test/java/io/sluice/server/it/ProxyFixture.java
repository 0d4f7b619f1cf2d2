package io.sluice.server.it;

import io.sluice.bootstrap.sandbox.Sandbox;
import io.sluice.server.EventLoopBinding;
import io.sluice.server.ProxyServer;
import io.sluice.server.config.ConfigLoader;
import io.sluice.server.config.HostPort;
import io.sluice.server.config.ProxyConfig;
import io.sluice.server.config.ProxyConfig.BackendConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.UnaryOperator;

/** A Sluice proxy in front of a sandbox cluster, configured from the sandbox's own routing.conf. */
final class ProxyFixture implements AutoCloseable {
  final ProxyServer server;
  final ProxyConfig config;

  /** The proxy as {@code sluice proxy} starts it by default. */
  private ProxyFixture(ProxyConfig config) {
    this(config, ProxyServer.start(config));
  }

  private ProxyFixture(ProxyConfig config, ProxyServer server) {
    this.config = config;
    this.server = server;
  }

  /** The sandbox's proxy with {@code ioThreads} event loops, bound to CPUs as {@code binding} says (--bind-io-threads). */
  static ProxyFixture start(Sandbox sandbox, int ioThreads, EventLoopBinding binding) {
    ProxyConfig config = onFreePorts(sandbox.routingConf());
    return new ProxyFixture(config, ProxyServer.start(config, ioThreads, binding));
  }

  static ProxyFixture start(Sandbox sandbox) {
    return start(sandbox, c -> c);
  }

  /** Starts a proxy on a free port with the sandbox's config, changed by {@code edit}. */
  static ProxyFixture start(Sandbox sandbox, UnaryOperator<ProxyConfig> edit) {
    return start(sandbox.routingConf(), edit);
  }

  /** Starts a proxy on free ports with the config in {@code file}, changed by {@code edit}. */
  static ProxyFixture start(java.nio.file.Path file, UnaryOperator<ProxyConfig> edit) {
    return new ProxyFixture(edit.apply(onFreePorts(file)));
  }

  /** The config in {@code file} with free ports for every listener: several proxies may serve one sandbox at once. */
  private static ProxyConfig onFreePorts(java.nio.file.Path file) {
    ProxyConfig c = ConfigLoader.load(file);
    return new ProxyConfig(c.source(), new HostPort("127.0.0.1", 0),
        c.admin().map(a -> new ProxyConfig.AdminConfig(new HostPort("127.0.0.1", 0), a.user(), a.password())),
        c.metricsListen().map(m -> new HostPort("127.0.0.1", 0)), c.users(),
        c.backends(), c.monitor(), c.pool(), c.tls(), c.backendTls());
  }

  /** The same config with the slaves' weights replaced, in order. */
  static UnaryOperator<ProxyConfig> weights(int... weights) {
    return c -> {
      List<BackendConfig> slaves = new ArrayList<>();
      for (int i = 0; i < c.backends().slaves().size(); i++) {
        BackendConfig s = c.backends().slaves().get(i);
        slaves.add(new BackendConfig(s.name(), s.address(), weights[i]));
      }
      return new ProxyConfig(c.source(), c.listen(), c.admin(), c.metricsListen(), c.users(),
          new ProxyConfig.BackendsConfig(c.backends().master(), c.backends().relays(),
              c.backends().relaysServeReads(), slaves, c.backends().readAffinity()),
          c.monitor(), c.pool(), c.tls(), c.backendTls());
    };
  }

  /** The same config with {@code backends.read-affinity} set (zero: every read chosen by weight). */
  static UnaryOperator<ProxyConfig> readAffinity(Duration time) {
    return c -> {
      ProxyConfig.BackendsConfig b = c.backends();
      return c.withBackends(new ProxyConfig.BackendsConfig(b.master(), b.relays(), b.relaysServeReads(), b.slaves(),
          new io.sluice.core.cluster.ReadAffinity(time)));
    };
  }

  /** The same config plus one more user. */
  static UnaryOperator<ProxyConfig> withUser(ProxyConfig.UserConfig user) {
    return c -> {
      List<ProxyConfig.UserConfig> users = new ArrayList<>(c.users());
      users.add(user);
      return new ProxyConfig(c.source(), c.listen(), c.admin(), c.metricsListen(), users, c.backends(),
          c.monitor(), c.pool(), c.tls(), c.backendTls());
    };
  }

  int adminPort() {
    return server.adminAddress().orElseThrow().getPort();
  }

  /**
   * Runs admin statements with the mariadb command-line client; returns its output lines
   * (tab-separated columns), or throws with its error output.
   */
  java.util.List<String> adminAs(String password, String... statements) throws Exception {
    Process p = new ProcessBuilder("mariadb", "--protocol=tcp", "-h127.0.0.1", "-P" + adminPort(), "-uadmin",
        "-p" + password, "--batch", "--skip-column-names", "-e", String.join(";", statements)).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new AdminError(err.trim());
    }
    return out.isEmpty() ? java.util.List.of() : java.util.List.of(out.split("\n"));
  }

  java.util.List<String> admin(String... statements) throws Exception {
    return adminAs("admin", statements);
  }

  static final class AdminError extends Exception {
    AdminError(String message) {
      super(message);
    }
  }

  int port() {
    return server.localAddress().getPort();
  }

  String url(String database, String params) {
    return "jdbc:mysql://127.0.0.1:" + port() + "/" + database + (params.isEmpty() ? "" : "?" + params);
  }

  /** Connector/J through the proxy with the given URL parameters. */
  Connection connect(String params) throws SQLException {
    return connect("app", "app", params);
  }

  Connection connect(String user, String password, String params) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("connectTimeout", "5000");
    return DriverManager.getConnection(url("app", params), p);
  }

  @Override
  public void close() {
    server.shutdown(Duration.ofSeconds(2));
  }
}
