package io.sluice.server.cli;

import io.sluice.bootstrap.BootstrapException;
import io.sluice.bootstrap.container.BootstrapEnv;
import io.sluice.bootstrap.container.Prepare;
import io.sluice.bootstrap.container.Register;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sluice bootstrap prepare|register|check}: the container side of the replication
 * bootstrap, configured by environment variables ({@link BootstrapEnv}). All the work is in
 * {@link Prepare} and {@link Register}; this class only reads the environment and prints.
 */
@Command(name = "bootstrap", mixinStandardHelpOptions = true,
    description = {"Prepare and register a MySQL instance of a replication cluster in a container.",
        "Configured by MYSQL_ROLE, MYSQL_ROOT_PASSWORD, MYSQL_USER, MYSQL_PASSWORD, MYSQL_DATABASE,",
        "MYSQL_MASTER_HOST/PORT, MYSQL_RELAY_HOST/PORT, MYSQL_REPLICATION_USER/PASSWORD, MYSQLC_MYSQLD_<option>."},
    subcommands = {BootstrapCommand.PrepareStep.class, BootstrapCommand.RegisterStep.class,
        BootstrapCommand.CheckStep.class})
public final class BootstrapCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "choose a subcommand: prepare, register or check");
  }

  @Command(name = "prepare", mixinStandardHelpOptions = true,
      description = {"Before mysqld starts: derive server_id from the hostname's -N ordinal and MYSQL_ROLE, write",
          "the mysqld option file (SLUICE_MYSQLD_CNF, default /etc/mysql/conf.d/sluice.cnf) with the",
          "MYSQLC_MYSQLD_* overrides, and give an initialised datadir without auto.cnf a fresh server_uuid."})
  static final class PrepareStep implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
      try {
        Prepare.Result r = Prepare.run(BootstrapEnv.from(System.getenv(), hostname()));
        spec.commandLine().getOut().println(r.name() + " (" + r.name().role().word() + "): server_id=" + r.serverId()
            + r.writtenUuid().map(u -> ", wrote server_uuid " + u).orElse("") + ", option file " + r.configFile());
        return 0;
      } catch (BootstrapException e) {
        spec.commandLine().getErr().println("sluice bootstrap prepare: " + e.getMessage());
        return 1;
      }
    }
  }

  @Command(name = "register", mixinStandardHelpOptions = true,
      description = {"Once mysqld runs: on the master create the replication and application accounts; on a relay",
          "or slave register with the source (seeding an empty instance from a snapshot if the source has",
          "purged binary logs), start replication and wait until it has caught up. Safe to repeat."})
  static final class RegisterStep implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--local-host", defaultValue = "127.0.0.1", paramLabel = "HOST",
        description = "Where the local mysqld listens (default: ${DEFAULT-VALUE}).")
    String localHost;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      try {
        Register.Outcome outcome = Register.run(BootstrapEnv.from(System.getenv(), hostname()), localHost, line -> {
          err.println("bootstrap: " + line);
          err.flush();
        });
        spec.commandLine().getOut().println("registered: " + outcome.name().toLowerCase(java.util.Locale.ROOT));
        return 0;
      } catch (BootstrapException e) {
        err.println("sluice bootstrap register: " + e.getMessage());
        return 1;
      }
    }
  }

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = {"Readiness probe: exit 0 if the local server answers and, on a relay or slave, both",
          "replication threads run and the lag is at most --max-lag seconds; 1 otherwise."})
  static final class CheckStep implements Callable<Integer> {
    @Option(names = "--max-lag", defaultValue = "30", paramLabel = "SECONDS",
        description = "Largest acceptable Seconds_Behind_Source (default: ${DEFAULT-VALUE}).")
    int maxLagSeconds;

    @Option(names = "--local-host", defaultValue = "127.0.0.1", paramLabel = "HOST",
        description = "Where the local mysqld listens (default: ${DEFAULT-VALUE}).")
    String localHost;

    @Override
    public Integer call() {
      try {
        return Register.replicating(BootstrapEnv.from(System.getenv(), hostname()), localHost,
            Duration.ofSeconds(maxLagSeconds)) ? 0 : 1;
      } catch (BootstrapException e) {
        return 1;
      }
    }
  }

  private static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "";
    }
  }
}
