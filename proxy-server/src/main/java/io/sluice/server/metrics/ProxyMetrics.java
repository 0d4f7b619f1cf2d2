package io.sluice.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sluice.core.cluster.BackendHealth;
import io.sluice.core.cluster.BackendStatus;
import io.sluice.core.cluster.ClusterView;
import io.sluice.core.routing.Route;
import io.sluice.server.ProxyRuntime;
import io.sluice.server.backend.PoolKey;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The proxy's Prometheus metrics: per backend statements, errors and latency histograms, pool
 * connections, health and lag; per route target and reason the statement counts; client
 * connections and read retries. Meters are created once per backend or route and cached, so
 * the per-statement cost is a map lookup, a few striped adds and the latency histogram's record.
 */
public final class ProxyMetrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final ProxyRuntime runtime;
  private final Map<String, BackendMeters> backends = new ConcurrentHashMap<>();
  private static final int REASONS = io.sluice.core.routing.RouteReason.values().length;
  /** By target (master, slave, local) and reason, without building a key per statement. */
  private final Counter[] routes = new Counter[3 * REASONS];
  private final Set<String> gaugedBackends = ConcurrentHashMap.newKeySet();
  private final Counter retries;

  public ProxyMetrics(ProxyRuntime runtime) {
    this.runtime = runtime;
    Gauge.builder("sluice.client.connections", runtime, r -> r.connectionLimits().total())
        .description("open client connections").register(registry);
    Gauge.builder("sluice.master.waiting.statements", runtime, r -> r.statementsWaitingForMaster().get())
        .description("statements bound for the master waiting for a new master or a health verdict").register(registry);
    retries = Counter.builder("sluice.read.retries")
        .description("reads run again on another backend after theirs failed or lagged").register(registry);
  }

  /** {@code answered}: commands answered without an error, not exported (see {@link #answered}). */
  private record BackendMeters(Counter statements, Counter errors, Timer latency, LongAdder answered) {}

  /** One command answered by {@code backend} after {@code nanos} since it arrived. */
  public void statement(String backend, long nanos, boolean error) {
    BackendMeters m = backends.get(backend);
    if (m == null) {
      m = backends.computeIfAbsent(backend, this::metersFor);
    }
    m.statements.increment();
    if (error) {
      m.errors.increment();
    } else {
      m.answered.increment();
    }
    m.latency.record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Commands {@code backend} has answered without an error so far: a sign of life for the
   * health checks when their own probe is late (an error may be a connection that failed).
   */
  public long answered(String backend) {
    BackendMeters m = backends.get(backend);
    return m == null ? 0 : m.answered.sum();
  }

  public void route(Route route) {
    int target = route instanceof Route.Master ? 0 : route instanceof Route.Slave ? 1 : 2;
    int index = target * REASONS + route.reason().ordinal();
    Counter c = routes[index];
    if (c == null) {
      // Racy but harmless: the registry returns the same counter for the same name and tags.
      c = Counter.builder("sluice.routes").description("statements routed, by target and reason")
          .tag("target", route.target()).tag("reason", route.reason().name().toLowerCase(java.util.Locale.ROOT))
          .register(registry);
      routes[index] = c;
    }
    c.increment();
  }

  public void retry() {
    retries.increment();
  }

  private BackendMeters metersFor(String backend) {
    return new BackendMeters(
        Counter.builder("sluice.backend.statements").description("commands answered by a backend")
            .tag("backend", backend).register(registry),
        Counter.builder("sluice.backend.errors").description("commands that ended in an error")
            .tag("backend", backend).register(registry),
        Timer.builder("sluice.backend.latency").description("time from a command's arrival to its last response byte")
            .tag("backend", backend).publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(50_000)).maximumExpectedValue(Duration.ofSeconds(30))
            .register(registry),
        new LongAdder());
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    registerBackendGauges();
    return registry.scrape();
  }

  /** Gauges read the live view and pools at scrape time; backends added later get theirs here. */
  private void registerBackendGauges() {
    ClusterView view = runtime.view();
    gauge(view.master().name());
    for (BackendStatus r : view.replicas()) {
      gauge(r.backend().name());
    }
  }

  private void gauge(String name) {
    if (!gaugedBackends.add(name)) {
      return;
    }
    Gauge.builder("sluice.backend.up", runtime, r -> health(r.view(), name) == BackendHealth.UP ? 1 : 0)
        .description("1 if the health checks find the backend usable (a slave: replicating within the lag bound)")
        .tag("backend", name).register(registry);
    Gauge.builder("sluice.backend.read_only", runtime, r -> health(r.view(), name) == BackendHealth.READ_ONLY ? 1 : 0)
        .description("1 if the backend is the master and has read_only on: its writes fail with 1290")
        .tag("backend", name).register(registry);
    Gauge.builder("sluice.backend.master", runtime, r -> r.view().master().name().equals(name) ? 1 : 0)
        .description("1 if the backend is the master now (it changes with a switchover or failover)")
        .tag("backend", name).register(registry);
    Gauge.builder("sluice.backend.offline", runtime, r -> health(r.view(), name) == BackendHealth.OFFLINE ? 1 : 0)
        .description("1 if an operator set the backend offline").tag("backend", name).register(registry);
    Gauge.builder("sluice.replica.lag.seconds", runtime, r -> r.view().replica(name)
            .filter(s -> s.lagMillis() != BackendStatus.UNKNOWN_LAG).map(s -> s.lagMillis() / 1000.0).orElse(Double.NaN))
        .description("replication lag the last health check saw (NaN: unknown or not a replica)")
        .tag("backend", name).register(registry);
    Gauge.builder("sluice.pool.connections", runtime, r -> pool(r, name, 0))
        .description("open backend connections in the pools").tag("backend", name).tag("state", "open")
        .register(registry);
    Gauge.builder("sluice.pool.connections", runtime, r -> pool(r, name, 1))
        .description("open backend connections in the pools").tag("backend", name).tag("state", "idle")
        .register(registry);
  }

  private static BackendHealth health(ClusterView view, String name) {
    if (view.master().name().equals(name)) {
      return view.masterHealth();
    }
    return view.replica(name).map(BackendStatus::health).orElse(BackendHealth.DOWN);
  }

  private static double pool(ProxyRuntime r, String backend, int index) {
    int sum = 0;
    for (Map.Entry<PoolKey, int[]> e : r.pools().usage().entrySet()) {
      if (e.getKey().backendName().equals(backend)) {
        sum += e.getValue()[index];
      }
    }
    return sum;
  }
}
