package io.sluice.server.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sluice switchover --config FILE --to N|NAME}: a planned change of master through the
 * running proxy (the admin SWITCHOVER): the master is fenced, backend N catches up and is
 * promoted, the others follow it, and the proxy sends writes there.
 */
@Command(name = "switchover", mixinStandardHelpOptions = true,
    description = "Make another backend the master, through the running proxy of a config file.")
public final class SwitchoverCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "The proxy's routing.conf")
  Path config;

  @Option(names = "--to", required = true, paramLabel = "N|NAME",
      description = "The backend to promote: its name, or its number as `sluice admin -c FILE \"SELECT * FROM"
          + " backends\"` lists it")
  String to;

  /** A name with characters the admin grammar splits on goes quoted. */
  private static String backendRef(String to) {
    return to.matches("\\d+|[^\\s'`]+") ? to : "`" + to + "`";
  }

  @Override
  public Integer call() {
    return AdminCommand.run(spec, config, List.of("SWITCHOVER " + backendRef(to), "SELECT * FROM backends"));
  }
}
