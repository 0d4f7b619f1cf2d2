package io.sluice.bootstrap.sandbox;

import io.sluice.bootstrap.BootstrapException;
import io.sluice.bootstrap.files.FileTrees;
import io.sluice.bootstrap.flavor.DatadirTemplate;
import io.sluice.bootstrap.flavor.Flavor;
import io.sluice.bootstrap.flavor.CacheRoot;
import io.sluice.bootstrap.flavor.ServerBinaries;
import io.sluice.bootstrap.registration.AdminSession;
import io.sluice.bootstrap.registration.ApplicationAccount;
import io.sluice.bootstrap.registration.Endpoint;
import io.sluice.bootstrap.registration.ReplicaRegistration;
import io.sluice.bootstrap.registration.ReplicaSetup;
import io.sluice.bootstrap.registration.ReadOnlyMode;
import io.sluice.bootstrap.registration.ReplicaStatus;
import io.sluice.bootstrap.registration.ReplicationAccount;
import io.sluice.bootstrap.registration.ReplicationWait;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * A local replication tree of real servers on 127.0.0.1: one master and N slaves, each its
 * own mysqld/mariadbd process with its own directory under the sandbox directory. Used by the
 * demo, every integration test and the benchmarks.
 *
 * <pre>{@code
 * try (Sandbox sandbox = Sandbox.up(SandboxSpec.in(dir).withFlavor(Flavor.MYSQL_80).withReplicas(2))) {
 *   String url = sandbox.master().jdbcUrl("app"); // user app / password app
 * }
 * }</pre>
 *
 * <p>{@link #up} is idempotent: on an existing directory it starts only the servers that are
 * not running, never re-initialises or re-registers anything, and returns once every slave
 * replicates and has caught up. The servers run in their own sessions and outlive the JVM
 * unless {@link SandboxSpec#stopOnJvmExit()} is set; {@link #down(Path)} stops them.
 *
 * <p>What {@code up} sets up: root with an empty password for 127.0.0.1; {@code repl}/{@code repl}
 * for replication on every server (created outside the binary log); database {@code app} and
 * {@code app}/{@code app} with all privileges on it, created on the master and replicated.
 */
public final class Sandbox implements AutoCloseable {
  static final Duration STOP_GRACE = Duration.ofSeconds(30);
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(10);
  public static final String ROUTING_CONF = "routing.conf";

  private SandboxState state;
  private final UpReport lastUp;
  private final Thread shutdownHook;

  private Sandbox(SandboxState state, UpReport lastUp, Thread shutdownHook) {
    this.state = state;
    this.lastUp = lastUp;
    this.shutdownHook = shutdownHook;
  }

  /** Brings the sandbox described by {@code spec} up; see the class comment. */
  public static Sandbox up(SandboxSpec spec) {
    long start = System.nanoTime();
    Path dir = spec.dir().toAbsolutePath().normalize();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new BootstrapException("cannot create the sandbox directory " + dir + ": " + e.getMessage(), e);
    }
    if (!Files.exists(SandboxState.file(dir))) {
      SandboxPlan.requireEmpty(dir); // before the lock file, so a wrong --dir is left exactly as it was
    }
    try (DirLock lock = DirLock.acquire(dir)) {
      Optional<SandboxState> existing = SandboxState.loadIfPresent(dir);
      SandboxState state = existing.isPresent()
          ? SandboxPlan.checkCompatible(existing.get(), spec)
          : SandboxPlan.plan(dir, spec);
      if (existing.isEmpty()) {
        state.save();
      }
      Thread hook = spec.stopOnJvmExit() ? registerShutdownHook(state) : null;
      try {
        return bringUp(state, spec, hook, start);
      } catch (RuntimeException e) {
        removeShutdownHook(hook);
        throw e;
      }
    }
  }

  private static Sandbox bringUp(SandboxState initial, SandboxSpec spec, Thread hook, long start) {
    Consumer<String> progress = spec.progress();
    Flavor flavor = initial.flavor();
    List<InstanceServer> servers = initial.instances().stream().map(i -> new InstanceServer(i, flavor)).toList();
    List<InstanceServer> stopped = servers.stream().filter(s -> !s.process().isRunning()).toList();
    List<String> alreadyRunning = servers.stream().filter(s -> !stopped.contains(s)).map(s -> s.instance().name())
        .toList();
    List<String> created = new ArrayList<>();
    Map<InstanceServer, Process> launched = new LinkedHashMap<>();
    try {
      for (InstanceServer s : stopped) {
        s.checkPortFree(); // all of them before any work, so a busy port costs nothing
      }
      if (!stopped.isEmpty()) {
        ServerBinaries binaries = ServerBinaries.locate(flavor, spec.cacheRoot());
        List<InstanceServer> fresh = stopped.stream().filter(s -> !s.hasDatadir()).toList();
        if (!fresh.isEmpty()) {
          if (!DatadirTemplate.isReady(binaries, spec.cacheRoot())) {
            progress.accept("initialising a " + flavor.id() + " template datadir in " + spec.cacheRoot()
                + " (first use only) ...");
          }
          Path template = DatadirTemplate.ensure(binaries, spec.cacheRoot());
          for (InstanceServer s : fresh) {
            progress.accept("creating " + s.instance().name() + " in " + s.instance().layout().dir());
            s.create(binaries, template);
            created.add(s.instance().name());
          }
        }
        stopped.forEach(InstanceServer::checkDatadirFlavor);
        for (InstanceServer s : stopped) {
          progress.accept("starting " + s.instance().name() + " on " + s.instance().address());
          launched.put(s, s.launch(binaries));
        }
        for (Map.Entry<InstanceServer, Process> e : launched.entrySet()) {
          e.getKey().awaitReady(e.getValue(), spec.timeout());
        }
      }
      Registration result = register(initial, servers, spec);
      Path routing = writeRoutingConf(result.state());
      progress.accept("wrote " + routing);
      UpReport report = new UpReport(List.copyOf(created),
          launched.keySet().stream().map(s -> s.instance().name()).toList(), alreadyRunning,
          List.copyOf(result.registeredNow()), Duration.ofNanos(System.nanoTime() - start));
      return new Sandbox(result.state(), report, hook);
    } catch (RuntimeException e) {
      // Leave no server of this call behind; those that ran before keep running.
      for (InstanceServer s : launched.keySet()) {
        try {
          s.process().stop(STOP_GRACE);
        } catch (RuntimeException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  private record Registration(SandboxState state, List<String> registeredNow) {}

  /**
   * Records the roles the servers have now if a switchover or failover changed them (see
   * {@link RoleAdoption}), registers whatever is not registered yet, restarts replication on
   * registered slaves (they are configured not to start it themselves) and waits for every
   * slave to catch up.
   */
  private static Registration register(SandboxState initial, List<InstanceServer> servers, SandboxSpec spec) {
    Flavor flavor = initial.flavor();
    Map<String, AdminSession> sessions = new LinkedHashMap<>();
    try {
      for (InstanceServer s : servers) {
        AdminSession session = s.openRootOrThrow(ADMIN_TIMEOUT);
        sessions.put(s.instance().name(), session);
        checkIdentity(s.instance(), session, flavor);
      }
      SandboxState state = RoleAdoption.adopt(initial, sessions,
          () -> ServerBinaries.locate(flavor, spec.cacheRoot()), spec.progress());
      List<String> registeredNow = new ArrayList<>();
      Instance master = state.master();
      AdminSession masterSession = sessions.get(master.name());
      if (!state.registered().contains(master.name())) {
        spec.progress().accept("registering " + master.name());
        ReplicationAccount.DEFAULT.ensureOn(masterSession, flavor);
        ApplicationAccount.DEFAULT.createOnSource(masterSession);
        state = state.withRegistered(master.name());
        registeredNow.add(master.name());
        state.save();
      }
      // Relays first: the slaves below them register with a relay that already replicates.
      for (Instance replica : state.replicas()) {
        if (state.registered().contains(replica.name())) {
          ReplicaSetup.start(sessions.get(replica.name()), flavor);
        } else {
          Instance source = state.sourceOf(replica);
          spec.progress().accept("registering " + replica.name() + " as a replica of " + source.name());
          ReplicaRegistration.register(endpoint(replica), endpoint(source), flavor, ReplicationAccount.DEFAULT,
              spec.timeout(), spec.progress());
          state = state.withRegistered(replica.name());
          registeredNow.add(replica.name());
          state.save();
        }
      }
      if (!state.replicas().isEmpty()) {
        spec.progress().accept("waiting for " + state.replicas().size() + " replicas to catch up");
        String gtids = ReplicationWait.executedGtids(masterSession, flavor);
        for (Instance replica : state.replicas()) {
          ReplicationWait.untilCaughtUp(sessions.get(replica.name()), flavor, gtids, spec.timeout());
        }
      }
      return new Registration(state, registeredNow);
    } finally {
      sessions.values().forEach(AdminSession::close);
    }
  }

  static Endpoint endpoint(Instance i) {
    return new Endpoint(i.name(), i.host(), i.port(), InstanceServer.ROOT_USER, InstanceServer.ROOT_PASSWORD);
  }

  /** A server whose identity differs from the record was replaced behind the sandbox's back. */
  private static void checkIdentity(Instance i, AdminSession session, Flavor flavor) {
    long serverId = Long.parseLong(session.value("SELECT @@GLOBAL.server_id"));
    if (serverId != i.serverId()) {
      throw new BootstrapException(i.name() + " runs with server_id " + serverId + " but " + SandboxState.FILE
          + " records " + i.serverId() + "; its option file " + i.layout().cnf() + " was changed");
    }
    if (flavor.hasServerUuid()) {
      String uuid = session.value("SELECT @@GLOBAL.server_uuid");
      if (!uuid.equals(i.serverUuid().orElse(""))) {
        throw new BootstrapException(i.name() + " runs with server_uuid " + uuid + " but " + SandboxState.FILE
            + " records " + i.serverUuid().orElse("none") + "; its datadir " + i.layout().datadir()
            + " was replaced or its auto.cnf removed");
      }
    }
  }

  /**
   * Writes routing.conf for the sandbox's servers. An existing file keeps everything but its
   * backends (an operator's failover block or users would otherwise vanish, and a proxy
   * watching the file would reload without them); one that does not parse is set aside as
   * routing.conf.broken and written afresh.
   */
  static Path writeRoutingConf(SandboxState state) {
    Path file = state.dir().resolve(ROUTING_CONF);
    try {
      String fresh = RoutingConf.render(state.master(), state.relays(), state.slaves(), state.proxyPorts());
      String text = fresh;
      if (Files.exists(file)) {
        String existing = Files.readString(file, StandardCharsets.UTF_8);
        try {
          text = RoutingConf.updateBackends(existing, state.master(), state.relays(), state.slaves());
        } catch (com.typesafe.config.ConfigException e) {
          Files.writeString(state.dir().resolve(ROUTING_CONF + ".broken"), existing, StandardCharsets.UTF_8);
        }
        if (text.equals(existing)) {
          return file; // unchanged: a proxy watching it has nothing to reload
        }
      }
      Path temp = state.dir().resolve(ROUTING_CONF + ".tmp");
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new BootstrapException("cannot write " + file + ": " + e.getMessage(), e);
    }
    return file;
  }

  /** What every server of the sandbox in {@code dir} is doing now; starts and stops nothing. */
  public static SandboxStatus status(Path dir) {
    SandboxState state = load(dir);
    java.util.Set<String> writable = new java.util.HashSet<>();
    List<InstanceStatus> result = new ArrayList<>();
    for (Instance i : state.instances()) {
      InstanceServer server = new InstanceServer(i, state.flavor());
      OptionalLong pid = server.process().runningPid();
      Optional<ReplicaStatus> replication = Optional.empty();
      Optional<String> problem = Optional.empty();
      if (pid.isPresent()) {
        try (AdminSession s = server.openRoot(Duration.ofSeconds(5))) {
          replication = ReplicaStatus.read(s, state.flavor().dialect());
          if (ReadOnlyMode.isWritable(s)) {
            writable.add(i.name());
          }
        } catch (Exception e) {
          problem = Optional.of("cannot query it: " + e.getMessage());
        }
      }
      result.add(new InstanceStatus(i, pid, replication, problem));
    }
    List<String> notes = new ArrayList<>();
    if (result.stream().allMatch(s -> s.running() && s.problem().isEmpty())) {
      // The roles the servers have now: the proxy's switchover or failover moves the master
      // without telling the sandbox.
      try {
        LiveTopology.Reading r = LiveTopology.read(state.instances(), observedReplication(result), writable);
        result = result.stream().map(s -> new InstanceStatus(s.instance().withRole(r.roles().get(s.instance().name())),
            s.pid(), s.replication(), s.problem())).toList();
        if (r.differsFrom(state.instances())) {
          notes.add("the roles above are the servers' own and differ from " + SandboxState.FILE + " (a switchover or"
              + " failover since the last up); the next 'sluice sandbox up --dir " + state.dir() + "' records them");
        }
        r.detached().forEach(d -> notes.add(d + " replicates from nothing (a failover left it out, being down); the"
            + " next up points it at the master if it has no transactions the master lacks"));
      } catch (BootstrapException e) {
        notes.add("the servers' replication tree is not master, relay and slaves: " + e.getMessage());
      }
    }
    return new SandboxStatus(state.dir(), state.flavor(), result, notes);
  }

  private static Map<String, Optional<ReplicaStatus>> observedReplication(List<InstanceStatus> observed) {
    Map<String, Optional<ReplicaStatus>> m = new LinkedHashMap<>();
    observed.forEach(s -> m.put(s.instance().name(), s.replication()));
    return m;
  }

  /**
   * Stops every server of the sandbox in {@code dir} (SIGTERM, SIGKILL after 30 s) and returns
   * once none is left. Keeps the directory: a later {@link #up} starts the same servers again.
   */
  public static void down(Path dir) {
    SandboxState state = load(dir);
    try (DirLock lock = DirLock.acquire(state.dir())) {
      stopAll(state, STOP_GRACE);
    }
    Path sockets = InstanceLayout.shortSocketDir(state.dir());
    if (Files.isDirectory(sockets)) {
      FileTrees.deleteRecursively(sockets);
    }
  }

  /**
   * Stops every server at once. A MySQL source takes ~10 s to stop while binlog dump threads
   * serve replicas, and a replica whose dump thread is killed reconnects at once; so the
   * replicas stop receiving first, then the dump threads are ended, then all are signalled.
   */
  private static void stopAll(SandboxState state, Duration grace) {
    Flavor flavor = state.flavor();
    for (Instance i : state.instances()) {
      InstanceServer s = new InstanceServer(i, flavor);
      if (i.role().replicates() && s.process().isRunning()) {
        try (AdminSession session = s.openRoot(Duration.ofSeconds(2))) {
          session.execute(flavor.dialect().stopIoThread());
        } catch (Exception e) {
          // Not answering: it will still get SIGTERM below.
        }
      }
    }
    state.instances().stream().filter(i -> !state.replicasOf(i).isEmpty() || !i.role().replicates())
        .forEach(i -> new InstanceServer(i, flavor).endBinlogDumps());
    stopInParallel(state, state.instances(), grace);
  }

  private static void stopInParallel(SandboxState state, List<Instance> instances, Duration grace) {
    Map<InstanceServer, OptionalLong> signalled = new LinkedHashMap<>();
    for (Instance i : instances) {
      InstanceServer s = new InstanceServer(i, state.flavor());
      signalled.put(s, s.process().signalStop());
    }
    BootstrapException failure = null;
    for (Map.Entry<InstanceServer, OptionalLong> e : signalled.entrySet()) {
      if (e.getValue().isPresent()) {
        try {
          e.getKey().process().awaitStopped(e.getValue().getAsLong(), grace);
        } catch (BootstrapException ex) {
          failure = ex;
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  static SandboxState load(Path dir) {
    Path normal = dir.toAbsolutePath().normalize();
    return SandboxState.loadIfPresent(normal).orElseThrow(() -> new BootstrapException("no sandbox in " + normal
        + " (no " + SandboxState.FILE + "); create one with: sluice sandbox up --dir " + normal));
  }

  private static Thread registerShutdownHook(SandboxState state) {
    Thread hook = new Thread(() -> {
      try {
        // Re-read: add-replica may have added servers since this hook was registered.
        stopAll(SandboxState.loadIfPresent(state.dir()).orElse(state), Duration.ofSeconds(10));
      } catch (RuntimeException e) {
        System.err.println("sluice sandbox: could not stop " + state.dir() + " at JVM exit: " + e.getMessage());
      }
    }, "sluice-sandbox-stop-" + state.dir().getFileName());
    Runtime.getRuntime().addShutdownHook(hook);
    return hook;
  }

  private static void removeShutdownHook(Thread hook) {
    if (hook == null) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down and the hook is running or has run.
    }
  }

  public Path dir() {
    return state.dir();
  }

  public Flavor flavor() {
    return state.flavor();
  }

  public Instance master() {
    return state.master();
  }

  public List<Instance> slaves() {
    return state.slaves();
  }

  /** The master first, then the relay if any, then the slaves in the order they were added. */
  public List<Instance> instances() {
    return state.instances();
  }

  public Instance instance(String name) {
    return state.instances().stream().filter(i -> i.name().equals(name)).findFirst()
        .orElseThrow(() -> new BootstrapException("no instance '" + name + "' in " + state.dir() + "; it has "
            + state.instances().stream().map(Instance::name).toList()));
  }

  public ProxyPorts proxyPorts() {
    return state.proxyPorts();
  }

  /** {@code DIR/routing.conf}: a proxy configuration pointing at this sandbox. */
  public Path routingConf() {
    return state.dir().resolve(ROUTING_CONF);
  }

  /** What the {@link #up} that returned this sandbox did. */
  public UpReport lastUp() {
    return lastUp;
  }

  public SandboxStatus status() {
    return status(state.dir());
  }

  public List<Instance> relays() {
    return state.relays();
  }

  /**
   * Returns once every relay and slave has applied everything the master has written so far; fails if a
   * slave's replication is broken or it does not catch up within {@code timeout}. Call it after
   * writing on the master and before asserting on what the slaves read.
   */
  public void awaitReplication(Duration timeout) {
    Flavor flavor = state.flavor();
    try (AdminSession master = new InstanceServer(state.master(), flavor).openRootOrThrow(ADMIN_TIMEOUT)) {
      String gtids = ReplicationWait.executedGtids(master, flavor);
      for (Instance replica : state.replicas()) {
        try (AdminSession s = new InstanceServer(replica, flavor).openRootOrThrow(ADMIN_TIMEOUT)) {
          ReplicationWait.untilCaughtUp(s, flavor, gtids, timeout);
        }
      }
    }
  }

  /**
   * Stops one server cleanly (SIGTERM); {@link #up} starts it again. For failover and lag tests.
   *
   * <p>Stopping a source (the master, or a relay) first stops the receiving (IO) thread of each
   * running replica attached to it, so none reconnects while it shuts down, then starts those
   * threads again: they keep trying to reach it, as after any source outage. Without this a
   * MySQL source takes ~10 s to stop while replicas are attached.
   */
  public void stop(Instance instance) {
    InstanceServer server = new InstanceServer(instance, state.flavor());
    List<AdminSession> attached = new ArrayList<>();
    try {
      for (Instance replica : state.replicasOf(instance)) {
        InstanceServer s = new InstanceServer(replica, state.flavor());
        if (s.process().isRunning()) {
          AdminSession session = s.openRootOrThrow(ADMIN_TIMEOUT);
          attached.add(session);
          session.execute(state.flavor().dialect().stopIoThread());
        }
      }
      server.endBinlogDumps();
      server.process().stop(STOP_GRACE);
      for (AdminSession session : attached) {
        session.execute(state.flavor().dialect().startIoThread());
      }
    } finally {
      attached.forEach(AdminSession::close);
    }
  }

  /**
   * Adds a slave to this running sandbox; see {@link #addReplica(Path, Duration, Consumer)}.
   * This object then lists it too.
   */
  public ScaleReport addReplica(Duration timeout, Consumer<String> progress) {
    ScaleReport report = addReplica(state.dir(), timeout, progress);
    state = load(state.dir());
    return report;
  }

  /** Removes a slave from this sandbox; see {@link #removeReplica(Path, Optional)}. */
  public Instance removeReplica(Optional<String> name) {
    Instance removed = removeReplica(state.dir(), name);
    state = load(state.dir());
    return removed;
  }

  /**
   * Scales out the running sandbox in {@code dir}: creates the next slave ({@code mysql-slave-N},
   * lowest free N, on a free port), starts it and registers it with its source (the relay if the
   * sandbox has one). It receives every existing row even when the source has purged its binary
   * logs: it is then seeded from a snapshot first. Rewrites routing.conf.
   */
  public static ScaleReport addReplica(Path dir, Duration timeout, Consumer<String> progress) {
    SandboxState state = load(dir);
    try (DirLock lock = DirLock.acquire(state.dir())) {
      return SandboxScaling.addReplica(RoleAdoption.observedRoles(load(dir)), timeout, progress);
    }
  }

  /**
   * Stops and deletes one slave of the sandbox in {@code dir} (by default the one added last)
   * and rewrites routing.conf. The master and the relay cannot be removed: others replicate
   * from them.
   */
  public static Instance removeReplica(Path dir, Optional<String> name) {
    SandboxState state = load(dir);
    try (DirLock lock = DirLock.acquire(state.dir())) {
      return SandboxScaling.removeReplica(RoleAdoption.observedRoles(load(dir)), name);
    }
  }

  /**
   * Starts one stopped server and waits until it accepts connections, touching nothing else:
   * no replication is started or re-registered (after a failover the topology is no longer the
   * sandbox's, so {@link #up} would be wrong).
   */
  public void start(Instance instance, Duration timeout) {
    InstanceServer server = new InstanceServer(instance, state.flavor());
    if (server.process().isRunning()) {
      return;
    }
    server.checkPortFree();
    server.awaitReady(server.launch(ServerBinaries.locate(state.flavor(), CacheRoot.resolve())), timeout);
  }

  /** Kills one server with SIGKILL, as a crash would; {@link #up} starts it again. */
  public void kill(Instance instance) {
    new InstanceServer(instance, state.flavor()).process().kill();
  }

  public boolean isRunning(Instance instance) {
    return new InstanceServer(instance, state.flavor()).process().isRunning();
  }

  /** Stops every server; see {@link #down(Path)}. */
  public void down() {
    down(state.dir());
    removeShutdownHook(shutdownHook);
  }

  /** Same as {@link #down()}. */
  @Override
  public void close() {
    down();
  }
}
