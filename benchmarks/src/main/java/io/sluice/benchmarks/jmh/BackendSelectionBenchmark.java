package io.sluice.benchmarks.jmh;

import io.sluice.core.cluster.Backend;
import io.sluice.core.cluster.BackendHealth;
import io.sluice.core.cluster.BackendRole;
import io.sluice.core.cluster.ClusterView;
import io.sluice.core.cluster.SmoothWeightedRoundRobin;
import io.sluice.core.routing.Route;
import io.sluice.core.routing.Router;
import io.sluice.core.session.CharsetSetting;
import io.sluice.core.session.ConsistencyLevel;
import io.sluice.core.session.SessionState;
import io.sluice.core.sql.Classification;
import io.sluice.core.sql.StatementClassifier;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Choosing a slave for a plain read: SmoothWeightedRoundRobin.pick over the view's usable
 * slaves, and the whole Router.route decision for an autocommit SELECT in a fresh session.
 * Weights differ (1, 2, 3, ...) so the selector does real work; one state per thread, like
 * the one selector per event loop in the proxy.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BackendSelectionBenchmark {

  @Param({"2", "8"})
  public int slaves;

  private ClusterView view;
  private SmoothWeightedRoundRobin selector;
  private Router router;
  private SessionState session;
  private Classification plainRead;

  @Setup
  public void setUp() {
    ClusterView.Builder builder = ClusterView.builder()
        .master(new Backend("master", "127.0.0.1", 3306, BackendRole.MASTER, 0), BackendHealth.UP);
    for (int i = 0; i < slaves; i++) {
      builder.replica(new Backend("slave-" + i, "127.0.0.1", 3307 + i, BackendRole.SLAVE, 1 + i % 3),
          BackendHealth.UP, 0);
    }
    view = builder.build();
    selector = new SmoothWeightedRoundRobin();
    router = new Router(new SmoothWeightedRoundRobin());
    session = new SessionState("app", CharsetSetting.names("utf8mb4", null), ConsistencyLevel.EVENTUAL);
    plainRead = new StatementClassifier().classify("SELECT c FROM sbtest1 WHERE id=5018");
    if (!(router.route(plainRead, session, view) instanceof Route.Slave)) {
      throw new IllegalStateException("a plain read should go to a slave");
    }
  }

  @Benchmark
  public Optional<Backend> pick() {
    return selector.pick(view);
  }

  @Benchmark
  public Route routePlainRead() {
    return router.route(plainRead, session, view);
  }
}
