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
    ClusterView.Builder view = ClusterView.builder()
        .master(backend(b.master(), BackendRole.MASTER), BackendHealth.UP)
        .relaysServeReads(b.relaysServeReads());
    for (BackendConfig relay : b.relays()) {
      view.replica(backend(relay, BackendRole.RELAY), BackendHealth.UP, BackendStatus.UNKNOWN_LAG);
    }
    for (BackendConfig slave : b.slaves()) {
      view.replica(backend(slave, BackendRole.SLAVE), BackendHealth.UP, BackendStatus.UNKNOWN_LAG);
    }
    return view.build();
  }

  private static Backend backend(BackendConfig c, BackendRole role) {
    return new Backend(c.name(), c.address().host(), c.address().port(), role, c.weight());
  }
}
