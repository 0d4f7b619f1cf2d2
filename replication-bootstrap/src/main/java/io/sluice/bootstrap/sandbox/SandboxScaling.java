package io.sluice.bootstrap.sandbox;

import io.sluice.bootstrap.BootstrapException;
import io.sluice.bootstrap.files.FileTrees;
import io.sluice.bootstrap.flavor.DatadirTemplate;
import io.sluice.bootstrap.flavor.ServerBinaries;
import io.sluice.bootstrap.flavor.CacheRoot;
import io.sluice.bootstrap.identity.Role;
import io.sluice.bootstrap.registration.AdminSession;
import io.sluice.bootstrap.registration.ReplicaRegistration;
import io.sluice.bootstrap.registration.ReplicaStatus;
import io.sluice.bootstrap.registration.ReplicationAccount;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** add-replica and remove-replica on a sandbox whose directory lock the caller holds. */
final class SandboxScaling {
  private SandboxScaling() {}

  static ScaleReport addReplica(SandboxState state, Duration timeout, Consumer<String> progress) {
    long start = System.nanoTime();
    requireRunning(state, state.master());
    state.relays().forEach(r -> requireRunning(state, r));
    Instance added = SandboxPlan.nextSlave(state);
    InstanceServer server = new InstanceServer(added, state.flavor());
    ServerBinaries binaries = ServerBinaries.locate(state.flavor(), CacheRoot.resolve());
    progress.accept("creating " + added.name() + " in " + added.layout().dir());
    server.create(binaries, DatadirTemplate.ensure(binaries, CacheRoot.resolve()));
    // Recorded before it starts, so 'down' finds it whatever happens next.
    SandboxState withAdded = state.withInstance(added);
    withAdded.save();
    try {
      progress.accept("starting " + added.name() + " on " + added.address());
      server.awaitReady(server.launch(binaries), timeout);
      Instance source = withAdded.sourceOf(added);
      progress.accept("registering " + added.name() + " as a replica of " + source.name());
      ReplicaRegistration.Report registration = ReplicaRegistration.register(Sandbox.endpoint(added),
          Sandbox.endpoint(source), state.flavor(), ReplicationAccount.DEFAULT, timeout, progress);
      SandboxState registered = withAdded.withRegistered(added.name());
      registered.save();
      progress.accept("wrote " + Sandbox.writeRoutingConf(registered));
      return new ScaleReport(added, registration, Duration.ofNanos(System.nanoTime() - start));
    } catch (RuntimeException e) {
      // Leave the sandbox as it was: no half-registered slave in routing.conf or the state.
      try {
        server.process().stop(Sandbox.STOP_GRACE);
        FileTrees.deleteRecursively(added.layout().dir());
        state.save();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  static Instance removeReplica(SandboxState state, Optional<String> name) {
    // By default the slave added last: slaves are recorded in the order they were added (a
    // former master that became one after a switchover among them).
    List<Instance> slaves = state.slaves();
    if (name.isEmpty() && slaves.isEmpty()) {
      throw new BootstrapException("the sandbox in " + state.dir() + " has no slave to remove");
    }
    Instance victim = name.map(n -> byName(state, n)).orElseGet(() -> slaves.get(slaves.size() - 1));
    if (victim.role() != Role.SLAVE) {
      throw new BootstrapException(victim.name() + " is the " + victim.role().word() + " of the sandbox in "
          + state.dir() + "; only slaves can be removed, since others replicate from it");
    }
    InstanceServer server = new InstanceServer(victim, state.flavor());
    if (server.process().isRunning()) {
      // Stop fetching first, so the source's dump thread ends at once and the stop is quick.
      // (A former master a failover left out replicates from nothing; MariaDB refuses STOP SLAVE there.)
      try (AdminSession s = server.openRootOrThrow(Duration.ofSeconds(5))) {
        if (ReplicaStatus.read(s, state.flavor().dialect()).isPresent()) {
          s.execute(state.flavor().dialect().stopReplica());
        }
      }
      server.process().stop(Sandbox.STOP_GRACE);
    }
    SandboxState without = state.withoutInstance(victim.name(), wroteOwnTransactions(state, victim));
    without.save();
    Sandbox.writeRoutingConf(without);
    FileTrees.deleteRecursively(victim.layout().dir());
    return victim;
  }

  /**
   * Whether the master's binary log holds transactions {@code victim} wrote itself (it was the
   * master once): by its server_uuid in gtid_executed on MySQL, by its server_id in
   * gtid_binlog_state on MariaDB. When the master cannot be asked, assumed so.
   */
  private static boolean wroteOwnTransactions(SandboxState state, Instance victim) {
    InstanceServer master = new InstanceServer(state.master(), state.flavor());
    if (!master.process().isRunning()) {
      return true;
    }
    try (AdminSession s = master.openRootOrThrow(Duration.ofSeconds(5))) {
      if (state.flavor().isMariaDb()) {
        String binlogState = s.value("SELECT @@GLOBAL.gtid_binlog_state");
        return binlogState != null && java.util.Arrays.stream(binlogState.split(","))
            .map(String::trim).anyMatch(g -> g.split("-").length == 3 && g.split("-")[1].equals(
                Long.toString(victim.serverId())));
      }
      String executed = s.value("SELECT @@GLOBAL.gtid_executed");
      return victim.serverUuid().map(u -> executed != null && executed.contains(u)).orElse(true);
    } catch (BootstrapException e) {
      return true;
    }
  }

  private static Instance byName(SandboxState state, String name) {
    return state.instances().stream().filter(i -> i.name().equals(name)).findFirst()
        .orElseThrow(() -> new BootstrapException("no instance '" + name + "' in " + state.dir() + "; it has "
            + state.instances().stream().map(Instance::name).toList()));
  }

  private static void requireRunning(SandboxState state, Instance i) {
    if (!new InstanceServer(i, state.flavor()).process().isRunning()) {
      throw new BootstrapException(i.name() + " of the sandbox in " + state.dir() + " is not running; start the"
          + " sandbox first with: sluice sandbox up --dir " + state.dir());
    }
  }
}
