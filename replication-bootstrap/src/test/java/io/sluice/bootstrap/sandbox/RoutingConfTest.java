package io.sluice.bootstrap.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.bootstrap.identity.InstanceName;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The routing.conf a sandbox writes, and the rewrite of its backends that keeps the rest. */
class RoutingConfTest {
  private static final Instance M0 = instance("mysql-master-0", 3300);
  private static final Instance R0 = instance("mysql-relay-0", 3301);
  private static final Instance S0 = instance("mysql-slave-0", 3302);
  private static final Instance S1 = instance("mysql-slave-1", 3303);
  private static final ProxyPorts PORTS = new ProxyPorts(6033, 6034, 6035);

  @Test
  void aFreshFileListsTheBackendsInTheLoadersShape() {
    assertEquals("""
        # Written by 'sluice sandbox up' for this sandbox. Its backends are rewritten on every 'up',
        # 'add-replica' and 'remove-replica'; everything else you change here is kept.
        sluice {
          listen = "127.0.0.1:6033"
          admin { listen = "127.0.0.1:6034", user = "admin", password = "admin" }
          metrics { listen = "127.0.0.1:6035" }
          users = [ { name = "app", password = "app" } ]
          backends {
            master = { name = "mysql-master-0", address = "127.0.0.1:3300" }
            relays = [
              { name = "mysql-relay-0", address = "127.0.0.1:3301", weight = 1 }
            ]
            relays-serve-reads = false
            slaves = [
              { name = "mysql-slave-0", address = "127.0.0.1:3302", weight = 1 }
              { name = "mysql-slave-1", address = "127.0.0.1:3303", weight = 1 }
            ]
          }
          monitor { user = "root", password = "" }
        }
        """, RoutingConf.render(M0, List.of(R0), List.of(S0, S1), PORTS));
  }

  @Test
  void rewritingTheBackendsKeepsEverythingElseAndTheLayout() {
    String edited = RoutingConf.render(M0, List.of(), List.of(S0, S1), PORTS)
        .replace("  monitor {", "  failover { auto = true } # mine\n  monitor {");
    String switched = RoutingConf.updateBackends(edited, S0, List.of(), List.of(M0, S1));
    assertEquals(RoutingConf.render(S0, List.of(), List.of(M0, S1), PORTS)
        .replace("  monitor {", "  failover { auto = true } # mine\n  monitor {"), switched);
  }

  private static Instance instance(String name, int port) {
    InstanceName n = InstanceName.parse(name);
    return new Instance(n, n.role(), "127.0.0.1", port, n.serverId(), Optional.empty(),
        InstanceLayout.of(Path.of("/sandbox"), name));
  }
}
