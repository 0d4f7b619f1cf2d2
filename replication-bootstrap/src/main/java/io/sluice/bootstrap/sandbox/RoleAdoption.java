package io.sluice.bootstrap.sandbox;

import io.sluice.bootstrap.BootstrapException;
import io.sluice.bootstrap.flavor.Flavor;
import io.sluice.bootstrap.flavor.ServerBinaries;
import io.sluice.bootstrap.identity.Role;
import io.sluice.bootstrap.registration.AdminSession;
import io.sluice.bootstrap.registration.BinlogHistory;
import io.sluice.bootstrap.registration.ReadOnlyMode;
import io.sluice.bootstrap.registration.ReplicaSetup;
import io.sluice.bootstrap.registration.ReplicaStatus;
import io.sluice.bootstrap.registration.ReplicationAccount;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Part of {@code up} on a registered sandbox: when the servers' tree is no longer the recorded
 * one (the proxy switched or failed over), record the roles the servers have now, make each
 * server's read_only and option file fit its role, and point at its source a server that
 * follows the wrong one or none: a former master a failover left out rejoins as a slave if it
 * has nothing its new source lacks.
 */
final class RoleAdoption {
  private RoleAdoption() {}

  /**
   * {@code recorded} with the roles the running servers have now, recorded if they differ; no
   * server is changed. For add-replica and remove-replica, which must not take the record's
   * word for which server is the master after a switchover. As recorded when a server is down.
   */
  static SandboxState observedRoles(SandboxState recorded) {
    Map<String, AdminSession> sessions = new LinkedHashMap<>();
    try {
      for (Instance i : recorded.instances()) {
        InstanceServer server = new InstanceServer(i, recorded.flavor());
        if (!server.process().isRunning()) {
          return recorded;
        }
        sessions.put(i.name(), server.openRootOrThrow(java.time.Duration.ofSeconds(10)));
      }
      LiveTopology.Reading reading = read(recorded, sessions);
      if (!reading.differsFrom(recorded.instances())) {
        return recorded;
      }
      SandboxState now = recorded.withRoles(reading.roles());
      now.save();
      return now;
    } finally {
      sessions.values().forEach(AdminSession::close);
    }
  }

  /**
   * @param sessions a root session on every server of {@code recorded}, by name
   * @return the state to go on with: {@code recorded} itself when the tree is the recorded one
   */
  static SandboxState adopt(SandboxState recorded, Map<String, AdminSession> sessions,
      Supplier<ServerBinaries> binaries, Consumer<String> progress) {
    if (!recorded.instances().stream().allMatch(i -> recorded.registered().contains(i.name()))) {
      return recorded; // still being set up: the record is the plan, not yet the servers' state
    }
    Flavor flavor = recorded.flavor();
    LiveTopology.Reading reading = read(recorded, sessions);
    SandboxState now = recorded.withRoles(reading.roles());
    List<Instance> misplaced = now.replicas().stream()
        .filter(r -> !now.sourceOf(r).name().equals(reading.sources().get(r.name()))).toList();
    if (!reading.differsFrom(recorded.instances()) && misplaced.isEmpty()) {
      return recorded;
    }
    progress.accept("the servers' tree is not the one in " + SandboxState.FILE + " (a switchover or failover since"
        + " the last up): the master is " + now.master().name()
        + (now.relays().isEmpty() ? "" : ", the relay " + now.relays().get(0).name())
        + ", the slaves " + String.join(", ", now.slaves().stream().map(Instance::name).toList()));
    List<Instance> moved = now.instances().stream()
        .filter(i -> recorded.instances().stream().anyMatch(r -> r.name().equals(i.name()) && r.role() != i.role()))
        .toList();
    for (Instance i : moved) {
      // GLOBAL, not PERSIST: the option file rewritten beside it holds the role across restarts.
      ReadOnlyMode.set(sessions.get(i.name()), flavor, i.role().replicates(), false);
      new InstanceServer(i, flavor).writeOptionFile(binaries.get());
    }
    // Recorded before any re-pointing, which may fail: the roles are the servers' already.
    now.save();
    for (Instance replica : misplaced) {
      Instance source = now.sourceOf(replica);
      AdminSession r = sessions.get(replica.name());
      String was = reading.detached().contains(replica.name())
          ? " replicates from nothing (a failover left it out, being down)"
          : " replicates from " + reading.sources().get(replica.name());
      Optional<String> own = BinlogHistory.onlyOn(r, sessions.get(source.name()), flavor);
      if (own.isPresent()) {
        throw new BootstrapException(replica.name() + was + " and has transactions " + own.get() + " that its"
            + " source " + source.name() + " lacks; following " + source.name() + " would leave them on it alone or"
            + " clash with them, so it is not pointed there. Keep what you need from it, then replace it:"
            + " sluice sandbox remove-replica --dir " + now.dir() + " --name " + replica.name()
            + " && sluice sandbox add-replica --dir " + now.dir());
      }
      progress.accept(replica.name() + was + ": pointing it at " + source.name());
      ReplicaSetup.pointAt(r, flavor, source.host(), source.port(), ReplicationAccount.DEFAULT);
    }
    return now;
  }

  /** The tree the servers of {@code recorded} report, through a root session on each. */
  private static LiveTopology.Reading read(SandboxState recorded, Map<String, AdminSession> sessions) {
    Map<String, Optional<ReplicaStatus>> observed = new LinkedHashMap<>();
    java.util.Set<String> writable = new java.util.HashSet<>();
    for (Instance i : recorded.instances()) {
      AdminSession s = sessions.get(i.name());
      observed.put(i.name(), ReplicaStatus.read(s, recorded.flavor().dialect()));
      if (ReadOnlyMode.isWritable(s)) {
        writable.add(i.name());
      }
    }
    return LiveTopology.read(recorded.instances(), observed, writable);
  }
}
