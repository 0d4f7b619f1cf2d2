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
    b.append("# Written by 'sluice sandbox up' for this sandbox. Its backends are rewritten on every 'up',\n");
    b.append("# 'add-replica' and 'remove-replica'; everything else you change here is kept.\n");
    b.append("sluice {\n");
    b.append("  listen = \"127.0.0.1:").append(ports.listen()).append("\"\n");
    b.append("  admin { listen = \"127.0.0.1:").append(ports.admin())
        .append("\", user = \"admin\", password = \"admin\" }\n");
    b.append("  metrics { listen = \"127.0.0.1:").append(ports.metrics()).append("\" }\n");
    b.append("  users = [ { name = \"app\", password = \"app\" } ]\n");
    // The backends are filled in as every later rewrite fills them in: one layout for both.
    b.append("  backends {\n");
    b.append("    master = {}\n");
    if (!relays.isEmpty()) {
      b.append("    relays = []\n");
      b.append("    relays-serve-reads = false\n");
    }
    b.append("    slaves = []\n");
    b.append("  }\n");
    b.append("  monitor { user = \"root\", password = \"\" }\n");
    b.append("}\n");
    return updateBackends(b.toString(), master, relays, slaves);
  }

  /**
   * {@code existing} with its backends replaced by these, everything else (an operator's
   * failover block, users, ports, comments) left as it was.
   *
   * @throws com.typesafe.config.ConfigException if {@code existing} is not valid HOCON
   */
  static String updateBackends(String existing, Instance master, List<Instance> relays, List<Instance> slaves) {
    com.typesafe.config.parser.ConfigDocument doc = com.typesafe.config.parser.ConfigDocumentFactory.parseString(existing);
    doc = doc.withValueText("sluice.backends.master", "{ name = " + quoted(master.name()) + ", address = "
        + quoted(master.address()) + " }");
    if (!relays.isEmpty() || doc.hasPath("sluice.backends.relays")) {
      doc = doc.withValueText("sluice.backends.relays", items(relays));
    }
    doc = doc.withValueText("sluice.backends.slaves", items(slaves));
    return doc.render();
  }

  /** A list value; the document indents its continuation lines by the key's own indentation. */
  private static String items(List<Instance> instances) {
    if (instances.isEmpty()) {
      return "[]";
    }
    StringBuilder b = new StringBuilder("[\n");
    for (Instance s : instances) {
      b.append("  { name = ").append(quoted(s.name())).append(", address = ").append(quoted(s.address()))
          .append(", weight = 1 }\n");
    }
    return b.append("]").toString();
  }

  private static String quoted(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
