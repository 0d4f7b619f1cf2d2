package io.sluice.bootstrap.sandbox;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.bootstrap.BootstrapException;
import io.sluice.bootstrap.flavor.Flavor;
import io.sluice.bootstrap.flavor.ServerBinaries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a server that fails to start is explained. A shell script stands in for mysqld: it is
 * started exactly as mysqld would be (setsid, option file, output file) and fails the way a
 * real one does, which a real server cannot be made to do on demand (a missing libaio).
 */
class InstanceStartFailureTest {
  @TempDir Path dir;
  private InstanceServer server;

  @BeforeEach
  void createInstanceFiles() throws IOException {
    SandboxState state = SandboxPlan.plan(dir, SandboxSpec.in(dir).withFlavor(Flavor.MYSQL_80).withReplicas(0));
    server = new InstanceServer(state.master(), Flavor.MYSQL_80);
    Files.createDirectories(state.master().layout().datadir());
    Files.writeString(state.master().layout().cnf(), "[mysqld]\n");
  }

  @AfterEach
  void stopLeftovers() {
    server.process().kill();
  }

  private ServerBinaries fakeMysqld(String script) throws IOException {
    Path bin = dir.resolve("fake-mysqld");
    Files.writeString(bin, "#!/bin/sh\n" + script);
    Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwx------"));
    return new ServerBinaries(Flavor.MYSQL_80, "8.0.31", bin, dir, Optional.empty());
  }

  @Test
  void missingLibaioTellsWhatToInstall() throws IOException {
    ServerBinaries b = fakeMysqld("echo \"$0: error while loading shared libraries: libaio.so.1: cannot open shared"
        + " object file: No such file or directory\" >&2\nexit 127\n");
    Process p = server.launch(b);
    BootstrapException e = assertThrows(BootstrapException.class, () -> server.awaitReady(p, Duration.ofSeconds(20)));
    assertTrue(e.getMessage().contains("mysql-master-0 could not start"), e.getMessage());
    assertTrue(e.getMessage().contains("apt-get install -y libaio1"), e.getMessage());
  }

  @Test
  void serverThatExitsIsExplainedWithTheLastTwentyLinesOfItsErrorLog() throws IOException {
    Path log = server.instance().layout().errorLog();
    String lines = IntStream.rangeClosed(1, 25).mapToObj(i -> "log line " + i).collect(Collectors.joining("\\n"));
    ServerBinaries b = fakeMysqld("printf '" + lines + "\\n' > " + log + "\nexit 1\n");
    Process p = server.launch(b);
    BootstrapException e = assertThrows(BootstrapException.class, () -> server.awaitReady(p, Duration.ofSeconds(20)));
    assertTrue(e.getMessage().contains("mysql-master-0 (mysql-8.0) exited with code 1"), e.getMessage());
    assertTrue(e.getMessage().contains("log line 6\n") && e.getMessage().contains("log line 25"), e.getMessage());
    assertFalse(e.getMessage().contains("log line 5\n"), e.getMessage());
  }

  @Test
  void serverThatNeverListensTimesOutAndIsThenStoppable() throws IOException {
    ServerBinaries b = fakeMysqld("echo 'InnoDB: waiting forever' > " + server.instance().layout().errorLog()
        + "\nwhile true; do sleep 0.2; done\n");
    Process p = server.launch(b);
    BootstrapException e = assertThrows(BootstrapException.class, () -> server.awaitReady(p, Duration.ofSeconds(1)));
    assertTrue(e.getMessage().contains("did not accept connections on " + server.instance().address() + " within 1s"),
        e.getMessage());
    assertTrue(e.getMessage().contains("InnoDB: waiting forever"), e.getMessage());
    assertTrue(server.process().isRunning(), "found by its --defaults-file argument");
    server.process().stop(Duration.ofSeconds(5));
    assertFalse(server.process().isRunning());
  }

  @Test
  void datadirOfAnotherFlavorIsRefused() throws IOException {
    Files.writeString(server.instance().layout().datadir().resolve("aria_log_control"), "");
    BootstrapException e = assertThrows(BootstrapException.class, server::checkDatadirFlavor);
    assertTrue(e.getMessage().contains("created by mariadb-10.11"), e.getMessage());
    assertTrue(e.getMessage().contains("runs mysql-8.0"), e.getMessage());
  }
}
