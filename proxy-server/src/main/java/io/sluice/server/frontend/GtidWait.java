package io.sluice.server.frontend;

import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.sluice.core.sql.SqlLiterals;
import io.sluice.protocol.wire.Packet;
import io.sluice.server.backend.BackendConnection;
import java.util.List;

/**
 * Read-your-writes on a slave: before the read, the slave must have applied the session's last
 * written GTID. Waits a short bound on the slave itself (MySQL's WAIT_FOR_EXECUTED_GTID_SET,
 * MariaDB's MASTER_GTID_WAIT); if the slave is not there in time, the read goes to the master
 * instead ({@link NotYetApplied}). A slave once seen to have the GTID is not asked again; once
 * a slave has missed it, every slave is asked without waiting, so a session reading lagging
 * slaves pays the wait once per write, not once per read or per slave.
 */
final class GtidWait {
  /** How long a read waits for a slave to catch up before it is sent to the master. */
  static final double WAIT_SECONDS = 0.5;

  private GtidWait() {}

  /** The slave had not applied the GTID within the bound. */
  static final class NotYetApplied extends RuntimeException {
    NotYetApplied(String backend, String gtid) {
      super("backend " + backend + " has not applied " + gtid + " within " + WAIT_SECONDS + " s", null, false, false);
    }
  }

  static ClientSession.CommandBinder before(ClientSession session, String gtid, ClientSession.CommandBinder then) {
    return (conn, cmd) -> {
      // The master has its own writes (and MariaDB's MASTER_GTID_WAIT there would wait on
      // replication that a master does not run).
      boolean onMaster = conn.backendName().equals(session.runtime().view().master().name());
      if (onMaster || gtid.equals(session.gtidAppliedOn(conn.backendName()))) {
        return then.bind(conn, cmd);
      }
      Promise<Packet> bound = conn.channel().eventLoop().newPromise();
      // Once one slave has missed this write, the others are asked without waiting too: they
      // are likely as far behind, and each wait would cost the read another 0.5 s.
      boolean missedBefore = session.gtidMissedAnywhere(gtid);
      conn.queryRows(missedBefore ? checkSql(conn, gtid) : sql(conn, gtid)).addListener(q -> {
        @SuppressWarnings("unchecked")
        List<List<String>> rows = q.isSuccess() ? (List<List<String>>) q.getNow() : List.of();
        String result = rows.isEmpty() || rows.get(0).isEmpty() ? null : rows.get(0).get(0);
        if (!"0".equals(result)) {
          if (q.isSuccess()) {
            session.gtidMissed(conn.backendName(), gtid);
          }
          cmd.release();
          bound.setFailure(q.isSuccess() ? new NotYetApplied(conn.backendName(), gtid) : q.cause());
          return;
        }
        session.gtidApplied(conn.backendName(), gtid);
        Future<Packet> next = then.bind(conn, cmd);
        next.addListener(n -> {
          if (n.isSuccess()) {
            bound.setSuccess((Packet) n.getNow());
          } else {
            bound.setFailure(n.cause());
          }
        });
      });
      return bound;
    };
  }

  /**
   * After a write in a read-your-writes session whose client negotiated no session-state info
   * (Connector/J's default), the OK packet carries no GTID. The write has committed, so what
   * the master has executed now includes it: ask on another master connection (the session's
   * own keeps its warnings and row count for the app). It is a superset that may make a read
   * wait for other sessions' writes too, never for too little.
   */
  static Future<Void> learnAfterWrite(ClientSession session, io.sluice.core.sql.Classification c,
      io.sluice.core.session.StatementOutcome outcome, BackendConnection conn) {
    boolean onMaster = conn.backendName().equals(session.runtime().view().master().name());
    if (!onMaster || !session.session().mayHaveCommittedWrite(c, outcome)) {
      return conn.channel().eventLoop().newSucceededFuture(null);
    }
    Promise<Void> done = conn.channel().eventLoop().newPromise();
    String sql = conn.isMariaDb() ? "SELECT @@global.gtid_binlog_pos" : "SELECT @@global.gtid_executed";
    session.queryMasterAside(sql).addListener(q -> {
      if (q.isSuccess()) {
        @SuppressWarnings("unchecked")
        List<List<String>> rows = (List<List<String>>) q.getNow();
        String gtids = rows.isEmpty() || rows.get(0).isEmpty() ? null : rows.get(0).get(0);
        if (gtids != null && !gtids.isBlank()) {
          session.session().lastWrittenGtid(gtids.replace("\n", ""));
        }
      }
      // Without an answer the previous GTID stays; the next write tries again.
      done.setSuccess(null);
    });
    return done;
  }

  /** Whether the slave has applied {@code gtid} now, without waiting: 0 if it has, like {@link #sql}. */
  static String checkSql(BackendConnection conn, String gtid) {
    String literal = SqlLiterals.quoteString(gtid);
    if (conn.isMariaDb()) {
      return "SELECT MASTER_GTID_WAIT(" + literal + ", 0)";
    }
    return "SELECT IF(GTID_SUBSET(" + literal + ", @@GLOBAL.gtid_executed), 0, 1)";
  }

  static String sql(BackendConnection conn, String gtid) {
    String literal = SqlLiterals.quoteString(gtid);
    if (conn.isMariaDb()) {
      return "SELECT MASTER_GTID_WAIT(" + literal + ", " + WAIT_SECONDS + ")";
    }
    // 5.7 takes whole seconds only.
    String timeout = conn.serverVersion() != null && conn.serverVersion().startsWith("5.") ? "1" : String.valueOf(WAIT_SECONDS);
    return "SELECT WAIT_FOR_EXECUTED_GTID_SET(" + literal + ", " + timeout + ")";
  }
}
