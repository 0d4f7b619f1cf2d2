package io.sluice.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code sluice} command line: one entry point for the proxy, the local sandbox, the
 * demo and the replication bootstrap. Each subcommand is its own small class.
 */
@Command(
    name = "sluice",
    mixinStandardHelpOptions = true,
    versionProvider = SluiceCli.Version.class,
    description = "A read/write-splitting MySQL proxy and a MySQL replication bootstrapper.",
    subcommands = {CommandLine.HelpCommand.class, DemoCommand.class, ProxyCommand.class, SandboxCommand.class,
        BootstrapCommand.class, AdminCommand.class, SwitchoverCommand.class})
public final class SluiceCli {
  private static final String RECYCLER_CAPACITY = "io.netty.recycler.maxCapacityPerThread";

  public static void main(String[] args) {
    if (System.getProperty(RECYCLER_CAPACITY) == null) {
      // Netty's object pool hands each pooled buffer and slice (several per statement) through
      // a per-thread queue; allocating them is cheaper here: QPS +4 % (median of six alternating
      // pairs, benchmarks/RESULTS.md). Read when Netty's Recycler loads, so set before anything
      // of Netty's runs; -Dio.netty.recycler.maxCapacityPerThread=N still wins.
      System.setProperty(RECYCLER_CAPACITY, "0");
    }
    if (System.getProperty("io.netty.leakDetection.level") == null) {
      // Sampling leak detection records a stack trace for one buffer in 128: worth it in tests
      // (which run paranoid), not on every production statement.
      io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.DISABLED);
    }
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, shared by {@link #main} and the tests. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new SluiceCli());
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setParameterExceptionHandler(SluiceCli::invalidInput);
    return cli;
  }

  /**
   * Picocli's report, but an unknown option first: "--confg x" was reported only as the missing
   * --config, which hides the typo.
   */
  private static int invalidInput(CommandLine.ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    java.io.PrintWriter err = cmd.getErr();
    java.util.List<String> unknown = cmd.getUnmatchedArguments();
    if (!(ex instanceof CommandLine.UnmatchedArgumentException) && !unknown.isEmpty()) {
      err.println("Unknown option or argument: " + String.join(", ", unknown));
      CommandLine.UnmatchedArgumentException.printSuggestions(
          new CommandLine.UnmatchedArgumentException(cmd, unknown), err);
    }
    err.println(ex.getMessage());
    if (!CommandLine.UnmatchedArgumentException.printSuggestions(ex, err)) {
      cmd.usage(err);
    }
    return cmd.getCommandSpec().exitCodeOnInvalidInput();
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = SluiceCli.class.getPackage().getImplementationVersion();
      return new String[] {"sluice " + (v == null ? "development build" : v)};
    }
  }
}
