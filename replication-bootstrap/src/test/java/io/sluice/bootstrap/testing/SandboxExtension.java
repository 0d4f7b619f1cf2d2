package io.sluice.bootstrap.testing;

import io.sluice.bootstrap.files.FileTrees;
import io.sluice.bootstrap.flavor.Flavor;
import io.sluice.bootstrap.sandbox.Instance;
import io.sluice.bootstrap.sandbox.Sandbox;
import io.sluice.bootstrap.sandbox.SandboxSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Runs a real replication sandbox (one master, N slaves) for the tests of one class: started
 * once before the first test, on free ports in a fresh temporary directory, stopped and
 * deleted after the last. The servers are also stopped if the test JVM exits early (shutdown
 * hook).
 *
 * <pre>{@code
 * @RegisterExtension
 * static final SandboxExtension cluster = SandboxExtension.flavor(Flavor.MYSQL_80).replicas(2);
 *
 * @Test
 * void readsGoToSlaves() throws Exception {
 *   try (Connection c = TestSql.app(cluster.master())) { ... }
 * }
 * }</pre>
 *
 * <p>System properties: {@value #FLAVOR_PROPERTY} picks the flavor for
 * {@link #configuredFlavor()} (to run one suite against every flavor);
 * {@value #KEEP_PROPERTY}{@code =true} keeps the directory (logs, datadirs) after the run.
 * Test methods may declare a {@link Sandbox} parameter.
 */
public final class SandboxExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
  public static final String FLAVOR_PROPERTY = "sluice.test.flavor";
  public static final String KEEP_PROPERTY = "sluice.test.keep-sandbox";

  private final Flavor flavor;
  private final int replicas;
  private final boolean relay;
  private Path dir;
  private Sandbox sandbox;
  // @Nested classes run the class callbacks again; only the outermost starts and stops.
  private int depth;

  private SandboxExtension(Flavor flavor, int replicas, boolean relay) {
    this.flavor = flavor;
    this.replicas = replicas;
    this.relay = relay;
  }

  /** A sandbox of {@code flavor} with 2 slaves. */
  public static SandboxExtension flavor(Flavor flavor) {
    return new SandboxExtension(flavor, SandboxSpec.DEFAULT_REPLICAS, false);
  }

  /** A sandbox of the flavor named by {@value #FLAVOR_PROPERTY} (default mysql-8.0), with 2 slaves. */
  public static SandboxExtension configuredFlavor() {
    String configured = System.getProperty(FLAVOR_PROPERTY, SandboxSpec.DEFAULT_FLAVOR.id());
    return flavor(Flavor.parse(configured));
  }

  /** The same extension with {@code n} slaves instead. */
  public SandboxExtension replicas(int n) {
    return new SandboxExtension(flavor, n, relay);
  }

  /** The same extension with a relay between the master and the slaves. */
  public SandboxExtension withRelay() {
    return new SandboxExtension(flavor, replicas, true);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    if (depth++ > 0) {
      return;
    }
    dir = Files.createTempDirectory("sluice-" + flavor.id() + "-");
    String testClass = context.getRequiredTestClass().getSimpleName();
    try {
      sandbox = Sandbox.up(SandboxSpec.in(dir)
          .withFlavor(flavor)
          .withReplicas(replicas)
          .withRelay(relay)
          .withStopOnJvmExit(true)
          .withProgress(line -> System.out.println("[sandbox " + testClass + "] " + line)));
      System.out.println("[sandbox " + testClass + "] up in " + sandbox.lastUp().elapsed().toMillis() + " ms: "
          + sandbox.instances());
    } catch (RuntimeException e) {
      // Sandbox.up stops what it started; only the directory is left to clean.
      deleteUnlessKept();
      throw e;
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (--depth > 0) {
      return;
    }
    try {
      if (sandbox != null) {
        sandbox.down();
      }
    } finally {
      sandbox = null;
      deleteUnlessKept();
    }
  }

  private void deleteUnlessKept() {
    if (dir != null && !Boolean.getBoolean(KEEP_PROPERTY)) {
      FileTrees.deleteRecursively(dir);
    } else if (dir != null) {
      System.out.println("[sandbox] kept " + dir);
    }
  }

  public Sandbox sandbox() {
    if (sandbox == null) {
      throw new IllegalStateException("the sandbox runs only between beforeAll and afterAll; register the"
          + " extension on a static field with @RegisterExtension");
    }
    return sandbox;
  }

  public Flavor flavor() {
    return flavor;
  }

  public Instance master() {
    return sandbox().master();
  }

  public List<Instance> slaves() {
    return sandbox().slaves();
  }

  public Path dir() {
    return sandbox().dir();
  }

  /** The proxy configuration pointing at this sandbox. */
  public Path routingConf() {
    return sandbox().routingConf();
  }

  /** Waits (up to 30 s) until every slave has applied what the master has written. */
  public void awaitReplication() {
    sandbox().awaitReplication(Duration.ofSeconds(30));
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Sandbox.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return sandbox();
  }
}
