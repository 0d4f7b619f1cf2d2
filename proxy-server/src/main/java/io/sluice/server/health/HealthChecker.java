package io.sluice.server.health;

import io.sluice.bootstrap.flavor.Flavor;
import io.sluice.core.cluster.Backend;
import io.sluice.core.cluster.BackendHealth;
import io.sluice.core.cluster.BackendRole;
import io.sluice.core.cluster.BackendStatus;
import io.sluice.core.cluster.ClusterView;
import io.sluice.server.MasterGate;
import io.sluice.server.ProxyRuntime;
import io.sluice.server.config.ProxyConfig.MonitorConfig;
import io.sluice.server.failover.Promotion;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks every backend each {@code monitor.interval} and publishes a new {@link ClusterView}
 * when a health or lag changed. A probe runs on a kept monitor connection with timeouts (so a
 * server that accepts TCP but never answers, e.g. stopped with SIGSTOP, counts as down; a
 * probe that fails otherwise is repeated once on a fresh connection before it counts):
 * {@code DO 1} on the master and the replication status on replicas: both
 * threads running and {@code Seconds_Behind_Source} within {@code monitor.max-replica-lag}.
 * Probes run in parallel, off the event loops; routing only ever reads the published view.
 *
 * <p>A backend that refuses the connection or fails the probe is down at once. One that only
 * does not answer in time is judged by {@link SilentRounds}: down when it has been silent for
 * two rounds in a row and answered no client in the latest. On a saturated machine a healthy
 * server's probe can be late now and then, and taking it out would move every read to the
 * others and back a second later (or, for the master, fail writes, and in time fail over).
 * So a late probe is not abandoned at once: its connection waits on, and the next round asks
 * nothing new and takes the late answer as its own; only a probe unanswered in both rounds is
 * replaced. A server that answers within two rounds is never silent twice in a row; a hung one
 * (SIGSTOP) still is.
 */
