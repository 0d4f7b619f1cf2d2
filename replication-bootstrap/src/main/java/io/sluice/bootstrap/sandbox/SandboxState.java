package io.sluice.bootstrap.sandbox;

import io.sluice.bootstrap.BootstrapException;
import io.sluice.bootstrap.flavor.Flavor;
import io.sluice.bootstrap.identity.InstanceName;
import io.sluice.bootstrap.identity.Role;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * The persistent record of a sandbox, {@code DIR/sandbox.properties}: flavor, instances with
 * their ports and identities, proxy ports, and which instances are registered (have their
 * accounts and replication set up). Written before any server starts, so a later {@code up}
 * reuses the same ports and identities, and {@code down} finds every server.
 */
record SandboxState(Path dir, Flavor flavor, String host, List<Instance> instances, ProxyPorts proxyPorts,
    Set<String> registered, Set<String> retired) {
  static final String FILE = "sandbox.properties";

  static Path file(Path dir) {
    return dir.resolve(FILE);
  }

  Instance master() {
    return instances.stream().filter(i -> i.role() == Role.MASTER).findFirst()
        .orElseThrow(() -> new BootstrapException(file(dir) + " lists no master instance"));
  }

  List<Instance> slaves() {
    return instances.stream().filter(i -> i.role() == Role.SLAVE).toList();
  }

  List<Instance> relays() {
    return instances.stream().filter(i -> i.role() == Role.RELAY).toList();
  }

  /** Every server that replicates: relays first (they feed the slaves), then slaves. */
  List<Instance> replicas() {
    return instances.stream().filter(i -> i.role().replicates())
        .sorted(java.util.Comparator.comparing(i -> i.role() == Role.SLAVE)).toList();
  }

  /** Where {@code replica} replicates from: a slave from the relay when there is one, else the master. */
  Instance sourceOf(Instance replica) {
    if (replica.role() == Role.SLAVE && !relays().isEmpty()) {
      return relays().get(0);
    }
    return master();
  }

  /** The servers that replicate directly from {@code source}. */
  List<Instance> replicasOf(Instance source) {
    return replicas().stream().filter(r -> sourceOf(r).equals(source)).toList();
  }

  SandboxState withInstance(Instance added) {
    List<Instance> all = new ArrayList<>(instances);
    all.add(added);
    return new SandboxState(dir, flavor, host, all, proxyPorts, registered, retired);
  }

  /**
   * Without the instance {@code name}; {@code retire} keeps its name (and so its server_id)
   * from being given to a later slave: a server that wrote transactions of its own (a master
   * before a switchover) left events with its server_id in every binary log, and a replica
   * with that server_id would skip them as its own.
   */
  SandboxState withoutInstance(String name, boolean retire) {
    Set<String> r = new LinkedHashSet<>(registered);
    r.remove(name);
    Set<String> gone = new LinkedHashSet<>(retired);
    if (retire) {
      gone.add(name);
    }
    return new SandboxState(dir, flavor, host, instances.stream().filter(i -> !i.name().equals(name)).toList(),
        proxyPorts, r, gone);
  }

  /** The same servers with the roles in {@code roles} (by name; the others keep theirs). */
  SandboxState withRoles(java.util.Map<String, Role> roles) {
    // Kept in the documented order: the master, the relay, then the slaves as they were.
    List<Instance> all = instances.stream().map(i -> i.withRole(roles.getOrDefault(i.name(), i.role())))
        .sorted(java.util.Comparator.comparing(Instance::role)).toList();
    return new SandboxState(dir, flavor, host, all, proxyPorts, registered, retired);
  }

  SandboxState withRegistered(String name) {
    Set<String> r = new LinkedHashSet<>(registered);
    r.add(name);
    return new SandboxState(dir, flavor, host, instances, proxyPorts, r, retired);
  }

  static Optional<SandboxState> loadIfPresent(Path dir) {
    Path file = file(dir);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw new BootstrapException("cannot read " + file + ": " + e.getMessage(), e);
    }
    try {
      Flavor flavor = Flavor.parse(required(p, file, "flavor"));
      String host = required(p, file, "host");
      List<Instance> instances = new ArrayList<>();
      Set<String> registered = new LinkedHashSet<>();
      for (String name : required(p, file, "instances").split(",")) {
        String key = "instance." + name + ".";
        InstanceName in = InstanceName.parse(name);
        int port = Integer.parseInt(required(p, file, key + "port"));
        long serverId = Long.parseLong(required(p, file, key + "server_id"));
        Optional<String> uuid = Optional.ofNullable(p.getProperty(key + "server_uuid")).filter(s -> !s.isBlank());
        // Files written before roles could change have no role key: the name's role applies.
        String roleWord = p.getProperty(key + "role", in.role().word()).trim();
        Role role = Role.fromWord(roleWord).orElseThrow(() -> new BootstrapException(file + " has '" + key + "role="
            + roleWord + "'; it must be master, relay or slave. It is written by 'sluice sandbox up', restore it"
            + " or start over in a new directory"));
        instances.add(new Instance(in, role, host, port, serverId, uuid, InstanceLayout.of(dir, name)));
        if (Boolean.parseBoolean(p.getProperty(key + "registered", "false"))) {
          registered.add(name);
        }
      }
      ProxyPorts proxy = new ProxyPorts(Integer.parseInt(required(p, file, "proxy.listen.port")),
          Integer.parseInt(required(p, file, "proxy.admin.port")),
          Integer.parseInt(required(p, file, "proxy.metrics.port")));
      Set<String> retired = new LinkedHashSet<>();
      for (String name : p.getProperty("retired", "").split(",")) {
        if (!name.isBlank()) {
          retired.add(name.trim());
        }
      }
      return Optional.of(new SandboxState(dir, flavor, host, instances, proxy, registered, retired));
    } catch (NumberFormatException e) {
      throw new BootstrapException(file + " has a malformed number (" + e.getMessage()
          + "); it is written by 'sluice sandbox up', restore it or start over in a new directory", e);
    }
  }

  /** Writes the file atomically: a crash mid-write leaves the previous version. */
  void save() {
    StringBuilder b = new StringBuilder();
    b.append("# Sluice sandbox state, written by 'sluice sandbox up'. Do not edit while servers run.\n");
    b.append("flavor=").append(flavor.id()).append('\n');
    b.append("host=").append(host).append('\n');
    b.append("instances=").append(String.join(",", instances.stream().map(Instance::name).toList())).append('\n');
    for (Instance i : instances) {
      String key = "instance." + i.name() + ".";
      b.append(key).append("role=").append(i.role().word()).append('\n');
      b.append(key).append("port=").append(i.port()).append('\n');
      b.append(key).append("server_id=").append(i.serverId()).append('\n');
      b.append(key).append("server_uuid=").append(i.serverUuid().orElse("")).append('\n');
      b.append(key).append("registered=").append(registered.contains(i.name())).append('\n');
    }
    if (!retired.isEmpty()) {
      b.append("# Names (and server_ids) of removed servers that wrote transactions of their own: never reused.\n");
      b.append("retired=").append(String.join(",", retired)).append('\n');
    }
    b.append("proxy.listen.port=").append(proxyPorts.listen()).append('\n');
    b.append("proxy.admin.port=").append(proxyPorts.admin()).append('\n');
    b.append("proxy.metrics.port=").append(proxyPorts.metrics()).append('\n');
    Path file = file(dir);
    Path temp = dir.resolve(FILE + ".tmp");
    try {
      Files.writeString(temp, b.toString(), StandardCharsets.UTF_8);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new BootstrapException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static String required(Properties p, Path file, String key) {
    String v = p.getProperty(key);
    if (v == null || v.isBlank()) {
      throw new BootstrapException(file + " has no '" + key + "'; it is written by 'sluice sandbox up',"
          + " restore it or start over in a new directory");
    }
    return v.trim();
  }
}
