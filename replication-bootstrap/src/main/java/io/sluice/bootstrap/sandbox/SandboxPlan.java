package io.sluice.bootstrap.sandbox;

import io.sluice.bootstrap.BootstrapException;
import io.sluice.bootstrap.flavor.Flavor;
import io.sluice.bootstrap.identity.InstanceName;
import io.sluice.bootstrap.identity.Role;
import io.sluice.bootstrap.identity.ServerIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.stream.Stream;

/**
 * Decides the shape of a new sandbox (names, ports, identities) and checks that a repeated
 * {@code up} asks for the sandbox the directory already holds.
 */
final class SandboxPlan {
  static final String HOST = "127.0.0.1";
  static final String NAME_PREFIX = "mysql";
  private static final int PROXY_OFFSET = 100;

  private SandboxPlan() {}

  static SandboxState plan(Path dir, SandboxSpec spec) {
    requireEmpty(dir);
    Flavor flavor = spec.flavor().orElse(SandboxSpec.DEFAULT_FLAVOR);
    int replicas = spec.replicas().orElse(SandboxSpec.DEFAULT_REPLICAS);
    int relays = spec.relay() ? 1 : 0;
    int servers = 1 + relays + replicas;
    List<Integer> serverPorts = new ArrayList<>();
    ProxyPorts proxy;
    if (spec.basePort().isPresent()) {
      int base = spec.basePort().getAsInt();
      for (int i = 0; i < servers; i++) {
        serverPorts.add(base + i);
      }
      proxy = new ProxyPorts(base + PROXY_OFFSET, base + PROXY_OFFSET + 1, base + PROXY_OFFSET + 2);
    } else {
      List<Integer> free = Ports.pickFree(HOST, servers + 3);
      serverPorts.addAll(free.subList(0, servers));
      proxy = new ProxyPorts(free.get(servers), free.get(servers + 1), free.get(servers + 2));
    }
    List<Instance> instances = new ArrayList<>();
    instances.add(instance(dir, flavor, InstanceName.of(NAME_PREFIX, Role.MASTER, 0), serverPorts.get(0)));
    if (relays > 0) {
      instances.add(instance(dir, flavor, InstanceName.of(NAME_PREFIX, Role.RELAY, 0), serverPorts.get(1)));
    }
    for (int i = 0; i < replicas; i++) {
      instances.add(instance(dir, flavor, InstanceName.of(NAME_PREFIX, Role.SLAVE, i),
          serverPorts.get(1 + relays + i)));
    }
    // Checked before anything is written, so a busy port leaves the directory untouched.
    for (Instance i : instances) {
      if (!Ports.isFree(HOST, i.port())) {
        throw Ports.inUse(HOST, i.port(), i.name());
      }
    }
    return new SandboxState(dir, flavor, HOST, instances, proxy, new LinkedHashSet<>(), new LinkedHashSet<>());
  }

  /**
   * The next slave of a running sandbox: the lowest unused ordinal (a removed slave's name and
   * server_id may be reused: its datadir is gone, and a slave writes no transactions of its
   * own; not one retired because it did, see {@link SandboxState#withoutInstance}), on a free
   * port.
   */
  static Instance nextSlave(SandboxState state) {
    java.util.Set<Long> used = new java.util.HashSet<>();
    // By name, not by role: a slave promoted by a switchover still holds its name.
    state.instances().stream().filter(i -> i.instanceName().role() == Role.SLAVE)
        .forEach(s -> used.add(s.instanceName().ordinal()));
    state.retired().stream().map(InstanceName::parse).filter(n -> n.role() == Role.SLAVE)
        .forEach(n -> used.add(n.ordinal()));
    long ordinal = 0;
    while (used.contains(ordinal)) {
      ordinal++;
    }
    int port = Ports.pickFree(HOST, 1).get(0);
    return instance(state.dir(), state.flavor(), InstanceName.of(NAME_PREFIX, Role.SLAVE, ordinal), port);
  }

  private static Instance instance(Path dir, Flavor flavor, InstanceName name, int port) {
    ServerIdentity id = ServerIdentity.fresh(name, flavor.hasServerUuid());
    return new Instance(name, name.role(), HOST, port, id.serverId(), id.serverUuid(), InstanceLayout.of(dir, name.value()));
  }

  /** A repeated {@code up} may leave values unset, but what it sets must match the directory. */
  static SandboxState checkCompatible(SandboxState state, SandboxSpec spec) {
    Path file = SandboxState.file(state.dir());
    if (spec.flavor().isPresent() && spec.flavor().get() != state.flavor()) {
      throw new BootstrapException("the sandbox in " + state.dir() + " runs " + state.flavor().id()
          + ", but " + spec.flavor().get().id() + " was asked for; use a new --dir for " + spec.flavor().get().id()
          + ", or run 'sluice sandbox down --dir " + state.dir() + "' and delete it first");
    }
    int slaves = state.slaves().size();
    // After add-replica/remove-replica the directory's count is the one to repeat (or omit).
    if (spec.replicas().isPresent() && spec.replicas().getAsInt() != slaves) {
      throw new BootstrapException("the sandbox in " + state.dir() + " has " + slaves + " replicas (" + file
          + "), but " + spec.replicas().getAsInt() + " were asked for; omit --replicas or use a new --dir");
    }
    // By name, not by role: after a switchover the first master or the relay may be a slave now,
    // and the same 'up' command must still be accepted.
    boolean hasRelayName = state.instances().stream().anyMatch(i -> i.instanceName().role() == Role.RELAY);
    int basePort = state.instances().stream().filter(i -> i.instanceName().role() == Role.MASTER)
        .mapToInt(Instance::port).min().orElse(state.master().port());
    if (spec.relay() && !hasRelayName) {
      throw new BootstrapException("the sandbox in " + state.dir() + " has no relay (" + file + "), but --relay was"
          + " asked for; a relay cannot be put under running slaves, use a new --dir");
    }
    if (spec.basePort().isPresent() && spec.basePort().getAsInt() != basePort) {
      throw new BootstrapException("the sandbox in " + state.dir() + " has its first master on port " + basePort
          + " (" + file + "), but --base-port " + spec.basePort().getAsInt()
          + " was asked for; omit --base-port or use a new --dir");
    }
    return state;
  }

  static void requireEmpty(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      List<String> other = entries.map(p -> p.getFileName().toString())
          .filter(n -> !n.equals(DirLock.FILE))
          .toList();
      if (!other.isEmpty()) {
        throw new BootstrapException(dir + " is not empty and holds no " + SandboxState.FILE + " (found "
            + String.join(", ", other.subList(0, Math.min(5, other.size()))) + (other.size() > 5 ? ", ..." : "")
            + "); give an empty or new directory for a new sandbox");
      }
    } catch (IOException e) {
      throw new BootstrapException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }
}
