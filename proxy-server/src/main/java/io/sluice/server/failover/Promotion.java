package io.sluice.server.failover;

import io.sluice.bootstrap.BootstrapException;
import io.sluice.bootstrap.flavor.Flavor;
import io.sluice.bootstrap.flavor.ReplicationDialect;
import io.sluice.bootstrap.registration.AdminSession;
import io.sluice.bootstrap.registration.ReadOnlyMode;
import io.sluice.core.cluster.Backend;
import io.sluice.core.cluster.BackendHealth;
import io.sluice.core.cluster.BackendRole;
import io.sluice.core.cluster.BackendStatus;
import io.sluice.core.cluster.ClusterView;
import io.sluice.server.config.HostPort;
import io.sluice.server.config.ProxyConfig;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a replica the master, with the servers' own GTIDs as the measure of who has what.
 *
 * <p>Switchover (the master answers): fence the master read-only, wait until the chosen replica
 * has applied everything the master executed, promote it, repoint the master's other replicas
 * and the old master itself to it. No acknowledged write is lost.
 *
 * <p>Failover (the master is confirmed down): stop every replica's receiver, let each apply its
 * relay log, promote the one that has executed the most, repoint the others to it. The old
 * master is listed as a slave that takes no reads, and is fenced read-only if it comes back.
 * Writes acknowledged by the old master but never received by any replica are lost; the
 * caller reports how many were measured in the failover test.
 */
public final class Promotion {
  private static final Logger log = LoggerFactory.getLogger(Promotion.class);
  private static final Duration CATCH_UP = Duration.ofSeconds(30);

  private final ProxyConfig.MonitorConfig admin;
  private final ProxyConfig.FailoverConfig failover;

  public Promotion(ProxyConfig.MonitorConfig admin, ProxyConfig.FailoverConfig failover) {
    this.admin = admin;
    this.failover = failover;
  }

  /** What a promotion did: the new view and a one-line account. */
  public record Result(ClusterView view, String summary) {}

  /**
   * @param promoted told the new view as soon as the candidate is writable, before the other
   *     replicas are re-pointed: writes held during the switch go on at once, and a failure
   *     while re-pointing cannot leave the proxy sending writes to the fenced old master
   */
  public Result switchover(ClusterView view, String candidateName, Consumer<ClusterView> promoted) {
    BackendStatus candidate = view.replica(candidateName)
        .orElseThrow(() -> new IllegalArgumentException("no replica named " + candidateName));
    if (candidate.health() != BackendHealth.UP) {
      throw new IllegalStateException(candidateName + " is " + candidate.health().name().toLowerCase()
          + "; switch over only to a healthy replica");
    }
    Backend oldMaster = view.master();
    Backend newMaster = candidate.backend();
    if (view.isDown(oldMaster.name())) {
      throw new IllegalStateException("the master " + oldMaster.name() + " is down, so it cannot be fenced and"
          + " caught up with; use FAILOVER (sluice admin -c FILE FAILOVER), which promotes the most advanced slave");
    }
    try (AdminSession m = open(oldMaster); AdminSession c = open(newMaster)) {
      Flavor flavor = flavorOf(m);
      boolean[] published = {false};
      boolean[] promoting = {false};
      try {
        return switchover(view, m, c, newMaster, flavor, () -> promoting[0] = true, next -> {
          promoted.accept(next);
          published[0] = true;
        });
      } catch (SQLException | BootstrapException e) {
        if (promoting[0] && !published[0]) {
          // Half-promoted: the candidate may no longer replicate. Making the old master writable
          // again would let the two drift apart; it stays fenced until someone repairs this.
          throw new IllegalStateException("switchover to " + candidateName + " failed while promoting it: "
              + e.getMessage() + "; " + oldMaster.name() + " stays read-only and the master in the view; check "
              + candidateName + " (SHOW REPLICA STATUS, read_only) and finish or undo the promotion by hand", e);
        }
        if (published[0]) {
          throw new IllegalStateException("switched over to " + candidateName + ", which takes the writes now, but"
              + " re-pointing the other servers at it failed: " + e.getMessage() + "; point them at " + candidateName
              + " by hand (CHANGE REPLICATION SOURCE TO ... SOURCE_AUTO_POSITION = 1)", e);
        }
        throw new IllegalStateException("switchover to " + candidateName + " failed: " + e.getMessage()
            + unfence(m, flavor, oldMaster), e);
      }
    } catch (SQLException | BootstrapException e) {
      throw new IllegalStateException("switchover to " + candidateName + " failed: " + e.getMessage()
          + "; nothing changed", e);
    }
  }

