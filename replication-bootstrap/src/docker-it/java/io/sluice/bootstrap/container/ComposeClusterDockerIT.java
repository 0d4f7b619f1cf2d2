package io.sluice.bootstrap.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.ComposeContainer;

/**
 * Builds docker/'s images and runs docker/compose.yaml as it is (master -> relay -> two slaves,
 * Sluice in front). Only in the docker profile: it needs a Docker engine with compose.
 */
class ComposeClusterDockerIT {
  private static final String ROOT_PASSWORD = "it-root-" + UUID.randomUUID();
  private static final String APP_PASSWORD = "it-app-" + UUID.randomUUID();
  private static ComposeContainer cluster;
  private static int sluicePort;

  @BeforeAll
  static void up() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      sluicePort = s.getLocalPort();
    }
    cluster = new ComposeContainer(composeFile())
        .withLocalCompose(true)
        .withBuild(true)
        .withEnv(Map.of("MYSQL_ROOT_PASSWORD", ROOT_PASSWORD, "MYSQL_PASSWORD", APP_PASSWORD,
            "MYSQL_REPLICATION_PASSWORD", "it-repl-" + UUID.randomUUID(), "SLUICE_PORT", String.valueOf(sluicePort)));
    // `compose up` returns once sluice is started, and compose starts it only after every node
    // passes `sluice bootstrap check`; the proxy then needs a moment to open its port.
    cluster.start();
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (true) {
      try (Connection c = appConnection()) {
        return;
      } catch (SQLException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("Sluice did not accept a login on port " + sluicePort, e);
        }
      }
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  @AfterAll
  static void down() {
    if (cluster != null) {
      cluster.stop();
    }
  }

  @Test
  void aRowWrittenThroughSluiceIsReadOnEverySlaveThroughTheRelay() throws Exception {
    String value = UUID.randomUUID().toString();
    try (Connection c = appConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS it_rows (v VARCHAR(64) PRIMARY KEY)");
      s.execute("INSERT INTO it_rows VALUES ('" + value + "')");
    }
    for (String slave : new String[] {"mysql-slave-0", "mysql-slave-1"}) {
      assertEquals(value, awaitRow(slave, value), slave);
    }
    // And a plain read through the proxy, which goes to a slave.
    try (Connection c = appConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT @@server_id")) {
      r.next();
      long serverId = r.getLong(1);
      assertTrue(serverId == 1001 || serverId == 1002, "a plain read ran on a slave: " + serverId);
    }
  }

  /** Reads the row on the slave itself, from inside its container, until replication delivers it. */
  private static String awaitRow(String service, String value) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      var container = cluster.getContainerByServiceName(service).orElseThrow();
      var result = container.execInContainer("mysql", "-uroot", "-p" + ROOT_PASSWORD, "-N", "-B", "-e",
          "SELECT v FROM app.it_rows WHERE v = '" + value + "'");
      String out = result.getStdout().trim();
      if (!out.isEmpty() || System.nanoTime() > deadline) {
        return out;
      }
      Thread.sleep(500);
    }
  }

  private static Connection appConnection() throws SQLException {
    return DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + sluicePort + "/app?sslMode=REQUIRED", "app",
        APP_PASSWORD);
  }

  private static File composeFile() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("docker/compose.yaml"))) {
        return p.resolve("docker/compose.yaml").toFile();
      }
    }
    throw new IllegalStateException("no docker/compose.yaml above the working directory");
  }
}
