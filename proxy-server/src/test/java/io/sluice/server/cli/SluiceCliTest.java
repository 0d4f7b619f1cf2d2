package io.sluice.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import io.sluice.server.EventLoopBinding;
import picocli.CommandLine;

class SluiceCliTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = SluiceCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void helpListsTheSubcommands() {
    assertEquals(0, run("--help"));
    for (String sub : new String[] {"demo", "proxy", "sandbox"}) {
      assertTrue(out.toString().contains(sub), out.toString());
    }
  }

  @Test
  void proxyRefusesABadConfigNamingFileAndKey() throws Exception {
    Path conf = dir.resolve("routing.conf");
    Files.writeString(conf, """
        sluice {
          listen = "127.0.0.1:0"
          users = [ { name = app, password = app } ]
          backends { master = { address = "127.0.0.1" } }
        }
        """);
    assertEquals(2, run("proxy", "--config", conf.toString()));
    String message = err.toString();
    assertTrue(message.contains(conf.toString()) && message.contains("sluice.backends.master.address")
        && message.contains("host:port"), message);
  }

  /**
   * --check validates without starting: port 1 is nobody's MySQL and 6033 may be taken, yet the
   * answer is "valid" at once; a bad key still exits 2 with the key.
   */
  @Test
  void checkOnlyValidatesAndStartsNothing() throws Exception {
    Path conf = dir.resolve("routing.conf");
    String valid = """
        sluice {
          listen = "127.0.0.1:6033"
          users = [ { name = app, password = app } ]
          backends {
            master = { name = "m", address = "127.0.0.1:1" }
            slaves = [ { name = "s0", address = "127.0.0.1:2" } ]
          }
        }
        """;
    Files.writeString(conf, valid);
    assertEquals(0, run("proxy", "--config", conf.toString(), "--check"), err.toString());
    assertTrue(out.toString().contains(conf + " is valid: listen 127.0.0.1:6033, master m (127.0.0.1:1), 0 relays,"
        + " 1 slaves, 1 users, manual failover"), out.toString());
    assertTrue(!out.toString().contains("listening on"), out.toString());
    Files.writeString(conf, valid.replace("name = app, password = app", "name = app"));
    assertEquals(2, run("proxy", "--config", conf.toString(), "--check"));
    assertTrue(err.toString().contains("sluice.users[0].password"), err.toString());
  }

  /**
   * A config file broken after the proxy loaded it (the proxy keeps its last good one) still
   * gives the admin command its admin section, with a warning; a directory is named as one.
   */
  @Test
  void adminWorksWithAFileBrokenElsewhere() throws Exception {
    int adminPort;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      adminPort = free.getLocalPort();
    }
    Path conf = dir.resolve("routing.conf");
    String valid = """
        sluice {
          listen = "127.0.0.1:0"
          admin { listen = "127.0.0.1:%d", user = "admin", password = "pw" }
          users = [ { name = app, password = app } ]
          backends { master = { name = "m", address = "127.0.0.1:1" } }
        }
        """.formatted(adminPort);
    Files.writeString(conf, valid);
    try (io.sluice.server.ProxyServer server = io.sluice.server.ProxyServer.start(
        io.sluice.server.config.ConfigLoader.load(conf), 1, EventLoopBinding.OFF)) {
      Files.writeString(conf, valid.replace("users = [", "monitor { interval = 1 }\n  users = ["));
      assertEquals(0, run("admin", "--config", conf.toString(), "SELECT * FROM backends"), err.toString());
      assertTrue(out.toString().contains("\tm\t127.0.0.1:1\t"), out.toString());
      assertTrue(err.toString().contains("warning: invalid configuration") && err.toString().contains("sluice.monitor.interval")
          && err.toString().contains("using only its admin section"), err.toString());
    }
    assertEquals(2, run("admin", "--config", dir.toString(), "SELECT * FROM help"));
    assertTrue(err.toString().contains("is a directory; pass the routing.conf file"), err.toString());
  }

  @Test
  void aMistypedOptionIsNamedWithTheLikelyOne() {
    assertEquals(2, run("proxy", "--confg", "routing.conf"));
    assertTrue(err.toString().contains("Unknown option or argument: --confg") && err.toString().contains("--config"),
        err.toString());
  }

  @Test
  void proxyRefusesANegativeDrain() {
    assertEquals(2, run("proxy", "--config", dir.resolve("routing.conf").toString(), "--drain", "-1"));
    assertTrue(err.toString().contains("--drain must be 0 or more seconds, got -1"), err.toString());
  }

  @Test
  void proxyRefusesAnIoThreadCountOutOfRange() {
    assertEquals(2, run("proxy", "--config", dir.resolve("routing.conf").toString(), "--io-threads", "0"));
    assertTrue(err.toString().contains("--io-threads must be between 1 and 1024, got 0"), err.toString());
  }

  @Test
  void proxyRefusesAnUnknownBindingNamingTheOptionAndTheChoices() {
    assertEquals(2, run("proxy", "--config", dir.resolve("routing.conf").toString(), "--bind-io-threads=sometimes"));
    assertTrue(err.toString().contains("--bind-io-threads") && err.toString().contains("expected auto, on or off, got 'sometimes'"),
        err.toString());
  }

  @Test
  void bindIoThreadsIsAutoUnlessGivenAndTheBareFlagMeansOn() {
    assertEquals(EventLoopBinding.AUTO, bindingOf("--config", "x.conf"));
    assertEquals(EventLoopBinding.ON, bindingOf("--bind-io-threads", "--config", "x.conf"));
    assertEquals(EventLoopBinding.ON, bindingOf("--config", "x.conf", "--bind-io-threads"));
    assertEquals(EventLoopBinding.OFF, bindingOf("--bind-io-threads=off", "--config", "x.conf"));
    assertEquals(EventLoopBinding.OFF, bindingOf("--bind-io-threads", "OFF", "--config", "x.conf"));
    assertEquals(EventLoopBinding.AUTO, bindingOf("--bind-io-threads=auto", "--config", "x.conf"));
  }

  private static EventLoopBinding bindingOf(String... args) {
    ProxyCommand command = new ProxyCommand();
    new CommandLine(command).parseArgs(args);
    return command.binding;
  }

  @Test
  void proxyWithoutConfigOptionIsAUsageError() {
    assertEquals(2, run("proxy"));
    assertTrue(err.toString().contains("--config"), err.toString());
  }

  @Test
  void demoCheckRunsASandboxAndTheProxyAndRoutesAWriteAndReads() {
    int rc = run("demo", "--dir", dir.resolve("demo").toString(), "--check");
    assertEquals(0, rc, out + "\n" + err);
    String printed = out.toString();
    assertTrue(printed.contains("jdbc:mysql://127.0.0.1:"), printed);
    assertTrue(printed.contains("check: OK"), printed);
  }
}
