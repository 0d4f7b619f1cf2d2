package io.sluice.server.cli;

import io.sluice.server.EventLoopBinding;
import io.sluice.server.ProxyServer;
import io.sluice.server.config.ConfigException;
import io.sluice.server.config.ConfigLoader;
import io.sluice.server.config.ProxyConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code sluice proxy --config FILE}: runs the proxy in the foreground until SIGINT/SIGTERM. */
@Command(name = "proxy", mixinStandardHelpOptions = true,
    description = "Run the proxy with a routing.conf (HOCON) configuration.")
public final class ProxyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
      description = "Configuration file, e.g. conf/routing.conf")
  Path config;

  @Option(names = "--check",
      description = "Only check the configuration, as nginx -t or haproxy -c: print what it sets up and exit 0,"
          + " or the error (file, key, fix) and exit 2. Starts nothing, contacts no server.")
  boolean checkOnly;

  @Option(names = "--drain", paramLabel = "SECONDS", defaultValue = "10",
      description = "On shutdown, how long running statements may take to finish (default: ${DEFAULT-VALUE}).")
  int drainSeconds;

  @Option(names = "--io-threads", paramLabel = "N",
      description = "Event-loop threads serving client and backend connections (default: one per core"
          + " the JVM counts).")
  Integer ioThreads;

  @Option(names = "--bind-io-threads", paramLabel = "auto|on|off", arity = "0..1", fallbackValue = "on",
      defaultValue = "auto", converter = BindingConverter.class,
      description = "Bind each event-loop thread to one CPU, in turn over the CPUs this process may use"
          + " (like haproxy's cpu-map). auto (default): only when the loops are one per allowed CPU;"
          + " on (or the bare flag): always; off: leave them to the kernel's scheduler.")
  EventLoopBinding binding;

  /** auto, on or off, in any case; picocli reports anything else with the option's name. */
  static final class BindingConverter implements picocli.CommandLine.ITypeConverter<EventLoopBinding> {
    @Override
    public EventLoopBinding convert(String value) {
      try {
        return EventLoopBinding.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException("expected auto, on or off, got '" + value + "'");
      }
    }
  }

  @Override
  public Integer call() throws InterruptedException {
    if (ioThreads != null && (ioThreads < 1 || ioThreads > 1024)) {
      spec.commandLine().getErr().println("sluice: --io-threads must be between 1 and 1024, got " + ioThreads);
      return 2;
    }
    if (drainSeconds < 0) {
      spec.commandLine().getErr().println("sluice: --drain must be 0 or more seconds, got " + drainSeconds);
      return 2;
    }
    ProxyConfig cfg;
    try {
      cfg = ConfigLoader.load(config);
    } catch (ConfigException e) {
      spec.commandLine().getErr().println("sluice: invalid configuration: " + e.getMessage());
      return 2;
    }
    if (checkOnly) {
      spec.commandLine().getOut().println("sluice: " + config.toAbsolutePath() + " is valid: " + summary(cfg));
      return 0;
    }
    ProxyServer server;
    try {
      server = ProxyServer.start(cfg, ioThreads != null ? ioThreads : ProxyServer.defaultIoThreads(), binding);
    } catch (RuntimeException e) {
      // The config was valid, but the machine refused something (a port in use, a file gone).
      spec.commandLine().getErr().println("sluice: cannot start: " + (e.getMessage() == null ? e : e.getMessage()));
      return 1;
    }
    spec.commandLine().getOut().println("sluice: listening on " + server.localAddress().getHostString() + ":"
        + server.localAddress().getPort() + " (master " + cfg.backends().master().address() + ", "
        + cfg.backends().slaves().size() + " slaves)");
    server.adminAddress().ifPresent(a -> spec.commandLine().getOut().println(
        "sluice: admin interface on " + a.getHostString() + ":" + a.getPort() + " (SELECT * FROM help)"));
    spec.commandLine().getOut().flush();
    // Edits to the file, SIGHUP and the admin RELOAD all apply the new config without a restart.
    server.watchConfig();
    server.reloadOnSighup();
    awaitShutdown(server, Duration.ofSeconds(drainSeconds));
    return 0;
  }

  private static String summary(ProxyConfig cfg) {
    var b = cfg.backends();
    return "listen " + cfg.listen() + ", master " + b.master().name() + " (" + b.master().address() + "), "
        + b.relays().size() + " relays, " + b.slaves().size() + " slaves, " + cfg.users().size() + " users"
        + cfg.admin().map(a -> ", admin " + a.listen()).orElse("")
        + cfg.metricsListen().map(m -> ", metrics " + m).orElse("")
        + (cfg.failover().auto() ? ", automatic failover after " + cfg.failover().downAfter().toMillis() + "ms"
            : ", manual failover");
  }

  /** Blocks until the JVM is asked to stop, then drains and closes the proxy. */
  static void awaitShutdown(ProxyServer server, Duration drain) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.err.println("sluice: shutting down (draining for up to " + drain.toSeconds() + "s)");
      server.shutdown(drain);
      stopped.countDown();
    }, "sluice-shutdown"));
    stopped.await();
  }
}
