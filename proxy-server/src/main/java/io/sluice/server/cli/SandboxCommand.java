package io.sluice.server.cli;

import io.sluice.bootstrap.BootstrapException;
import io.sluice.bootstrap.flavor.Flavor;
import io.sluice.bootstrap.sandbox.Instance;
import io.sluice.bootstrap.sandbox.InstanceStatus;
import io.sluice.bootstrap.sandbox.Sandbox;
import io.sluice.bootstrap.sandbox.SandboxSpec;
import io.sluice.bootstrap.sandbox.SandboxStatus;
import io.sluice.bootstrap.sandbox.ScaleReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sluice sandbox up|status|down --dir DIR}: a local master and slaves as real server
 * processes on 127.0.0.1, for the demo, tests and benchmarks. All the work is in
 * {@link Sandbox}; this class only maps options and prints.
 */
@Command(name = "sandbox", mixinStandardHelpOptions = true,
    description = "Run a local replication sandbox: one master and N slaves on 127.0.0.1.",
    subcommands = {SandboxCommand.Up.class, SandboxCommand.Status.class, SandboxCommand.Down.class,
        SandboxCommand.AddReplica.class, SandboxCommand.RemoveReplica.class})
public final class SandboxCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "choose a subcommand: up, status, down, add-replica or remove-replica");
  }

  @Command(name = "up", mixinStandardHelpOptions = true,
      description = {"Start the sandbox in DIR, creating it on first use, and wait until every slave replicates.",
          "On an existing DIR only stopped servers are started; nothing is re-initialised or re-registered.",
          "Writes DIR/routing.conf for the proxy. Servers keep running after this command exits."})
  static final class Up implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Sandbox directory.")
    Path dir;

    @Option(names = "--flavor", paramLabel = "FLAVOR", converter = FlavorConverter.class,
        completionCandidates = FlavorIds.class,
        description = "One of ${COMPLETION-CANDIDATES} (default: mysql-8.0, or the flavor DIR already has).")
    Flavor flavor;

    @Option(names = "--replicas", paramLabel = "N",
        description = "Number of slaves (default: 2, or the number DIR already has).")
    Integer replicas;

    @Option(names = "--base-port", paramLabel = "P",
        description = "Master on P, slaves on P+1..P+N, proxy ports P+100..P+102 (default: free ports).")
    Integer basePort;

    @Option(names = "--relay",
        description = "Put a relay (mysql-relay-0) between the master and the slaves: master -> relay -> slaves.")
    boolean relay;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120",
        description = "How long a server may take to start and slaves to catch up (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        SandboxSpec s = SandboxSpec.in(dir).withTimeout(Duration.ofSeconds(timeoutSeconds))
            .withProgress(line -> {
              err.println("sandbox: " + line);
              err.flush();
            });
        if (flavor != null) {
          s = s.withFlavor(flavor);
        }
        if (replicas != null) {
          s = s.withReplicas(replicas);
        }
        if (basePort != null) {
          s = s.withBasePort(basePort);
        }
        Sandbox sandbox = Sandbox.up(s.withRelay(relay));
        for (Instance i : sandbox.instances()) {
          printInstance(out, i);
        }
        out.println("routing.conf: " + sandbox.routingConf() + " (proxy on 127.0.0.1:" + sandbox.proxyPorts().listen()
            + ", app/app)");
        out.println(sandbox.flavor().id() + " sandbox up in " + sandbox.lastUp().elapsed().toMillis() + " ms; stop it with:"
            + " sluice sandbox down --dir " + sandbox.dir());
        return 0;
      } catch (BootstrapException e) {
        err.println("sluice sandbox up: " + e.getMessage());
        return 1;
      }
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = {"Show each server of the sandbox in DIR: running or not, replication threads and lag.",
          "Exit code 0 if every server runs and every slave replicates, 3 if not, 1 on error."})
  static final class Status implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Sandbox directory.")
    Path dir;

    @Override
    public Integer call() {
      try {
        SandboxStatus status = Sandbox.status(dir);
        PrintWriter out = spec.commandLine().getOut();
        out.print(status.render());
        out.flush();
        boolean healthy = status.instances().stream().allMatch(SandboxCommand::healthy);
        return healthy ? 0 : 3;
      } catch (BootstrapException e) {
        spec.commandLine().getErr().println("sluice sandbox status: " + e.getMessage());
        return 1;
      }
    }
  }

  @Command(name = "down", mixinStandardHelpOptions = true,
      description = {"Stop every server of the sandbox in DIR (SIGTERM, SIGKILL after 30 s).",
          "DIR is kept: 'sandbox up' starts the same servers again."})
  static final class Down implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Sandbox directory.")
    Path dir;

    @Override
    public Integer call() {
      try {
        Sandbox.down(dir);
        spec.commandLine().getOut().println("sandbox in " + dir.toAbsolutePath().normalize() + " stopped");
        return 0;
      } catch (BootstrapException e) {
        spec.commandLine().getErr().println("sluice sandbox down: " + e.getMessage());
        return 1;
      }
    }
  }

  @Command(name = "add-replica", mixinStandardHelpOptions = true,
      description = {"Add a slave to the running sandbox in DIR (the lowest free mysql-slave-N, on a free port),",
          "registered with its source (the relay if there is one). If the source has purged binary logs the new",
          "slave needs, it is seeded from a consistent snapshot first. Prints its line as 'up' does;",
          "rewrites DIR/routing.conf."})
  static final class AddReplica implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Sandbox directory.")
    Path dir;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120",
        description = "How long the server may take to start and catch up (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      try {
        ScaleReport report = Sandbox.addReplica(dir, Duration.ofSeconds(timeoutSeconds), line -> {
          err.println("sandbox: " + line);
          err.flush();
        });
        PrintWriter out = spec.commandLine().getOut();
        printInstance(out, report.added());
        out.println(report.registration().outcome().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
            + " in " + report.elapsed().toMillis() + " ms");
        return 0;
      } catch (BootstrapException e) {
        err.println("sluice sandbox add-replica: " + e.getMessage());
        return 1;
      }
    }
  }

  @Command(name = "remove-replica", mixinStandardHelpOptions = true,
      description = {"Stop and delete one slave of the sandbox in DIR (default: the one with the highest ordinal);",
          "rewrites DIR/routing.conf. The master and the relay cannot be removed."})
  static final class RemoveReplica implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Sandbox directory.")
    Path dir;

    @Option(names = "--name", paramLabel = "NAME", description = "The slave to remove, e.g. mysql-slave-1.")
    String name;

    @Override
    public Integer call() {
      try {
        Instance removed = Sandbox.removeReplica(dir, java.util.Optional.ofNullable(name));
        spec.commandLine().getOut().println("removed " + removed.name() + " (" + removed.address() + ")");
        return 0;
      } catch (BootstrapException e) {
        spec.commandLine().getErr().println("sluice sandbox remove-replica: " + e.getMessage());
        return 1;
      }
    }
  }

  static void printInstance(PrintWriter out, Instance i) {
    out.printf("%-6s  %-14s  %-15s  server_id=%-5d  server_uuid=%s%n", i.role().word(), i.name(), i.address(),
        i.serverId(), i.serverUuid().orElse("-"));
    out.flush();
  }

  private static boolean healthy(InstanceStatus s) {
    return s.running() && s.problem().isEmpty()
        && (!s.instance().role().replicates() || s.replication().map(r -> r.running()).orElse(false));
  }

  /** Reads a flavor by the name users type (mysql-8.0), which is not the enum constant's name. */
  static final class FlavorConverter implements CommandLine.ITypeConverter<Flavor> {
    @Override
    public Flavor convert(String value) {
      try {
        return Flavor.parse(value);
      } catch (BootstrapException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  static final class FlavorIds implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return Arrays.stream(Flavor.values()).map(Flavor::id).iterator();
    }
  }
}
