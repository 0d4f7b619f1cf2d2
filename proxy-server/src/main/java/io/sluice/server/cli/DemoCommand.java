package io.sluice.server.cli;

import io.sluice.bootstrap.BootstrapException;
import io.sluice.bootstrap.flavor.Flavor;
import io.sluice.bootstrap.sandbox.Instance;
import io.sluice.bootstrap.sandbox.Sandbox;
import io.sluice.bootstrap.sandbox.SandboxSpec;
import io.sluice.server.ProxyServer;
import io.sluice.server.config.ConfigException;
import io.sluice.server.config.ConfigLoader;
import io.sluice.server.config.ProxyConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sluice demo}: the embedded default. Starts (or restarts) a local sandbox cluster,
 * runs the proxy in front of it with the sandbox's routing.conf and prints the JDBC URL.
 * Ctrl-C stops the proxy and the sandbox.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Start a local MySQL cluster (1 master + N slaves) and the proxy in front of it,",
        "print the JDBC URL, and run until interrupted (Ctrl-C stops everything)."})
public final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--dir", paramLabel = "DIR", defaultValue = "${sys:java.io.tmpdir}/sluice-demo",
      description = "Sandbox directory (default: ${DEFAULT-VALUE}); reused if it exists.")
  Path dir;

  @Option(names = "--flavor", paramLabel = "FLAVOR", converter = SandboxCommand.FlavorConverter.class,
      completionCandidates = SandboxCommand.FlavorIds.class,
      description = "One of ${COMPLETION-CANDIDATES} (default: mysql-8.0).")
  Flavor flavor;

  @Option(names = "--replicas", paramLabel = "N", defaultValue = "2", description = "Number of slaves (default: 2).")
  int replicas;

  @Option(names = "--check",
      description = "Write and read once through the proxy, print where each statement ran, then stop everything.")
  boolean check;

  @Option(names = "--keep", description = "Leave the sandbox running when the demo stops.")
  boolean keep;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Sandbox sandbox;
    try {
      SandboxSpec s = SandboxSpec.in(dir).withReplicas(replicas).withProgress(line -> {
        err.println("sandbox: " + line);
        err.flush();
      });
      sandbox = Sandbox.up(flavor == null ? s : s.withFlavor(flavor));
    } catch (BootstrapException | IllegalArgumentException e) {
      err.println("sluice demo: " + e.getMessage());
      return 1;
    }
    ProxyServer server;
    try {
      ProxyConfig config = ConfigLoader.load(sandbox.routingConf());
      server = ProxyServer.start(config);
    } catch (ConfigException | IllegalStateException e) {
      err.println("sluice demo: " + e.getMessage());
      stopSandbox(sandbox, err);
      return 1;
    }
    for (Instance i : sandbox.instances()) {
      out.printf("%-6s %-14s %s  server_id=%d%n", i.role().word(), i.name(), i.address(), i.serverId());
    }
    int port = server.localAddress().getPort();
    String url = "jdbc:mysql://127.0.0.1:" + port + "/app?user=app&password=app";
    out.println();
    out.println("Sluice is listening. Point your application at:");
    out.println("  " + url);
    // --comments: the command-line client drops comments, and with them /*master*/ hints, unless told not to.
    out.println("or: mariadb --comments -h127.0.0.1 -P" + port + " -uapp -papp app");
    out.println("(" + sandbox.flavor().id() + " sandbox in " + sandbox.dir() + "; Ctrl-C stops the proxy and the sandbox)");
    out.flush();
    if (check) {
      int rc = selfCheck(url, sandbox, out, err);
      server.shutdown(Duration.ofSeconds(2));
      if (!keep) {
        stopSandbox(sandbox, err);
      }
      return rc;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.shutdown(Duration.ofSeconds(5));
      if (!keep) {
        stopSandbox(sandbox, err);
      }
    }, "sluice-demo-shutdown"));
    Thread.currentThread().join();
    return 0;
  }

  /** One write and two reads through the proxy; prints which server ran each. */
  private static int selfCheck(String url, Sandbox sandbox, PrintWriter out, PrintWriter err) {
    try (Connection c = DriverManager.getConnection(url + "&sslMode=REQUIRED"); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS demo_check (id INT AUTO_INCREMENT PRIMARY KEY, at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)");
      s.execute("INSERT INTO demo_check () VALUES ()");
      long write = serverId(s, "/*master*/ SELECT @@server_id");
      long read1 = serverId(s, "SELECT @@server_id");
      long read2 = serverId(s, "SELECT @@server_id");
      out.println("check: write ran on server_id " + write + " (master " + sandbox.master().serverId()
          + "); reads ran on server_ids " + read1 + ", " + read2);
      boolean ok = write == sandbox.master().serverId()
          && sandbox.slaves().stream().anyMatch(i -> i.serverId() == read1)
          && sandbox.slaves().stream().anyMatch(i -> i.serverId() == read2);
      out.println(ok ? "check: OK" : "check: FAILED (reads should run on slaves)");
      out.flush();
      return ok ? 0 : 1;
    } catch (SQLException e) {
      err.println("check: FAILED: " + e.getMessage());
      return 1;
    }
  }

  private static long serverId(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void stopSandbox(Sandbox sandbox, PrintWriter err) {
    try {
      sandbox.down();
    } catch (RuntimeException e) {
      err.println("sluice demo: stopping the sandbox failed: " + e.getMessage());
    }
  }
}
