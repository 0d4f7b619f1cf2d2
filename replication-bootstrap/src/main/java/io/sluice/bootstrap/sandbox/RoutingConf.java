package io.sluice.bootstrap.sandbox;

import java.util.List;

/**
 * The proxy configuration that points at a sandbox, in exactly the shape the proxy's loader
 * reads ({@code conf/routing.conf}): the application account and the monitor account are the
 * ones the sandbox creates.
 */
final class RoutingConf {
  private RoutingConf() {}

  /**
   * @param relays listed so the proxy knows the whole tree; they serve reads only when
   *     {@code relays-serve-reads} is turned on (off here: a relay's job is to feed the slaves)
   */
  static String render(Instance master, List<Instance> relays, List<Instance> slaves, ProxyPorts ports) {
    StringBuilder b = new StringBuilder();
    b.append("# Written by 'sluice sandbox up' for this sandbox; rewritten on every 'up', 'add-replica' and\n");
    b.append("# 'remove-replica'.\n");
    b.append("sluice {\n");
    b.append("  listen = \"127.0.0.1:").append(ports.listen()).append("\"\n");
    b.append("  admin { listen = \"127.0.0.1:").append(ports.admin())
        .append("\", user = \"admin\", password = \"admin\" }\n");
    b.append("  metrics { listen = \"127.0.0.1:").append(ports.metrics()).append("\" }\n");
    b.append("  users = [ { name = \"app\", password = \"app\" } ]\n");
    b.append("  backends {\n");
    b.append("    master = { name = \"").append(master.name()).append("\", address = \"")
        .append(master.address()).append("\" }\n");
    if (!relays.isEmpty()) {
      list(b, "relays", relays);
      b.append("    relays-serve-reads = false\n");
    }
    list(b, "slaves", slaves);
    b.append("  }\n");
    b.append("  monitor { user = \"root\", password = \"\" }\n");
    b.append("}\n");
    return b.toString();
  }

  private static void list(StringBuilder b, String key, List<Instance> instances) {
    b.append("    ").append(key).append(" = [\n");
    for (Instance s : instances) {
      b.append("      { name = \"").append(s.name()).append("\", address = \"").append(s.address())
          .append("\", weight = 1 }\n");
    }
    b.append("    ]\n");
  }
}
