package io.sluice.server.cli;

import io.sluice.server.admin.AdminClient;
import io.sluice.server.admin.AdminResult;
import io.sluice.server.config.ConfigException;
import io.sluice.server.config.ConfigLoader;
import io.sluice.server.config.ProxyConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sluice admin --config FILE STATEMENT...}: runs admin statements on a running proxy's
 * admin port (address and account from the same config file), printing tables tab-separated.
 */
@Command(name = "admin", mixinStandardHelpOptions = true,
    description = "Run admin statements (SELECT * FROM help) on the running proxy of a config file.")
public final class AdminCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The proxy's routing.conf")
  Path config;

  @Parameters(arity = "1..*", paramLabel = "STATEMENT", description = "e.g. \"SELECT * FROM backends\"")
  List<String> statements;

  @Override
  public Integer call() {
    return run(spec, config, statements);
  }

  /** Runs the statements; 0 if all succeeded, 1 on an admin error, 2 on a config or connection problem. */
  static int run(CommandSpec spec, Path config, List<String> statements) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    java.util.Optional<ProxyConfig.AdminConfig> admin;
    try {
      admin = ConfigLoader.load(config).admin();
    } catch (ConfigException invalid) {
      // The running proxy keeps its last good configuration: inspecting it is what the admin
      // port is for, so a file broken elsewhere still gives its admin section.
      try {
        admin = ConfigLoader.loadAdmin(config);
      } catch (ConfigException e) {
        err.println("sluice: invalid configuration: " + invalid.getMessage());
        return 2;
      }
      err.println("sluice: warning: invalid configuration (" + invalid.getMessage()
          + "); using only its admin section");
    }
    if (admin.isEmpty()) {
      err.println("sluice: " + config + " has no admin section (admin { listen = \"127.0.0.1:6034\", user = ..., "
          + "password = ... }); the proxy has no admin port");
      return 2;
    }
    ProxyConfig.AdminConfig a = admin.get();
    String host = a.listen().host().equals("0.0.0.0") ? "127.0.0.1" : a.listen().host();
    try (AdminClient client = new AdminClient(host, a.listen().port(), a.user(), a.password())) {
      for (String sql : statements) {
        AdminResult r = client.query(sql);
        if (r instanceof AdminResult.Error e) {
          err.println("sluice: ERROR " + e.error().code() + " (" + e.error().sqlState() + "): " + e.error().message());
          return 1;
        } else if (r instanceof AdminResult.Ok ok) {
          out.println(ok.info().isEmpty() ? "OK, " + ok.affectedRows() + " affected" : ok.info());
        } else if (r instanceof AdminResult.Table t) {
          out.println(String.join("\t", t.columns()));
          t.rows().forEach(row -> out.println(String.join("\t", row.stream().map(v -> v == null ? "NULL" : v).toList())));
        }
      }
      return 0;
    } catch (IOException e) {
      err.println("sluice: cannot reach the admin port " + host + ":" + a.listen().port() + ": " + e.getMessage()
          + " (is the proxy running with " + config + "?)");
      return 2;
    } finally {
      out.flush();
      err.flush();
    }
  }
}