  /** The switchover proper, on sessions open on the master ({@code m}) and the candidate ({@code c}). */
  private Result switchover(ClusterView view, AdminSession m, AdminSession c, Backend newMaster, Flavor flavor,
      Runnable promoting, Consumer<ClusterView> promoted) throws SQLException {
    Backend oldMaster = view.master();
    ReplicationDialect d = flavor.dialect();
    readOnly(m, flavor, true);
    String executed = m.value(d.executedGtidsQuery());
    if (!"0".equals(c.value(d.waitForGtidsQuery(), executed, CATCH_UP.toSeconds()))) {
      readOnly(m, flavor, false);
      throw new IllegalStateException(newMaster.name() + " did not apply the master's " + executed + " within "
          + CATCH_UP.toSeconds() + " s; the master is writable again and nothing changed");
    }
    promoting.run();
    promote(c, flavor);
    ClusterView next = swapped(view, newMaster, oldMaster, BackendHealth.LAGGING);
    promoted.accept(next);
    List<String> repointed = repointReplicasOf(view, oldMaster, newMaster, flavor, executed);
    // The old master follows the new one: it has exactly the new master's data.
    if (flavor.isMariaDb()) {
      m.execute("SET GLOBAL gtid_slave_pos = @@GLOBAL.gtid_binlog_pos");
    }
    m.execute(d.changeSource(newMaster.host(), newMaster.port(), failover.replicationUser(),
        failover.replicationPassword()));
    m.execute(d.startReplica());
    String summary = "switched over from " + oldMaster.name() + " to " + newMaster.name() + " at " + executed
        + "; repointed " + (repointed.isEmpty() ? "no other replicas" : String.join(", ", repointed))
        + " and " + oldMaster.name();
    log.warn(summary);
    return new Result(next, summary);
  }

  /** After a failure between the fence and the promotion: the old master takes writes again. */
  private static String unfence(AdminSession fenced, Flavor flavor, Backend oldMaster) {
    try {
      readOnly(fenced, flavor, false);
      return "; " + oldMaster.name() + " is writable again and stays the master";
    } catch (RuntimeException again) {
      return "; " + oldMaster.name() + " stays the master but may still be read-only (" + again.getMessage() + ")";
    }
  }

  public Result failover(ClusterView view) {
    Backend oldMaster = view.master();
    Map<Backend, AdminSession> alive = new LinkedHashMap<>();
    try {
      for (BackendStatus r : view.replicas()) {
        if (r.health() == BackendHealth.DOWN || r.health() == BackendHealth.OFFLINE) {
          continue;
        }
        AdminSession s;
        try {
          s = open(r.backend());
        } catch (SQLException e) {
          log.warn("failover: replica {} cannot be reached and is left out: {}", r.backend().name(), e.getMessage());
          continue;
        }
        // Only a server that replicates can hold what the master wrote: a former master fenced
        // after an earlier failover (replicating from nothing) has neither those writes nor a
        // history the others share.
        Optional<Map<String, String>> status = s.firstRow(flavorOf(s).dialect().showReplicaStatus());
        if (status.isEmpty()) {
          log.warn("failover: {} is left out: it is not configured as a replica", r.backend().name());
          s.close();
          continue;
        }
        String delay = status.get().get("SQL_Delay");
        if (delay != null && !delay.equals("0")) {
          // A delayed replica is behind on purpose: it would hold up the failover by its delay.
          log.warn("failover: {} is left out: it applies {} s behind on purpose (SQL_Delay)", r.backend().name(), delay);
          s.close();
          continue;
        }
        alive.put(r.backend(), s);
      }
      if (alive.isEmpty()) {
        throw new IllegalStateException("no replica answers; nothing to promote");
      }
      Flavor flavor = flavorOf(alive.values().iterator().next());
      ReplicationDialect d = flavor.dialect();
      // Nothing more will arrive from a dead master: stop receiving and apply what was received.
      // A replica that cannot apply all of it (its applier stopped by hand, blocked by a lock)
      // stops the failover: promoting it would throw away acknowledged writes it received.
      Map<Backend, String> executed = new LinkedHashMap<>();
      Backend chosen;
      try {
        for (Map.Entry<Backend, AdminSession> e : alive.entrySet()) {
          AdminSession s = e.getValue();
          s.execute(d.stopIoThread());
          s.execute(d.startSqlThread());
          awaitRelayLogApplied(s, d);
          executed.put(e.getKey(), s.value(d.executedGtidsQuery()));
        }
        chosen = mostAdvanced(executed, flavor, alive.values().iterator().next());
      } catch (RuntimeException e) {
        for (AdminSession s : alive.values()) {
          try {
            s.execute(d.startReplica()); // as they were: receiving again once the master returns
          } catch (RuntimeException again) {
            log.warn("failover: could not restart replication on {}: {}", s.label(), again.getMessage());
          }
        }
        throw e;
      }
      AdminSession c = alive.get(chosen);
      promote(c, flavor);
      List<String> repointed = new ArrayList<>();
      for (Map.Entry<Backend, AdminSession> e : alive.entrySet()) {
        if (e.getKey().equals(chosen)) {
          continue;
        }
        AdminSession s = e.getValue();
        s.execute(d.stopReplica());
        s.execute(d.changeSource(chosen.host(), chosen.port(), failover.replicationUser(), failover.replicationPassword()));
        s.execute(d.startReplica());
        repointed.add(e.getKey().name());
      }
      ClusterView next = swapped(view, chosen, oldMaster, BackendHealth.DOWN);
      String summary = "failed over from " + oldMaster.name() + " to " + chosen.name() + " (executed "
          + executed.get(chosen) + "); repointed " + (repointed.isEmpty() ? "no other replicas" : String.join(", ", repointed))
          + "; " + oldMaster.name() + " will be fenced read-only if it comes back";
      log.warn(summary);
      return new Result(next, summary);
    } catch (BootstrapException e) {
      throw new IllegalStateException("failover failed: " + e.getMessage(), e);
    } finally {
      alive.values().forEach(AdminSession::close);
    }
  }

