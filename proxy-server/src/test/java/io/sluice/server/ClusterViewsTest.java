package io.sluice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.core.cluster.Backend;
import io.sluice.core.cluster.BackendRole;
import io.sluice.core.cluster.ClusterView;
import io.sluice.server.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The topology a relay sandbox (or the Kubernetes ConfigMap) describes, as the router sees it. */
class ClusterViewsTest {
  @TempDir Path dir;

  private ClusterView load(boolean relaysServeReads) throws IOException {
    Path conf = dir.resolve("routing.conf");
    Files.writeString(conf, """
        sluice {
          listen = "127.0.0.1:0"
          users = [ { name = app, password = app } ]
          backends {
            master = { name = "mysql-master-0", address = "127.0.0.1:3306" }
            relays = [ { name = "mysql-relay-0", address = "127.0.0.1:3307", weight = 1 } ]
            relays-serve-reads = %s
            slaves = [
              { name = "mysql-slave-0", address = "127.0.0.1:3308", weight = 2 }
              { name = "mysql-slave-1", address = "127.0.0.1:3309", weight = 0 }
            ]
          }
        }
        """.formatted(relaysServeReads));
    return ClusterViews.fromConfig(ConfigLoader.load(conf));
  }

  @Test
  void relayIsAReplicaButServesNoReadsByDefault() throws IOException {
    ClusterView view = load(false);
    assertEquals("mysql-master-0", view.master().name());
    assertEquals(BackendRole.RELAY, view.replica("mysql-relay-0").orElseThrow().backend().role());
    assertEquals(List.of("mysql-slave-0"), view.usableSlaves().stream().map(Backend::name).toList(),
        "weight 0 takes no reads either");
  }

  @Test
  void relayServesReadsWhenConfiguredTo() throws IOException {
    ClusterView view = load(true);
    assertEquals(List.of("mysql-relay-0", "mysql-slave-0"), view.usableSlaves().stream().map(Backend::name).sorted().toList());
  }
}
