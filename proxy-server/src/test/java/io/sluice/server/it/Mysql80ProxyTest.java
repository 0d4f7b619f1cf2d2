package io.sluice.server.it;

import io.sluice.bootstrap.flavor.Flavor;
import io.sluice.bootstrap.testing.SandboxExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The compatibility contract against MySQL 8.0.31 backends (caching_sha2_password accounts). */
class Mysql80ProxyTest extends ProxyCompatibilityContract {
  @RegisterExtension
  static final SandboxExtension CLUSTER = SandboxExtension.flavor(Flavor.MYSQL_80).replicas(2);

  @Override
  SandboxExtension cluster() {
    return CLUSTER;
  }

  /**
   * 200 rows of 1 MiB through a proxy process limited to a 128 MiB heap (and so 128 MiB of
   * direct memory): every row arrives and the process stays small. Before the decoder copied
   * packets out of its buffer, that buffer grew to 64 MiB and the stream broke after 55 rows.
   */
  @org.junit.jupiter.api.Test
  void largeRowsStreamThroughAProxyWithA128MiBHeap() throws Exception {
    for (io.sluice.bootstrap.sandbox.Instance i : CLUSTER.sandbox().instances()) {
      try (java.sql.Connection root = io.sluice.bootstrap.testing.TestSql.root(i)) {
        io.sluice.bootstrap.testing.TestSql.execute(root, "SET GLOBAL max_allowed_packet = 134217728");
      }
    }
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    java.nio.file.Path conf = java.nio.file.Files.createTempFile("sluice-small-heap", ".conf");
    String original = java.nio.file.Files.readString(CLUSTER.sandbox().routingConf());
    java.nio.file.Files.writeString(conf, original.replaceFirst("listen = \"127.0.0.1:\\d+\"",
        "listen = \"127.0.0.1:" + port + "\""));
    Process proxyProcess = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx128m", "-cp", System.getProperty("java.class.path"), "io.sluice.server.cli.SluiceCli",
        // One event loop: the client and backend channels then share it, the case with least slack.
        "proxy", "--config", conf.toString(), "--io-threads", "1").redirectErrorStream(true).start();
    try {
      java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(proxyProcess.getInputStream()));
      String line = out.readLine();
      org.junit.jupiter.api.Assertions.assertTrue(line != null && line.contains("listening"), "proxy started: " + line);
      String rows = "SELECT t.seq, REPEAT('x', 1048576) FROM " + numbers(200) + " t";
      Process client = new ProcessBuilder("mariadb", "--max-allowed-packet=64M", "-h127.0.0.1", "-P" + port, "-uapp",
          "-papp", "--batch", "--skip-column-names", "app", "-e", rows).redirectErrorStream(true).start();
      long lines = 0;
      long bytes = 0;
      try (java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(client.getInputStream()))) {
        String l;
        while ((l = r.readLine()) != null) {
          lines++;
          bytes += l.length();
        }
      }
      org.junit.jupiter.api.Assertions.assertTrue(client.waitFor(120, java.util.concurrent.TimeUnit.SECONDS));
      org.junit.jupiter.api.Assertions.assertEquals(0, client.exitValue(), "mariadb client exit code");
      org.junit.jupiter.api.Assertions.assertEquals(200, lines);
      org.junit.jupiter.api.Assertions.assertTrue(bytes > 200L * 1048576);
      long peakKb = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc", String.valueOf(proxyProcess.pid()), "status"))
          .stream().filter(x -> x.startsWith("VmHWM:")).map(x -> Long.parseLong(x.replaceAll("\\D", ""))).findFirst().orElseThrow();
      org.junit.jupiter.api.Assertions.assertTrue(peakKb < 300 * 1024, "proxy peak RSS " + peakKb / 1024 + " MB");
    } finally {
      proxyProcess.destroy();
      proxyProcess.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
      java.nio.file.Files.deleteIfExists(conf);
    }
  }

  /**
   * FLUSH PRIVILEGES empties the servers' caching_sha2_password caches, so Sluice's next login
   * to each backend takes the full path: the password RSA-encrypted with the server's key when
   * the backend connection is plain, the password itself inside TLS when it is encrypted.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"disabled", "required"})
  void backendFullAuthenticationWorksWithRsaAndOverTls(String backendTlsMode) throws Exception {
    for (io.sluice.bootstrap.sandbox.Instance i : CLUSTER.sandbox().instances()) {
      try (java.sql.Connection root = io.sluice.bootstrap.testing.TestSql.root(i)) {
        io.sluice.bootstrap.testing.TestSql.execute(root, "FLUSH NO_WRITE_TO_BINLOG PRIVILEGES");
      }
    }
    try (ProxyFixture p = ProxyFixture.start(CLUSTER.sandbox(), backendTls(backendTlsMode));
         java.sql.Connection c = p.connect("sslMode=DISABLED&allowPublicKeyRetrieval=true")) {
      io.sluice.bootstrap.testing.TestSql.execute(c, "INSERT INTO items (v) VALUES ('full-auth')");
      org.junit.jupiter.api.Assertions.assertTrue(
          slaveIds().contains(io.sluice.bootstrap.testing.TestSql.serverId(c)));
    }
  }
}
