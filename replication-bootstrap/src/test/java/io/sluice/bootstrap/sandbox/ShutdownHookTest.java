package io.sluice.bootstrap.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.bootstrap.flavor.Flavor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A test JVM that dies with an exception still stops the servers of its sandboxes. */
class ShutdownHookTest {
  @TempDir Path dir;

  /** The crashing JVM: brings a sandbox up with the hook, then fails. */
  public static final class CrashingJvm {
    public static void main(String[] args) {
      Sandbox.up(SandboxSpec.in(Path.of(args[0])).withFlavor(Flavor.MARIADB_1011).withReplicas(1)
          .withStopOnJvmExit(true));
      throw new IllegalStateException("a test failed badly after the sandbox came up");
    }
  }

  @Test
  void serversStopWhenTheJvmThatStartedThemDies() throws IOException, InterruptedException {
    Path sandboxDir = dir.resolve("sandbox");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process jvm = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), CrashingJvm.class.getName(),
        sandboxDir.toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("jvm.out").toFile())
        .start();
    assertTrue(jvm.waitFor(120, TimeUnit.SECONDS), "the child JVM did not exit");
    String output = Files.readString(dir.resolve("jvm.out"));
    assertTrue(output.contains("a test failed badly"), output);
    assertTrue(Files.exists(sandboxDir.resolve("mysql-slave-0").resolve("data")), "the sandbox came up: " + output);
    List<String> leftovers = ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains(sandboxDir.toString())).orElse(false))
        .map(p -> p.pid() + " " + p.info().commandLine().orElse(""))
        .toList();
    assertEquals(List.of(), leftovers);
    assertTrue(Sandbox.status(sandboxDir).noneRunning());
  }
}