public final class HealthChecker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HealthChecker.class);

  private final ProxyRuntime runtime;
  private final MonitorConfig monitor;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService probes;

  private final io.sluice.server.failover.FailoverCoordinator failovers;
  /** Set by close: a round then in progress publishes nothing and logs nothing. */
  private volatile boolean closing;
  /** When the master was first seen down in the current outage (System.nanoTime), or 0. */
  private long masterDownSince;
  /** An automatic failover failed in the current outage: writes fail at once until it ends. */
  private boolean failoverFailed;
  /** Which backends did not answer their probes in time, and for how long; checkAll's thread only. */
  private final SilentRounds silence = new SilentRounds();
  /**
   * Each replica's health in its latest probe that reached its source (by monitorKey): only
   * one that was in rotation then serves reads once the master is gone. checkAll's thread only.
   */
  private final java.util.Map<String, BackendHealth> healthWhileSourceReachable = new java.util.HashMap<>();

  public HealthChecker(ProxyRuntime runtime, MonitorConfig monitor,
      io.sluice.server.failover.FailoverCoordinator failovers) {
    this.runtime = runtime;
    this.monitor = monitor;
    this.failovers = failovers;
    this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "sluice-health"));
    this.probes = Executors.newCachedThreadPool(r -> daemon(r, "sluice-health-probe"));
  }

  public void start() {
    scheduler.scheduleWithFixedDelay(this::checkAll, 0, monitor.interval().toMillis(), TimeUnit.MILLISECONDS);
  }

  /** One round: probe all backends in parallel, publish the view if anything changed. */
  void checkAll() {
    boolean announced = false;
    try {
      ClusterView view = runtime.view();
      forgetRemovedBackends(view);
      long masterAnswered = answered(view.master());
      long[] replicasAnswered = view.replicas().stream().mapToLong(r -> answered(r.backend())).toArray();
      long roundStart = System.nanoTime();
      Pending master = pending(view.master());
      List<Pending> replicas = new ArrayList<>();
      for (BackendStatus r : view.replicas()) {
        if (r.health() == BackendHealth.OFFLINE) {
          inFlight.remove(inFlightKey(r.backend())); // what it answered before says nothing once it is back
          replicas.add(new Pending(null, new InFlight(java.util.concurrent.CompletableFuture.completedFuture(
              new Probe(BackendHealth.OFFLINE, r.lagMillis())), System.nanoTime()), 0));
        } else {
          replicas.add(pending(r.backend()));
        }
      }
      Probe masterResult = result(master, roundStart);
      if (closing) {
        return; // the probes were cut short by the shutdown, not by the backends
      }
      Probe masterProbe = settle(view.master(), view.masterHealth(), 0, masterResult, masterAnswered);
      ClusterView.Builder next = ClusterView.builder().readPolicyOf(view)
          .master(view.master(), masterProbe.health());
      runtime.healthReason(view.master().name(), reasonUnlessUp(masterProbe));
      boolean changed = view.masterHealth() != masterProbe.health();
      if (changed && !closing) {
        String line = "the master " + view.master().name() + " is now " + masterProbe.health() + " (was "
            + view.masterHealth() + ")" + (masterProbe.reason() == null ? "" : ": " + masterProbe.reason());
        if (masterProbe.health() == BackendHealth.UP) {
          log.info(line);
        } else {
          log.warn(line);
        }
      }
      for (int i = 0; i < replicas.size(); i++) {
        BackendStatus before = view.replicas().get(i);
        Probe replicaResult = result(replicas.get(i), roundStart);
        if (closing) {
          return;
        }
        Probe p = settle(before.backend(), before.health(), before.lagMillis(), replicaResult, replicasAnswered[i]);
        String key = monitorKey(before.backend());
        if (!p.sourceUnreachable() && !p.silent()) {
          healthWhileSourceReachable.put(key, p.health());
        }
        if (p.sourceUnreachable() && masterProbe.health() == BackendHealth.DOWN) {
          // The master is gone, so nothing newer exists anywhere: a replica that was within the
          // lag bound when it lost its source is as fresh as data can be until a failover, and
          // taking every replica out now would fail all reads. One that was lagging or stopped
          // before stays out: it would serve data older than the bound.
          if (healthWhileSourceReachable.get(key) == BackendHealth.UP) {
            p = new Probe(BackendHealth.UP, BackendStatus.UNKNOWN_LAG);
          } else {
            p = new Probe(BackendHealth.LAGGING, p.lagMillis(),
                "its source is down and it was not within max-replica-lag when it last reached it", false);
          }
        }
        next.replica(before.backend(), p.health(), p.lagMillis());
        runtime.healthReason(before.backend().name(), reasonUnlessUp(p));
        if (before.health() != p.health()) {
          log.info("backend {} is now {} (was {}){}", before.backend().name(), p.health(), before.health(),
              p.reason() == null ? "" : ": " + p.reason());
          changed = true;
        } else if (before.lagMillis() != p.lagMillis()) {
          changed = true;
        }
      }
      boolean masterDown = masterProbe.health() == BackendHealth.DOWN;
      if (masterDown) {
        holdForFailover(true); // before statements can see the master down, so none fails meanwhile
      }
      if (changed) {
        runtime.compareAndSetView(view, next.build()); // an admin change or reload in the meantime wins
      }
      if (!masterDown) {
        holdForFailover(false); // after the view says it is back: released statements go to it
      }
      // Before a failover, which may take seconds: a statement waiting for this verdict (see
      // ClientSession) then waits at the gate the round closed instead.
      announced = true;
      runtime.healthRoundDone();
      maybeFailOver(masterDown);
    } catch (RuntimeException | LinkageError | AssertionError e) {
      // Caught, not thrown: an exception out of a scheduleWithFixedDelay task silently ends
      // every later round, and a proxy without health checks would never notice a dead master.
      log.error("health check round failed", e);
    } finally {
      if (!announced) {
        runtime.healthRoundDone();
      }
    }
  }

  /**
   * Automatic failover (failover.auto): once the master has been down for failover.down-after,
   * the most advanced replica is promoted. A failed attempt is retried after another period.
   */
  private void maybeFailOver(boolean masterDown) {
    if (!masterDown) {
      masterDownSince = 0;
      failoverFailed = false;
      return;
    }
    long now = System.nanoTime();
    if (masterDownSince == 0) {
      masterDownSince = now;
    }
    var f = runtime.config().failover();
    if (f.auto() && now - masterDownSince >= f.downAfter().toNanos()) {
      masterDownSince = 0;
      try {
        log.warn("the master has been down for {} s: failing over", f.downAfter().toSeconds());
        failovers.failover();
      } catch (RuntimeException e) {
        // Held statements now get the master-down error, and so does every write until the
        // master answers or a retry succeeds: holding them for an attempt that may fail again
        // would only make the application wait longer for the same answer.
        failoverFailed = true;
        log.error("automatic failover failed, retrying after {}: {}", f.downAfter(), e.getMessage());
      } finally {
        runtime.masterGate().open(MasterGate.Hold.FAILOVER_DUE);
      }
    }
  }

  /**
   * While the master is down and the automatic failover is due, master-bound statements wait
   * for it (see {@link MasterGate.Hold#FAILOVER_DUE}) instead of failing at once.
   */
  private void holdForFailover(boolean masterDown) {
    MasterGate gate = runtime.masterGate();
    var f = runtime.config().failover();
    boolean hold = masterDown && f.auto() && !failoverFailed && !closing;
    if (hold && !gate.holds(MasterGate.Hold.FAILOVER_DUE)) {
      gate.close(MasterGate.Hold.FAILOVER_DUE);
      log.warn("statements bound for the master wait for the automatic failover (failover.down-after = {} s)"
          + " or for the master to answer again", f.downAfter().toSeconds());
    } else if (!hold) {
      gate.open(MasterGate.Hold.FAILOVER_DUE);
    }
  }

  /**
   * A probe of this round, or the one of the previous round if that one was not answered in its
   * round: a backend late to answer is not asked again on a new connection (a fresh login is
   * several more round trips, each as likely to be late on a saturated machine); its late
   * answer, come meanwhile or still to come, is this round's. Only for one more round: a probe
   * unanswered for two rounds is abandoned (see result), so that a connection cut without a
   * reset (a moved address, a rebooted host) does not hide a server that is back.
   */
  private Pending pending(Backend b) {
    InFlight earlier = inFlight.get(inFlightKey(b));
    if (earlier != null && System.nanoTime() - earlier.sinceNanos() < TimeUnit.MILLISECONDS.toNanos(lateAnswerMs())) {
      // Its login, if it needed one, had its allowance in its own round: one round trip now.
      return new Pending(b, earlier, roundTripWaitMs());
    }
    // On a kept connection the probe is one round trip; a new one first connects and logs in.
    long waitMs = connections.containsKey(monitorKey(b)) ? roundTripWaitMs() : loginWaitMs();
    InFlight f = new InFlight(probes.submit(() -> probe(b)), System.nanoTime());
    inFlight.put(inFlightKey(b), f);
    return new Pending(b, f, waitMs);
  }

  /** How long a round waits for a probe's answer on a kept connection. */
  private long roundTripWaitMs() {
    return monitor.timeout().toMillis() + 250;
  }

  /** How long a round waits for a probe that first connects and logs in (monitor.timeout each). */
  private long loginWaitMs() {
    return 2 * monitor.timeout().toMillis() + 500;
  }

  /** Two rounds' worth: how long a late answer is waited for, on its connection and in inFlight. */
  private long lateAnswerMs() {
    return 2 * (loginWaitMs() + monitor.interval().toMillis());
  }

  /** A probe and when it was sent. */
  private record InFlight(Future<Probe> probe, long sinceNanos) {}

  /** By role too: a replica's probe (replication status) says nothing of it as the new master. */
  private static String inFlightKey(Backend b) {
    return monitorKey(b) + " as " + b.role();
  }

  /** A probe of {@code backend} (null for one taken offline, not probed) and how long the round waits for it. */
  private record Pending(Backend backend, InFlight probe, long waitMs) {
    /** Waited for in an earlier round already. */
    boolean carriedOver(long roundStart) {
      return probe.sinceNanos() < roundStart;
    }
  }

  private Probe result(Pending p, long roundStart) {
    try {
      long left = p.waitMs() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - roundStart);
      Probe result = p.probe().probe().get(Math.max(0, left), TimeUnit.MILLISECONDS);
      if (p.backend() != null) {
        inFlight.remove(inFlightKey(p.backend()), p.probe());
      }
      return result;
    } catch (java.util.concurrent.TimeoutException e) {
      if (p.carriedOver(roundStart)) {
        // Unanswered for two rounds: the next round asks on a fresh connection. Aborting this
        // one ends the waiting probe (which then neither retries nor reconnects, see probeOnce).
        inFlight.remove(inFlightKey(p.backend()), p.probe());
        abort(connections.remove(monitorKey(p.backend())));
      }
      return Probe.silent("no answer in time");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // shutting down
      return Probe.silent("health checks stopping");
    } catch (java.util.concurrent.ExecutionException e) {
      if (p.backend() != null) {
        inFlight.remove(inFlightKey(p.backend()), p.probe());
      }
      // A fault in the probe itself, not silence: say what it was rather than wait rounds for it.
      return new Probe(BackendHealth.DOWN, BackendStatus.UNKNOWN_LAG, "health probe failed: " + e.getCause());
    }
  }

  /**
   * The probe's conclusion, except for a silent probe of a backend not down before, which
   * {@link SilentRounds} judges: meanwhile it keeps its state (health and lag).
   * {@code answeredBefore} is what the backend had answered clients when the round began.
   */
  private Probe settle(Backend b, BackendHealth before, long lagBefore, Probe p, long answeredBefore) {
    String key = monitorKey(b);
    boolean answeredClients = answered(b) > answeredBefore;
    SilentRounds.Verdict verdict = silence.next(key, p.silent(), answeredClients);
    if (!p.silent() || before == BackendHealth.DOWN) {
      return p;
    }
    switch (verdict) {
      case WAIT -> {
        log.info("backend {} did not answer the health check in time ({}); {}", b.name(), p.reason(),
            answeredClients ? "it answered clients meanwhile, so it stays for now"
                : "it is taken out if it stays silent for " + (SilentRounds.ROUNDS_BEFORE_DOWN - silence.silentFor(key))
                    + " round(s) more");
        return new Probe(before, lagBefore);
      }
      case UNCHECKED -> {
        if (b.role() == BackendRole.MASTER) {
          // Answered commands may all be reads while its writes hang (a lock, a full disk, a
          // semi-sync wait): after this long, a master silent to its probe is down.
          return p;
        }
        return new Probe(BackendHealth.LAGGING, lagBefore, "replication state unknown: the health check got no answer for "
            + silence.silentFor(key) + " rounds");
      }
      default -> {
        return p;
      }
    }
  }

  /** Commands {@code b} answered clients without an error so far (0 without metrics). */
  private long answered(Backend b) {
    var metrics = runtime.metrics();
    return metrics == null ? 0 : metrics.answered(b.name());
  }

  /** After a reload: no silence count and no monitor connection for a backend no longer configured. */
  private void forgetRemovedBackends(ClusterView view) {
    java.util.Set<String> keys = new java.util.HashSet<>();
    keys.add(monitorKey(view.master()));
    for (BackendStatus r : view.replicas()) {
      keys.add(monitorKey(r.backend()));
    }
    silence.retainOnly(keys);
    healthWhileSourceReachable.keySet().retainAll(keys);
    java.util.Set<String> probed = new java.util.HashSet<>();
    probed.add(inFlightKey(view.master()));
    view.replicas().forEach(r -> probed.add(inFlightKey(r.backend())));
    inFlight.keySet().retainAll(probed); // a backend that changed role is probed anew
    for (String key : List.copyOf(connections.keySet())) {
      if (!keys.contains(key)) {
        abort(connections.remove(key));
      }
    }
  }

  /** A timeout somewhere in the failure: the server may be slow rather than gone. */
  private static boolean timedOut(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.net.SocketTimeoutException || t instanceof java.sql.SQLTimeoutException) {
        return true;
      }
    }
    return false;
  }

  /** One monitor connection per backend, kept between rounds and replaced after any failure. */
  private final java.util.Map<String, Connection> connections = new java.util.concurrent.ConcurrentHashMap<>();
  /** Each backend's probe not yet taken into a round's verdict, by monitor key and role; checkAll's thread only. */
  private final java.util.Map<String, InFlight> inFlight = new java.util.HashMap<>();

  /**
   * A failed probe is repeated once on a fresh connection before it counts: the kept monitor
   * connection may have been cut (a restarted server, an idle timeout) while the server is fine.
   * A silent probe is not repeated (the rounds judge silence, see pending), nor one whose
   * connection the rounds or a shutdown took away.
   */
  private Probe probe(Backend b) {
    Probe first = probeOnce(b);
    return first.health() == BackendHealth.DOWN && !first.silent() && !closing ? probeOnce(b) : first;
  }

  private Probe probeOnce(Backend b) {
    Connection c = null;
    try {
      c = connections.get(monitorKey(b));
      if (c == null) {
        c = connect(b);
        if (closing) { // shut down while logging in: nothing may be left open
          close(c);
          return Probe.silent("health checks stopping");
        }
        Connection other = connections.putIfAbsent(monitorKey(b), c);
        if (other != null) { // a probe of an earlier round, late, connected meanwhile: use one
          close(c);
          c = other;
        }
      }
      try (Statement s = c.createStatement()) {
        if (failovers.mustFence(b.name())) {
          // A former master back after a failover must not take writes: its data forked.
          Flavor flavor = Flavor.ofVersion(c.getMetaData().getDatabaseProductVersion());
          for (String sql : Promotion.readOnlyStatements(flavor, true)) {
            s.execute(sql);
          }
          failovers.fenced(b.name());
          log.warn("fenced {} read-only: it was the master before a failover", b.name());
        }
        if (b.role() == BackendRole.MASTER) {
          boolean readOnly = readOnly(s);
          if (monitor.heartbeatTable().isPresent()) {
            try {
              beat(s, monitor.heartbeatTable().get());
            } catch (SQLException e) {
              // super_read_only keeps even the monitor out (1290), also when a switchover's
              // fence lands between the check and the beat: read-only, never down.
              if (!readOnly && e.getErrorCode() != ER_OPTION_PREVENTS_STATEMENT) {
                throw e;
              }
              readOnly = true;
            }
          }
          // A switchover fences the master for a moment: that is not news.
          return readOnly && !runtime.masterGate().holds(MasterGate.Hold.PROMOTION)
              ? new Probe(BackendHealth.READ_ONLY, 0, "read_only is ON: writes get its error 1290 until it is"
                  + " made writable (SET GLOBAL read_only = OFF) or another backend becomes the master")
              : new Probe(BackendHealth.UP, 0);
        }
        return replication(c, s);
      }
    } catch (SQLException e) {
      if (c != null && !connections.remove(monitorKey(b), c)) {
        // Not in the map any more: aborted by the rounds (unanswered for two) or by a shutdown,
        // which is why this failed. Silent, so that probe() does not log in again for it.
        return Probe.silent("abandoned after two rounds without an answer");
      }
      close(c);
      log.debug("health probe of {} failed", b.name(), e);
      return timedOut(e) ? Probe.silent(failure(e))
          : new Probe(BackendHealth.DOWN, BackendStatus.UNKNOWN_LAG, failure(e));
    }
  }

  private static String reasonUnlessUp(Probe p) {
    return p.health() == BackendHealth.UP ? null : p.reason() == null ? p.health().name().toLowerCase(java.util.Locale.ROOT) : p.reason();
  }

  /**
   * The server's message, and for the monitor account's own faults the keys to fix: alone,
   * "Access denied" on every backend reads like an outage of the whole cluster.
   */
  static String failure(SQLException e) {
    return switch (e.getErrorCode()) {
      case 1045 -> e.getMessage() + " (the monitor account cannot log in: check sluice.monitor.user and"
          + " sluice.monitor.password, and that the account exists on this server for Sluice's host)";
      case 1044, 1142, 1227 -> e.getMessage() + " (the monitor account lacks a privilege the health probe needs:"
          + " GRANT REPLICATION CLIENT ON *.* to it, or set sluice.monitor.user to an account that has it)";
      default -> e.getMessage() + rootCause(e);
    };
  }

  /**
   * Connector/J's "Communications link failure" says nothing of what failed: the cause at the
   * bottom does ("Connection refused", "Connection reset", "No route to host").
   */
  private static String rootCause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root == e) {
      return "";
    }
    String message = root.getMessage();
    return message != null && e.getMessage() != null && e.getMessage().contains(message)
        ? " (" + root.getClass().getName() + ")" : " (" + root + ")";
  }

  /** ER_OPTION_PREVENTS_STATEMENT: what read_only / super_read_only answer a write. */
  private static final int ER_OPTION_PREVENTS_STATEMENT = 1290;

  /** SHOW, not SELECT: the servers' Com_select counts only the applications'. */
  private static boolean readOnly(Statement s) throws SQLException {
    try (ResultSet rs = s.executeQuery("SHOW GLOBAL VARIABLES LIKE 'read_only'")) {
      return rs.next() && "ON".equalsIgnoreCase(rs.getString(2));
    }
  }

  /**
   * Heartbeat lag, as pt-heartbeat measures it: the master's probe stamps a row with its clock
   * each interval, and a replica's lag is its clock minus the stamp it has applied. Unlike
   * Seconds_Behind_Source it sees lag anywhere upstream (a relay) and through idle periods; it
   * reads up to one interval high, and assumes the servers' clocks agree.
   */
  private static void beat(Statement s, String table) throws SQLException {
    try {
      s.execute("INSERT INTO " + table + " (id, ts) VALUES (1, NOW(6)) ON DUPLICATE KEY UPDATE ts = NOW(6)");
    } catch (SQLException e) {
      if (e.getErrorCode() != 1146 && e.getErrorCode() != 1049) { // no such table / database yet
        throw e;
      }
      String schema = table.substring(0, table.indexOf('.'));
      s.execute("CREATE DATABASE IF NOT EXISTS " + schema);
      s.execute("CREATE TABLE IF NOT EXISTS " + table + " (id INT PRIMARY KEY, ts DATETIME(6) NOT NULL)");
      s.execute("INSERT INTO " + table + " (id, ts) VALUES (1, NOW(6)) ON DUPLICATE KEY UPDATE ts = NOW(6)");
    }
  }

  private static long heartbeatLag(Statement s, String table) {
    try (ResultSet rs = s.executeQuery("SELECT TIMESTAMPDIFF(MICROSECOND, ts, NOW(6)) FROM " + table + " WHERE id = 1")) {
      return rs.next() ? Math.max(0, rs.getLong(1) / 1000) : BackendStatus.UNKNOWN_LAG;
    } catch (SQLException e) {
      return BackendStatus.UNKNOWN_LAG; // not replicated here yet
    }
  }

  /** By address too: a reload may point a backend name at another server. */
  private static String monitorKey(Backend b) {
    return b.name() + "@" + b.address();
  }

  private Connection connect(Backend b) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", monitor.user());
    p.setProperty("password", monitor.password());
    p.setProperty("connectTimeout", String.valueOf(monitor.timeout().toMillis()));
    p.setProperty("socketTimeout", String.valueOf(monitor.timeout().toMillis())); // the login's
    p.setProperty("sslMode", "DISABLED");
    p.setProperty("allowPublicKeyRetrieval", "true");
    Connection c = DriverManager.getConnection("jdbc:mysql://" + b.address() + "/", p);
    // Logged in: the probes' answers may come late, which the rounds judge (see pending); the
    // connection waits on through two rounds, after which the rounds abandon it anyway.
    try {
      c.setNetworkTimeout(Runnable::run, (int) Math.min(Integer.MAX_VALUE, lateAnswerMs()));
    } catch (SQLException | RuntimeException e) {
      close(c);
      throw e;
    }
    return c;
  }

  /** Replication state, in MySQL 8.0.22+'s vocabulary or the older one (5.7, MariaDB). */
  private Probe replication(Connection c, Statement s) throws SQLException {
    boolean replicaWords = io.sluice.protocol.ServerVersions.isMysql8OrLater(c.getMetaData().getDatabaseProductVersion());
    try (ResultSet rs = s.executeQuery(replicaWords ? "SHOW REPLICA STATUS" : "SHOW SLAVE STATUS")) {
      if (!rs.next()) {
        return new Probe(BackendHealth.LAGGING, BackendStatus.UNKNOWN_LAG, "not configured as a replica");
      }
      String prefix = replicaWords ? "Replica_" : "Slave_";
      String ioState = rs.getString(prefix + "IO_Running");
      boolean io = "Yes".equalsIgnoreCase(ioState);
      // "Connecting": the receiver runs but cannot reach its source; "No": it was stopped.
      boolean connecting = "Connecting".equalsIgnoreCase(ioState);
      boolean sql = "Yes".equalsIgnoreCase(rs.getString(prefix + "SQL_Running"));
      long lagSeconds = rs.getLong(replicaWords ? "Seconds_Behind_Source" : "Seconds_Behind_Master");
      boolean lagKnown = !rs.wasNull();
      long lagMillis = lagKnown ? lagSeconds * 1000 : BackendStatus.UNKNOWN_LAG;
      if (monitor.heartbeatTable().isPresent() && io && sql) {
        lagMillis = heartbeatLag(s, monitor.heartbeatTable().get());
        lagKnown = lagMillis != BackendStatus.UNKNOWN_LAG;
        lagSeconds = lagMillis / 1000;
      }
      if (connecting && sql) {
        // Its source does not answer: fine to read from only while the master is down (see checkAll).
        return new Probe(BackendHealth.LAGGING, lagMillis, "cannot reach its source (IO thread connecting)", true);
      }
      if (!io || !sql) {
        return new Probe(BackendHealth.LAGGING, lagMillis, "replication threads IO=" + io + " SQL=" + sql);
      }
      if (!lagKnown || lagMillis > monitor.maxReplicaLag().toMillis()) {
        return new Probe(BackendHealth.LAGGING, lagMillis, "lag " + (lagKnown ? lagSeconds + " s" : "unknown"));
      }
      return new Probe(BackendHealth.UP, lagMillis);
    }
  }

  @Override
  public void close() {
    closing = true;
    scheduler.shutdownNow();
    probes.shutdownNow();
    runtime.masterGate().open(MasterGate.Hold.FAILOVER_DUE); // no failover is coming any more
    runtime.healthRoundDone(); // no verdict is coming either
    for (String key : List.copyOf(connections.keySet())) {
      abort(connections.remove(key)); // probes may be waiting on them
    }
  }

  /** Closes a connection no probe is using (the server sees a quit, not an aborted client). */
  private static void close(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // a broken monitor connection: nothing more to release
      }
    }
  }

  /**
   * Closes a connection a probe may still be waiting on for a late answer: Connector/J's close
   * would wait for that probe; abort closes the socket at once, and the probe's read fails.
   */
  private static void abort(Connection c) {
    if (c != null) {
      try {
        c.abort(Runnable::run);
      } catch (SQLException | RuntimeException ignored) {
        // an abandoned monitor connection: nothing more to release
      }
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** What one probe concluded. */
  record Probe(BackendHealth health, long lagMillis, String reason, boolean sourceUnreachable, boolean silent) {
    Probe(BackendHealth health, long lagMillis) {
      this(health, lagMillis, null, false, false);
    }

    Probe(BackendHealth health, long lagMillis, String reason) {
      this(health, lagMillis, reason, false, false);
    }

    Probe(BackendHealth health, long lagMillis, String reason, boolean sourceUnreachable) {
      this(health, lagMillis, reason, sourceUnreachable, false);
    }

    /** Down, because the backend did not answer in time (see settle). */
    static Probe silent(String reason) {
      return new Probe(BackendHealth.DOWN, BackendStatus.UNKNOWN_LAG, reason, false, true);
    }
  }
}