  /**
   * Makes the server read-only (or writable again), also for accounts with SUPER; on MySQL 8
   * persisted, so a restarted server keeps its new role rather than the read_only of its my.cnf
   * (a promoted slave's says ON). MySQL 5.7 and MariaDB have no SET PERSIST: their my.cnf must
   * be changed by the operator (the sandbox does it for its own servers on its next up).
   */
  public static void readOnly(AdminSession s, Flavor flavor, boolean on) {
    ReadOnlyMode.set(s, flavor, on, true);
  }

  /** The statements of {@link #readOnly}, for the health checks' own JDBC connections. */
  public static List<String> readOnlyStatements(Flavor flavor, boolean on) {
    return ReadOnlyMode.statements(flavor, on, true);
  }

  private void promote(AdminSession c, Flavor flavor) {
    ReplicationDialect d = flavor.dialect();
    c.execute(d.stopReplica());
    c.execute(flavor == Flavor.MYSQL_80 ? "RESET REPLICA ALL" : "RESET SLAVE ALL");
    readOnly(c, flavor, false);
  }

  /** Points every healthy replica whose source was {@code oldMaster} at {@code newMaster}. */
  private List<String> repointReplicasOf(ClusterView view, Backend oldMaster, Backend newMaster, Flavor flavor,
      String executed) throws SQLException {
    ReplicationDialect d = flavor.dialect();
    List<String> repointed = new ArrayList<>();
    for (BackendStatus r : view.replicas()) {
      Backend b = r.backend();
      if (b.equals(newMaster) || r.health() == BackendHealth.DOWN) {
        continue;
      }
      try (AdminSession s = open(b)) {
        Optional<Map<String, String>> status = s.firstRow(d.showReplicaStatus());
        boolean followsOldMaster = status.isPresent()
            && String.valueOf(oldMaster.port()).equals(status.get().get(d.sourcePortColumn()))
            && sameHost(oldMaster.host(), status.get().get(d.sourceHostColumn()));
        if (!followsOldMaster) {
          continue; // fed by a relay, which keeps feeding it
        }
        s.value(d.waitForGtidsQuery(), executed, CATCH_UP.toSeconds());
        s.execute(d.stopReplica());
        s.execute(d.changeSource(newMaster.host(), newMaster.port(), failover.replicationUser(),
            failover.replicationPassword()));
        s.execute(d.startReplica());
        repointed.add(b.name());
      }
    }
    return repointed;
  }

  private static boolean sameHost(String a, String b) {
    return a != null && b != null && !a.isBlank() && !b.isBlank() && new HostPort(a, 1).canonical().equals(new HostPort(b, 1).canonical());
  }

