package io.sluice.bootstrap.sandbox;

import io.sluice.bootstrap.BootstrapException;
import io.sluice.bootstrap.flavor.CacheRoot;
import io.sluice.bootstrap.flavor.Flavor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * What {@link Sandbox#up} should bring up. Unset values mean "whatever the directory already
 * has, else the default": flavor mysql-8.0, 2 replicas, free ports.
 *
 * <pre>{@code
 * Sandbox.up(SandboxSpec.in(dir).withFlavor(Flavor.MYSQL_57).withReplicas(3).withBasePort(23306))
 * }</pre>
 *
 * @param relay put a relay (mysql-relay-0) between the master and the slaves: it replicates from
 *     the master with log_replica_updates and the slaves replicate from it, so the master feeds one
 *     replica however many slaves there are
 * @param timeout how long one server may take to accept connections, and replicas to catch up
 * @param stopOnJvmExit stop the servers from a JVM shutdown hook (tests), rather than leave
 *     them running for a later {@code down} (the CLI)
 * @param progress receives one line per slow step (initialising, starting, waiting)
 */
public record SandboxSpec(
    Path dir,
    Optional<Flavor> flavor,
    OptionalInt replicas,
    OptionalInt basePort,
    boolean relay,
    Duration timeout,
    boolean stopOnJvmExit,
    Consumer<String> progress,
    Path cacheRoot) {

  public static final Flavor DEFAULT_FLAVOR = Flavor.MYSQL_80;
  public static final int DEFAULT_REPLICAS = 2;
  /** Replica ports sit below the proxy ports at base+100, so at most 99 replicas (98 with a relay). */
  public static final int MAX_REPLICAS = 99;

  public SandboxSpec {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(flavor, "flavor");
    Objects.requireNonNull(replicas, "replicas");
    Objects.requireNonNull(basePort, "basePort");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(progress, "progress");
    Objects.requireNonNull(cacheRoot, "cacheRoot");
    if (replicas.isPresent() && (replicas.getAsInt() < 0 || replicas.getAsInt() > MAX_REPLICAS)) {
      throw new BootstrapException("replicas must be 0.." + MAX_REPLICAS + ", got " + replicas.getAsInt());
    }
    if (basePort.isPresent() && (basePort.getAsInt() < 1024 || basePort.getAsInt() + 102 > 65535)) {
      throw new BootstrapException("base port must be 1024.." + (65535 - 102)
          + " (the proxy ports are base+100..base+102), got " + basePort.getAsInt());
    }
    if (relay && replicas.isPresent() && replicas.getAsInt() > MAX_REPLICAS - 1) {
      throw new BootstrapException("with a relay, replicas must be 0.." + (MAX_REPLICAS - 1) + " (the relay takes"
          + " port base+1), got " + replicas.getAsInt());
    }
    if (timeout.isNegative() || timeout.isZero()) {
      throw new BootstrapException("timeout must be positive, got " + timeout);
    }
  }

  /** A spec with every value at its default, for the sandbox in {@code dir}. */
  public static SandboxSpec in(Path dir) {
    return new SandboxSpec(dir, Optional.empty(), OptionalInt.empty(), OptionalInt.empty(), false, Duration.ofSeconds(120),
        false, line -> {}, CacheRoot.resolve());
  }

  public SandboxSpec withFlavor(Flavor f) {
    return new SandboxSpec(dir, Optional.of(f), replicas, basePort, relay, timeout, stopOnJvmExit, progress, cacheRoot);
  }

  public SandboxSpec withReplicas(int n) {
    return new SandboxSpec(dir, flavor, OptionalInt.of(n), basePort, relay, timeout, stopOnJvmExit, progress, cacheRoot);
  }

  /** Master on {@code port}, replicas on port+1..port+N, proxy on port+100..port+102. */
  public SandboxSpec withBasePort(int port) {
    return new SandboxSpec(dir, flavor, replicas, OptionalInt.of(port), relay, timeout, stopOnJvmExit, progress, cacheRoot);
  }

  /** Master -> relay -> slaves instead of master -> slaves; see {@link #relay()}. */
  public SandboxSpec withRelay(boolean r) {
    return new SandboxSpec(dir, flavor, replicas, basePort, r, timeout, stopOnJvmExit, progress, cacheRoot);
  }

  public SandboxSpec withTimeout(Duration t) {
    return new SandboxSpec(dir, flavor, replicas, basePort, relay, t, stopOnJvmExit, progress, cacheRoot);
  }

  public SandboxSpec withStopOnJvmExit(boolean stop) {
    return new SandboxSpec(dir, flavor, replicas, basePort, relay, timeout, stop, progress, cacheRoot);
  }

  public SandboxSpec withProgress(Consumer<String> p) {
    return new SandboxSpec(dir, flavor, replicas, basePort, relay, timeout, stopOnJvmExit, p, cacheRoot);
  }

  public SandboxSpec withCacheRoot(Path root) {
    return new SandboxSpec(dir, flavor, replicas, basePort, relay, timeout, stopOnJvmExit, progress, root);
  }
}
