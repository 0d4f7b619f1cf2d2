package io.sluice.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  private static final String VALID = """
      sluice {
        listen = "127.0.0.1:6033"
        users = [ { name = "app", password = "secret" } ]
        backends {
          master = { name = "m", address = "127.0.0.1:3306" }
          slaves = [
            { name = "s0", address = "127.0.0.1:3307", weight = 1 }
            { name = "s1", address = "127.0.0.1:3308", weight = 3 }
          ]
        }
        pool { max-connections = 8, idle-timeout = 30s }
      }
      """;

  private Path write(String text) throws IOException {
    Path f = dir.resolve("routing.conf");
    Files.writeString(f, text);
    return f;
  }

  private ConfigException rejected(String text) throws IOException {
    Path f = write(text);
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
    assertTrue(e.getMessage().startsWith(f.toString()), "message names the file: " + e.getMessage());
    return e;
  }

  @Test
  void loadsAValidFileWithDefaults() throws IOException {
    ProxyConfig c = ConfigLoader.load(write(VALID));
    assertEquals(new HostPort("127.0.0.1", 6033), c.listen());
    assertEquals("secret", c.user("app").orElseThrow().password());
    assertEquals(null, c.user("app").orElseThrow().authPlugin(), "the master's default");
    assertEquals(2, c.backends().slaves().size());
    assertEquals(3, c.backends().slaves().get(1).weight());
    assertEquals(8, c.pool().maxConnections());
    assertEquals(Duration.ofSeconds(30), c.pool().idleTimeout());
    assertEquals(Duration.ofSeconds(2), c.pool().connectTimeout());
    assertTrue(c.tls().enabled());
    assertEquals("disabled", c.backendTls().mode());
    assertEquals(Duration.ofSeconds(1), c.monitor().interval());
    assertEquals(Duration.ofSeconds(1), c.monitor().timeout(), "ProxySQL's ping timeout; 500 ms flapped under load");
    assertEquals(Duration.ofSeconds(10), c.monitor().maxReplicaLag());
  }

  @Test
  void theShippedExampleConfigIsValid() {
    Path shipped = Path.of("..", "conf", "routing.conf");
    ProxyConfig c = ConfigLoader.load(shipped);
    assertEquals("master", c.backends().master().name());
  }

  @Test
  void aProblemIsReportedAtTheLineOfItsKeyInTheFileThatHoldsIt() throws IOException {
    // Line 8 of VALID is s1's entry: the address is written there.
    ConfigException port = rejected(VALID.replace("127.0.0.1:3308", "127.0.0.1:0"));
    assertEquals(8, port.line(), port.getMessage());
    assertTrue(port.getMessage().startsWith(dir.resolve("routing.conf") + ":8: sluice.backends.slaves[1].address: "),
        port.getMessage());
    // A missing key is reported where its section starts: the user's entry on line 3.
    ConfigException password = rejected(VALID.replace(", password = \"secret\"", ""));
    assertEquals(3, password.line(), password.getMessage());

    // The backends kept in a file of their own, included: a problem there names that file.
    Path backends = dir.resolve("backends.conf");
    Files.writeString(backends, """
        master = { name = "m", address = "127.0.0.1:3306" }
        slaves = [
          { name = "s0", address = "127.0.0.1:3307", weight = -1 }
        ]
        """);
    Path main = write("""
        sluice {
          listen = "127.0.0.1:6033"
          users = [ { name = "app", password = "secret" } ]
          backends { include "backends.conf" }
        }
        """);
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(main));
    assertEquals(backends, e.file(), e.getMessage());
    assertEquals(3, e.line(), e.getMessage());
    assertTrue(e.getMessage().startsWith(backends + ":3: sluice.backends.slaves[0]"), e.getMessage());
  }

  @Test
  void theFilesReadAreTheFileAndItsIncludes() throws IOException {
    Path sub = Files.createDirectory(dir.resolve("sub"));
    Files.writeString(sub.resolve("backends.conf"), """
        master = { name = "m", address = "127.0.0.1:3306" }
        slaves = []
        """);
    Path main = write("""
        sluice {
          listen = "127.0.0.1:6033"
          users = [ { name = "app", password = "secret" } ]
          backends { include "sub/backends.conf" }
        }
        """);
    assertEquals(List.of(main, sub.resolve("backends.conf")), List.copyOf(ConfigLoader.filesRead(main)));
    assertEquals(sub.resolve("backends.conf"), ConfigLoader.fileSetting(main, "sluice.backends.master").orElseThrow());
    assertEquals(main, ConfigLoader.fileSetting(main, "sluice.users").orElseThrow());
    Files.writeString(main, "sluice { listen = ");
    assertEquals(List.of(main), List.copyOf(ConfigLoader.filesRead(main)), "unparsable: the file itself");
  }

  @Test
  void missingFileIsNamed() {
    Path f = dir.resolve("nope.conf");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
    assertTrue(e.getMessage().contains("nope.conf") && e.getMessage().contains("not found"), e.getMessage());
  }

  @Test
  void unknownKeyIsRejectedWithTheAllowedOnes() throws IOException {
    ConfigException e = rejected(VALID.replace("pool {", "pool { max-conections = 3,"));
    assertEquals("sluice.pool.max-conections", e.key());
    assertTrue(e.getMessage().contains("allowed here: connect-timeout, idle-timeout, max-connections"), e.getMessage());
  }

  @Test
  void aKeyOutsideTheSluiceBlockIsRejected() throws IOException {
    ConfigException e = rejected(VALID + "failover { auto = true }\n");
    assertEquals("failover", e.key());
    assertTrue(e.getMessage().contains("outside the sluice { ... } block"), e.getMessage());
  }

  @Test
  void anAllDigitBackendNameIsRejected() throws IOException {
    ConfigException e = rejected(VALID.replace("name = \"s1\"", "name = \"3\""));
    assertEquals("sluice.backends.slaves[1].name", e.key());
    assertTrue(e.getMessage().contains("backend index"), e.getMessage());
  }

  @Test
  void badAddressNamesTheKeyAndTheExpectedForm() throws IOException {
    ConfigException e = rejected(VALID.replace("127.0.0.1:3308", "127.0.0.1"));
    assertEquals("sluice.backends.slaves[1].address", e.key());
    assertTrue(e.getMessage().contains("host:port"), e.getMessage());
  }

  @Test
  void clientAllowListAndConsistencyAreRead() throws IOException {
    ProxyConfig c = ConfigLoader.load(write(VALID
        .replace("password = \"secret\" }", "password = \"secret\", consistency = \"read-your-writes\" }")
        .replace("pool {", "clients { allow = [\"10.0.0.0/8\", \"192.168.1.7\"], max-connections = 500 }\n  pool {")));
    assertEquals(io.sluice.core.session.ConsistencyLevel.READ_YOUR_WRITES, c.user("app").orElseThrow().consistency());
    assertEquals(500, c.clients().maxConnections());
    assertTrue(c.clients().allows(java.net.InetAddress.getByName("10.20.30.40")));
    assertTrue(c.clients().allows(java.net.InetAddress.getByName("192.168.1.7")));
    assertTrue(!c.clients().allows(java.net.InetAddress.getByName("192.168.1.8")));
    assertTrue(!c.clients().allows(java.net.InetAddress.getByName("127.0.0.1")));
  }

  @Test
  void clientWaitTimeoutDefaultsToMysqlsAndIsBoundedLikeIt() throws IOException {
    assertEquals(java.time.Duration.ofHours(8), ConfigLoader.load(write(VALID)).clients().waitTimeout());
    assertEquals(java.time.Duration.ofMinutes(30), ConfigLoader.load(write(VALID.replace("pool {",
        "clients { wait-timeout = 30m }\n  pool {"))).clients().waitTimeout());
    ConfigException tooLong = rejected(VALID.replace("pool {", "clients { wait-timeout = 400d }\n  pool {"));
    assertEquals("sluice.clients.wait-timeout", tooLong.key());
    assertTrue(tooLong.getMessage().contains("whole seconds from 1s to 365d"), tooLong.getMessage());
    for (String bad : List.of("100ms", "0s", "1500ms")) {
      ConfigException e = rejected(VALID.replace("pool {", "clients { wait-timeout = " + bad + " }\n  pool {"));
      assertEquals("sluice.clients.wait-timeout", e.key(), bad);
      assertTrue(e.getMessage().contains("whole seconds from 1s to 365d"), e.getMessage());
    }
    ConfigException noUnit = rejected(VALID.replace("pool {", "clients { wait-timeout = 600 }\n  pool {"));
    assertTrue(noUnit.getMessage().contains("needs a unit"), noUnit.getMessage());
  }

  @Test
  void badConsistencyAndBadCidrNameTheKey() throws IOException {
    ConfigException consistency = rejected(VALID.replace("password = \"secret\" }",
        "password = \"secret\", consistency = \"sometimes\" }"));
    assertEquals("sluice.users[0].consistency", consistency.key());
    assertTrue(consistency.getMessage().contains("eventual, read-your-writes or primary"), consistency.getMessage());
    ConfigException cidr = rejected(VALID.replace("pool {", "clients { allow = [\"10.0.0.0/33\"] }\n  pool {"));
    assertEquals("sluice.clients.allow[0]", cidr.key());
    assertTrue(cidr.getMessage().contains("prefix length must be 0..32"), cidr.getMessage());
  }

  @Test
  void negativeWeightIsRejected() throws IOException {
    ConfigException e = rejected(VALID.replace("weight = 3", "weight = -1"));
    assertEquals("sluice.backends.slaves[1]", e.key());
    assertTrue(e.getMessage().contains("weight must be >= 0"), e.getMessage());
  }

  @Test
  void readAffinityIsOneSecondUnlessSet() throws IOException {
    assertEquals(Duration.ofSeconds(1), ConfigLoader.load(write(VALID)).backends().readAffinity().time());
    String every = VALID.replace("slaves = [", "read-affinity = 0\n    slaves = [");
    assertTrue(ConfigLoader.load(write(every)).backends().readAffinity().isOff());
    String quarter = VALID.replace("slaves = [", "read-affinity = 250ms\n    slaves = [");
    assertEquals(Duration.ofMillis(250), ConfigLoader.load(write(quarter)).backends().readAffinity().time());
  }

  @Test
  void badReadAffinityIsRejected() throws IOException {
    ConfigException negative = rejected(VALID.replace("slaves = [", "read-affinity = -1s\n    slaves = ["));
    assertEquals("sluice.backends.read-affinity", negative.key());
    assertTrue(negative.getMessage().contains("every read chosen by weight"), negative.getMessage());
    ConfigException word = rejected(VALID.replace("slaves = [", "read-affinity = sticky\n    slaves = ["));
    assertEquals("sluice.backends.read-affinity", word.key());
  }

  @Test
  void wrongTypeIsRejected() throws IOException {
    ConfigException e = rejected(VALID.replace("weight = 3", "weight = heavy"));
    assertEquals("sluice.backends.slaves[1].weight", e.key());
  }

  @Test
  void missingMasterIsRejected() throws IOException {
    ConfigException e = rejected(VALID.replace("master = { name = \"m\", address = \"127.0.0.1:3306\" }", ""));
    assertEquals("sluice.backends.master", e.key());
    assertTrue(e.getMessage().contains("missing"), e.getMessage());
  }

  @Test
  void duplicateBackendNamesAreRejected() throws IOException {
    ConfigException e = rejected(VALID.replace("name = \"s1\"", "name = \"s0\""));
    assertTrue(e.getMessage().contains("\"s0\" is used twice"), e.getMessage());
  }

  @Test
  void unknownAuthPluginIsRejected() throws IOException {
    ConfigException e = rejected(VALID.replace("password = \"secret\"", "password = \"secret\", auth-plugin = sha256_password"));
    assertTrue(e.getMessage().contains("auth-plugin must be one of"), e.getMessage());
  }

  @Test
  void syntaxErrorIsReported() throws IOException {
    ConfigException e = rejected("sluice { listen = ");
    assertTrue(e.getMessage().contains("cannot parse"), e.getMessage());
  }

  @Test
  void passwordCanComeFromTheEnvironment() throws IOException {
    // PATH exists in every environment; a real deployment would use its own variable.
    ProxyConfig c = ConfigLoader.load(write(VALID.replace("password = \"secret\"", "password = ${PATH}")));
    assertEquals(System.getenv("PATH"), c.user("app").orElseThrow().password());
  }

  @Test
  void unsetEnvironmentVariableIsAnError() throws IOException {
    ConfigException e = rejected(VALID.replace("password = \"secret\"", "password = ${SLUICE_SURELY_UNSET_VARIABLE}"));
    assertTrue(e.getMessage().contains("SLUICE_SURELY_UNSET_VARIABLE"), e.getMessage());
  }

  @Test
  void aDurationWithoutAUnitIsRejectedNotReadAsMilliseconds() throws IOException {
    ConfigException lag = rejected(VALID.replace("pool {", "monitor { max-replica-lag = 10 }\n  pool {"));
    assertEquals("sluice.monitor.max-replica-lag", lag.key());
    assertTrue(lag.getMessage().contains("needs a unit") && lag.getMessage().contains("10s"), lag.getMessage());
    ConfigException idle = rejected(VALID.replace("idle-timeout = 30s", "idle-timeout = 30"));
    assertEquals("sluice.pool.idle-timeout", idle.key());
    ConfigException affinity = rejected(VALID.replace("slaves = [", "read-affinity = 5\n    slaves = ["));
    assertEquals("sluice.backends.read-affinity", affinity.key());
  }

  @Test
  void aFractionalWeightIsRejectedNotTruncated() throws IOException {
    ConfigException e = rejected(VALID.replace("weight = 3", "weight = 1.5"));
    assertEquals("sluice.backends.slaves[1].weight", e.key());
    assertTrue(e.getMessage().contains("whole number"), e.getMessage());
    assertEquals(2, ConfigLoader.load(write(VALID.replace("weight = 3", "weight = 2.0"))).backends().slaves().get(1).weight());
  }

  @Test
  void oneServerListedTwiceIsRejected() throws IOException {
    ConfigException slave = rejected(VALID.replace("127.0.0.1:3308", "127.0.0.1:3307"));
    assertTrue(slave.getMessage().contains("\"s0\" and \"s1\" have the same address 127.0.0.1:3307"), slave.getMessage());
    ConfigException master = rejected(VALID.replace("127.0.0.1:3308", "127.0.0.1:3306"));
    assertTrue(master.getMessage().contains("\"m\" and \"s1\""), master.getMessage());
  }

  @Test
  void zeroDurationIsRejected() throws IOException {
    ConfigException e = rejected(VALID.replace("idle-timeout = 30s", "idle-timeout = 0s"));
    assertEquals("sluice.pool.idle-timeout", e.key());
  }

  @Test
  void aMissingUserPasswordIsRejectedButAnEmptyOneIsAccepted() throws IOException {
    ConfigException e = rejected(VALID.replace("{ name = \"app\", password = \"secret\" }", "{ name = \"app\" }"));
    assertEquals("sluice.users[0].password", e.key());
    assertTrue(e.getMessage().contains("password = \"\""), e.getMessage());
    // ${?VAR} with the variable unset removes the key: the same error, not an open account.
    ConfigException unset = rejected(VALID.replace("password = \"secret\"", "password = ${?SLUICE_SURELY_UNSET_VARIABLE}"));
    assertEquals("sluice.users[0].password", unset.key());
    assertEquals("", ConfigLoader.load(write(VALID.replace("password = \"secret\"", "password = \"\"")))
        .user("app").orElseThrow().password());
  }

  @Test
  void anAdminInterfaceOtherMachinesReachNeedsAPassword() throws IOException {
    String open = VALID.replace("pool {", "admin { listen = \"0.0.0.0:6034\", user = \"admin\", password = \"\" }\n  pool {");
    ConfigException e = rejected(open);
    assertEquals("sluice.admin.password", e.key());
    assertTrue(e.getMessage().contains("listen on 127.0.0.1"), e.getMessage());
    for (String local : List.of("127.0.0.1", "localhost", "[::1]")) {
      ProxyConfig c = ConfigLoader.load(write(open.replace("0.0.0.0", local)));
      assertEquals("", c.admin().orElseThrow().password(), local);
    }
    assertEquals("pw", ConfigLoader.load(write(open.replace("password = \"\"", "password = \"pw\""))).admin()
        .orElseThrow().password());
  }

  @Test
  void aBackendOnPortZeroIsRejected() throws IOException {
    ConfigException e = rejected(VALID.replace("127.0.0.1:3307", "127.0.0.1:0"));
    assertEquals("sluice.backends.slaves[0].address", e.key());
    assertTrue(e.getMessage().contains("give the port the server listens on"), e.getMessage());
    // Port 0 to listen on is a free port the kernel picks, which the proxy prints.
    assertEquals(0, ConfigLoader.load(write(VALID.replace("127.0.0.1:6033", "127.0.0.1:0"))).listen().port());
  }

  @Test
  void oneServerUnderTwoSpellingsIsRejected() throws IOException {
    ConfigException e = rejected(VALID.replace("127.0.0.1:3308", "LocalHost:3307"));
    assertTrue(e.getMessage().contains("\"s0\" and \"s1\" have the same address"), e.getMessage());
    ConfigException master = rejected(VALID.replace("127.0.0.1:3308", "[::1]:3306"));
    assertTrue(master.getMessage().contains("\"m\" and \"s1\""), master.getMessage());
  }

  @Test
  void durationsAreWholeMillisecondsAndTheMonitorIntervalAtLeast100ms() throws IOException {
    ConfigException sub = rejected(VALID.replace("idle-timeout = 30s", "idle-timeout = 30s, connect-timeout = 1500us"));
    assertEquals("sluice.pool.connect-timeout", sub.key());
    assertTrue(sub.getMessage().contains("whole milliseconds"), sub.getMessage());
    ConfigException tiny = rejected(VALID.replace("pool {", "monitor { interval = 500us }\n  pool {"));
    assertEquals("sluice.monitor.interval", tiny.key());
    ConfigException fast = rejected(VALID.replace("pool {", "monitor { interval = 50ms }\n  pool {"));
    assertTrue(fast.getMessage().contains("interval must be at least 100ms"), fast.getMessage());
    ConfigException affinity = rejected(VALID.replace("slaves = [", "read-affinity = 10us\n    slaves = ["));
    assertEquals("sluice.backends.read-affinity", affinity.key());
    assertEquals(Duration.ofMillis(100), ConfigLoader.load(write(VALID.replace("pool {", "monitor { interval = 100ms }\n  pool {")))
        .monitor().interval());
  }

  @Test
  void aBareZeroWhereZeroIsNotAllowedSaysPositiveNotAddAUnit() throws IOException {
    ConfigException e = rejected(VALID.replace("idle-timeout = 30s", "idle-timeout = 0"));
    assertEquals("sluice.pool.idle-timeout", e.key());
    assertTrue(e.getMessage().contains("must be a positive duration") && !e.getMessage().contains("0s"), e.getMessage());
  }

  @Test
  void tlsFilesThatAreNotPemAreRejectedAtLoad() throws IOException {
    Path junk = dir.resolve("junk.pem");
    Files.writeString(junk, "not a certificate\n");
    io.netty.handler.ssl.util.SelfSignedCertificate ssc;
    try {
      ssc = new io.netty.handler.ssl.util.SelfSignedCertificate("sluice-test");
    } catch (java.security.cert.CertificateException ex) {
      throw new AssertionError(ex);
    }
    String tls = "tls { cert = \"%s\", key = \"%s\" }\n  pool {";
    ConfigException cert = rejected(VALID.replace("pool {", tls.formatted(junk, ssc.privateKey())));
    assertEquals("sluice.tls.cert", cert.key());
    assertTrue(cert.getMessage().contains("give PEM files"), cert.getMessage());
    ConfigException key = rejected(VALID.replace("pool {", tls.formatted(ssc.certificate(), junk)));
    assertEquals("sluice.tls.key", key.key());
    ConfigException ca = rejected(VALID.replace("pool {", "backend-tls { mode = required, ca = \"" + junk + "\" }\n  pool {"));
    assertEquals("sluice.backend-tls.ca", ca.key());
    ProxyConfig ok = ConfigLoader.load(write(VALID.replace("pool {", "backend-tls { mode = required, ca = \""
        + ssc.certificate() + "\" }\n  " + tls.formatted(ssc.certificate(), ssc.privateKey()))));
    assertTrue(ok.tls().cert().isPresent() && ok.backendTls().ca().isPresent());
  }
}