  /** Polls until the SQL thread has executed everything the IO thread had received. */
  private static void awaitRelayLogApplied(AdminSession s, ReplicationDialect d) {
    long deadline = System.nanoTime() + CATCH_UP.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<Map<String, String>> row = s.firstRow(d.showReplicaStatus());
      if (row.isEmpty()) {
        return;
      }
      Map<String, String> r = row.get();
      String read = first(r, "Read_Source_Log_Pos", "Read_Master_Log_Pos");
      String exec = first(r, "Exec_Source_Log_Pos", "Exec_Master_Log_Pos");
      String readFile = first(r, "Source_Log_File", "Master_Log_File");
      String execFile = first(r, "Relay_Source_Log_File", "Relay_Master_Log_File");
      if (read != null && read.equals(exec) && readFile != null && readFile.equals(execFile)) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    throw new IllegalStateException(s.label() + " did not finish applying its relay log within "
        + CATCH_UP.toSeconds() + " s (is its applier stopped or blocked by a lock?); nothing was promoted,"
        + " replication was restarted, and the failover is retried after failover.down-after");
  }

  private static String first(Map<String, String> row, String a, String b) {
    return row.containsKey(a) ? row.get(a) : row.get(b);
  }

  /** The replica whose executed GTIDs include every other's (MySQL), or the furthest position (MariaDB). */
  private static Backend mostAdvanced(Map<Backend, String> executed, Flavor flavor, AdminSession any) {
    Backend best = null;
    for (Backend candidate : executed.keySet()) {
      if (best == null) {
        best = candidate;
        continue;
      }
      String mine = executed.get(candidate);
      String theirs = executed.get(best);
      boolean ahead = flavor.isMariaDb()
          ? mariaDbSequence(mine) > mariaDbSequence(theirs)
          : "1".equals(any.value("SELECT GTID_SUBSET(?, ?)", theirs, mine))
              && !"1".equals(any.value("SELECT GTID_SUBSET(?, ?)", mine, theirs));
      if (ahead) {
        best = candidate;
      }
    }
    if (!flavor.isMariaDb()) {
      // The one promoted must have every transaction any other has: when histories forked
      // (a former master's own writes), promoting either would drop the other's.
      for (Map.Entry<Backend, String> other : executed.entrySet()) {
        if (!"1".equals(any.value("SELECT GTID_SUBSET(?, ?)", other.getValue(), executed.get(best)))) {
          throw new IllegalStateException("the replicas' histories have forked: " + other.getKey().name()
              + " has transactions " + best.name() + " lacks (" + any.value("SELECT GTID_SUBTRACT(?, ?)",
              other.getValue(), executed.get(best)) + "); nothing was promoted; choose the master by hand"
              + " (SWITCHOVER after removing the other, or repair it)");
        }
      }
    }
    return best;
  }

  /** Sum of the sequence numbers of a MariaDB GTID position ("0-1-42,1-2-7"). */
  static long mariaDbSequence(String position) {
    long sum = 0;
    for (String gtid : position.split(",")) {
      String[] parts = gtid.trim().split("-");
      if (parts.length == 3) {
        sum += Long.parseLong(parts[2]);
      }
    }
    return sum;
  }

  /** The view with {@code newMaster} as master and {@code oldMaster} listed as a slave. */
  private static ClusterView swapped(ClusterView view, Backend newMaster, Backend oldMaster, BackendHealth oldHealth) {
    ClusterView.Builder b = ClusterView.builder().readPolicyOf(view)
        .master(new Backend(newMaster.name(), newMaster.host(), newMaster.port(), BackendRole.MASTER, newMaster.weight()),
            BackendHealth.UP);
    for (BackendStatus r : view.replicas()) {
      if (!r.backend().equals(newMaster)) {
        b.replica(r.backend(), r.health(), r.lagMillis());
      }
    }
    b.replica(new Backend(oldMaster.name(), oldMaster.host(), oldMaster.port(), BackendRole.SLAVE,
        Math.max(1, newMaster.weight())), oldHealth, BackendStatus.UNKNOWN_LAG);
    return b.build();
  }

  private AdminSession open(Backend b) throws SQLException {
    return AdminSession.open(b.name(), b.host(), b.port(), admin.user(), admin.password(), Duration.ofSeconds(5));
  }

  static Flavor flavorOf(AdminSession s) {
    return Flavor.ofVersion(s.value("SELECT VERSION()"));
  }
}
