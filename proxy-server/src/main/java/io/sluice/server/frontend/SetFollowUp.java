package io.sluice.server.frontend;

import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.sluice.core.session.SessionState;
import io.sluice.core.session.StatementOutcome;
import io.sluice.core.sql.Classification;
import io.sluice.core.sql.StatementKind;
import io.sluice.core.sql.VariableAssignment;
import io.sluice.core.sql.VariableScope;
import io.sluice.protocol.response.ResponseTracker;
import io.sluice.server.backend.BackendConnection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Completes the outcome of a SET before the session records it, on the connection that ran it:
 * <ul>
 *   <li>a value written as an expression ({@code sql_mode = CONCAT(@@sql_mode, ',X')}) that the
 *       server's tracker did not report is read back with one {@code SELECT @@session...}, so
 *       the session can replay the value on other connections instead of pinning itself;</li>
 *   <li>a client's change of the session trackers (MariaDB Connector/J sets its own list) is
 *       undone, because Sluice relies on them on every connection.</li>
 * </ul>
 */
final class SetFollowUp {
  private SetFollowUp() {}

  static Future<StatementOutcome> outcome(Classification c, ResponseTracker tracker, BackendConnection conn) {
    StatementOutcome reported = Outcomes.of(tracker, conn.tracksSessionState());
    if (c.kind() != StatementKind.SET_SESSION || !reported.ok()) {
      return conn.channel().eventLoop().newSucceededFuture(reported);
    }
    Promise<StatementOutcome> done = conn.channel().eventLoop().newPromise();
    List<String> unread = new ArrayList<>();
    boolean trackersChanged = false;
    for (VariableAssignment a : c.assignments()) {
      if (a.scope() != VariableScope.SESSION) {
        continue;
      }
      if (SessionState.isProxyOwned(a.name())) {
        trackersChanged = true;
      } else if (!a.literal() && !reported.changedSystemVariables().containsKey(a.name())
          && a.name().matches("[a-z0-9_]+")) {
        unread.add(a.name());
      }
    }
    boolean restore = trackersChanged;
    Runnable readBack = () -> {
      if (unread.isEmpty()) {
        done.setSuccess(reported);
        return;
      }
      StringBuilder sql = new StringBuilder("SELECT ");
      for (int i = 0; i < unread.size(); i++) {
        sql.append(i == 0 ? "" : ", ").append("@@session.").append(unread.get(i));
      }
      conn.queryRows(sql.toString()).addListener(f -> {
        if (!f.isSuccess() || ((List<?>) f.getNow()).isEmpty()) {
          done.setSuccess(reported); // the session pins itself, which is always correct
          return;
        }
        @SuppressWarnings("unchecked")
        List<String> row = ((List<List<String>>) f.getNow()).get(0);
        Map<String, String> changed = new HashMap<>(reported.changedSystemVariables());
        for (int i = 0; i < unread.size(); i++) {
          if (row.get(i) != null) {
            changed.put(unread.get(i), row.get(i));
          }
        }
        done.setSuccess(new StatementOutcome(true, reported.serverStatusFlags(), reported.affectedRows(),
            reported.lastInsertId(), reported.gtids(), changed, reported.schema(), reported.transactionState()));
      });
    };
    if (restore) {
      conn.restoreSessionTracking().addListener(f -> readBack.run());
    } else {
      readBack.run();
    }
    return done;
  }
}
