package io.sluice.bootstrap.sandbox;

import io.sluice.bootstrap.BootstrapException;
import io.sluice.bootstrap.identity.Role;
import io.sluice.bootstrap.registration.ReplicaStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who replicates from whom, as the running servers say. The proxy's switchover and failover
 * move the master without telling the sandbox, so after one the record in
 * {@code sandbox.properties} names the wrong master; {@code up} and {@code status} read the
 * tree from the servers instead (SHOW REPLICA STATUS on each) and derive the roles from it.
 *
 * <p>The master is the one server that replicates from nothing and feeds others (or, in a
 * sandbox of one server, the only one); a server fed by the master that feeds others (or was
 * the relay already) is the relay; everything else is a slave. A server that replicates from nothing and feeds no one
 * while another is the master was left out by a failover (it was down when the others were
 * re-pointed): it is <em>detached</em>, and becomes a slave when it rejoins. When no server
 * feeds another, the one writable server among them is the master.
 */
final class LiveTopology {
  private LiveTopology() {}

  /**
   * @param roles every server's role now (a detached server's as the slave it becomes)
   * @param sources each replicating server's source, by name, as observed
   * @param detached servers that replicate from nothing although another is the master
   */
  record Reading(Map<String, Role> roles, Map<String, String> sources, List<String> detached) {
    String master() {
      return roles.entrySet().stream().filter(e -> e.getValue() == Role.MASTER).findFirst().orElseThrow().getKey();
    }

    /** Whether this differs from what {@code recorded} says: a role moved or a server is detached. */
    boolean differsFrom(List<Instance> recorded) {
      return !detached.isEmpty() || recorded.stream().anyMatch(i -> roles.get(i.name()) != i.role());
    }
  }

  /**
   * Derives the roles from each server's replication status (empty: it replicates from
   * nothing). Refuses a tree the sandbox cannot describe, naming what was found.
   */
  static Reading read(List<Instance> instances, Map<String, Optional<ReplicaStatus>> observed) {
    return read(instances, observed, java.util.Set.of());
  }

  /**
   * As above; {@code writable} (the servers with read_only off) decides only when replication
   * alone cannot: no server feeds another (a master whose only slave a failover left out), and
   * exactly one of those replicating from nothing is writable.
   */
  static Reading read(List<Instance> instances, Map<String, Optional<ReplicaStatus>> observed,
      java.util.Set<String> writable) {
    Map<String, String> sources = new LinkedHashMap<>();
    List<String> roots = new ArrayList<>();
    for (Instance i : instances) {
      Optional<ReplicaStatus> status = observed.get(i.name());
      if (status == null || status.isEmpty()) {
        roots.add(i.name());
        continue;
      }
      ReplicaStatus s = status.get();
      Instance source = instances.stream().filter(c -> c.port() == s.sourcePort() && sameHost(c.host(), s.sourceHost()))
          .findFirst().orElseThrow(() -> new BootstrapException(i.name() + " replicates from " + s.sourceHost() + ":"
              + s.sourcePort() + ", which is no server of this sandbox; point it back at one of "
              + instances.stream().map(Instance::address).toList() + " or start over in a new directory"));
      sources.put(i.name(), source.name());
    }
    List<String> feeding = roots.stream().filter(sources::containsValue).toList();
    String master;
    if (feeding.size() == 1) {
      master = feeding.get(0);
    } else if (feeding.isEmpty() && roots.size() == 1 && instances.size() == 1) {
      master = roots.get(0);
    } else if (feeding.isEmpty() && sources.isEmpty() && roots.stream().filter(writable::contains).count() == 1) {
      master = roots.stream().filter(writable::contains).findFirst().orElseThrow();
    } else if (feeding.isEmpty()) {
      throw new BootstrapException(roots.isEmpty()
          ? "every server of the sandbox replicates from another (" + describe(sources) + "): none is the master"
          : "no server of the sandbox feeds the others (" + String.join(", ", roots) + " replicate from nothing"
              + (sources.isEmpty() ? "" : "; " + describe(sources)) + "): the master is not known");
    } else {
      throw new BootstrapException("the sandbox has two masters: " + String.join(" and ", feeding) + " replicate from"
          + " nothing and feed others (" + describe(sources) + "); point one at the other or start over");
    }
    Map<String, Role> roles = new LinkedHashMap<>();
    for (Instance i : instances) {
      String name = i.name();
      if (name.equals(master)) {
        roles.put(name, Role.MASTER);
      } else if (!sources.containsKey(name)) {
        roles.put(name, Role.SLAVE); // detached
      } else {
        int depth = depth(name, sources, master, instances.size());
        boolean feedsOthers = sources.containsValue(name);
        if (depth > 2 || (depth == 2 && feedsOthers)) {
          throw new BootstrapException(name + " is " + depth + " hops from the master " + master + " ("
              + describe(sources) + "); the sandbox's tree is master -> relay -> slaves at most");
        }
        // A relay whose slaves were all removed is still the relay: the next slave goes under it.
        boolean relay = feedsOthers || (depth == 1 && i.role() == Role.RELAY);
        roles.put(name, relay ? Role.RELAY : Role.SLAVE);
      }
    }
    List<String> relays = roles.entrySet().stream().filter(e -> e.getValue() == Role.RELAY).map(Map.Entry::getKey)
        .toList();
    if (relays.size() > 1) {
      throw new BootstrapException("the sandbox has " + relays.size() + " relays (" + describe(sources)
          + "); it has room for one: point the slaves of " + relays.get(1) + " at " + relays.get(0));
    }
    List<String> detached = roots.stream().filter(r -> !r.equals(master)).toList();
    return new Reading(roles, sources, detached);
  }

  private static int depth(String name, Map<String, String> sources, String master, int limit) {
    int depth = 0;
    String at = name;
    while (!at.equals(master)) {
      at = sources.get(at);
      depth++;
      if (at == null || depth > limit) {
        // A chain that ends elsewhere than at the master, or goes round in a cycle.
        throw new BootstrapException(name + " does not replicate from the master " + master + " through the others ("
            + describe(sources) + "); point it at " + master);
      }
    }
    return depth;
  }

  private static String describe(Map<String, String> sources) {
    return String.join(", ", sources.entrySet().stream().map(e -> e.getKey() + " <- " + e.getValue()).toList());
  }

  private static boolean sameHost(String a, String b) {
    return a.equalsIgnoreCase(b) || (isLoopback(a) && isLoopback(b));
  }

  private static boolean isLoopback(String host) {
    return host.equals("127.0.0.1") || host.equalsIgnoreCase("localhost") || host.equals("::1");
  }
}
