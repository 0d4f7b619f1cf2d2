package io.sluice.server;

import io.sluice.core.cluster.Backend;
import io.sluice.core.cluster.BackendHealth;
import io.sluice.core.cluster.BackendRole;
import io.sluice.core.cluster.BackendStatus;
import io.sluice.core.cluster.ClusterView;
import io.sluice.server.config.ProxyConfig;
import io.sluice.server.config.ProxyConfig.BackendConfig;

/** Builds the first {@link ClusterView} from the configuration: every backend assumed up. */
final class ClusterViews {
  private ClusterViews() {}

  static ClusterView fromConfig(ProxyConfig config) {
    ProxyConfig.BackendsConfig b = config.backends();
    ClusterView.Builder view = readPolicy(b).master(backend(b.master(), BackendRole.MASTER), BackendHealth.UP);
    for (BackendConfig relay : b.relays()) {
      view.replica(backend(relay, BackendRole.RELAY), BackendHealth.UP, BackendStatus.UNKNOWN_LAG);
    }
    for (BackendConfig slave : b.slaves()) {
      view.replica(backend(slave, BackendRole.SLAVE), BackendHealth.UP, BackendStatus.UNKNOWN_LAG);
    }
    return view.build();
  }

  /** A builder with the configured way of serving reads: whether relays take them, and the read affinity. */
  private static ClusterView.Builder readPolicy(ProxyConfig.BackendsConfig b) {
    return ClusterView.builder().relaysServeReads(b.relaysServeReads()).readAffinity(b.readAffinity());
  }

  /**
   * The view after a reload: backends named as before at the same address keep their health
   * and lag (an operator's OFFLINE too); new or moved ones wait for their first health check.
   */
  static ClusterView reloaded(ClusterView current, ProxyConfig config) {
    ProxyConfig.BackendsConfig b = config.backends();
    Backend master = backend(b.master(), BackendRole.MASTER);
    boolean sameMaster = sameServer(current.master(), master);
    ClusterView.Builder view = readPolicy(b).master(master, sameMaster ? current.masterHealth() : BackendHealth.UP);
    for (BackendConfig relay : b.relays()) {
      add(view, current, backend(relay, BackendRole.RELAY));
    }
    for (BackendConfig slave : b.slaves()) {
      add(view, current, backend(slave, BackendRole.SLAVE));
    }
    return view.build();
  }

  private static void add(ClusterView.Builder view, ClusterView current, Backend next) {
    BackendStatus before = current.replica(next.name()).orElse(null);
    if (before != null && sameServer(before.backend(), next) && before.backend().role() == next.role()) {
      view.replica(next, before.health(), before.lagMillis());
    } else {
      view.replica(next, BackendHealth.LAGGING, BackendStatus.UNKNOWN_LAG);
    }
  }

  private static boolean sameServer(Backend a, Backend b) {
    return a.name().equals(b.name()) && a.host().equals(b.host()) && a.port() == b.port();
  }

  private static Backend backend(BackendConfig c, BackendRole role) {
    return new Backend(c.name(), c.address().host(), c.address().port(), role, c.weight());
  }
}
