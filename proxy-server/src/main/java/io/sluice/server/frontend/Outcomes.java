package io.sluice.server.frontend;

import io.sluice.core.session.StatementOutcome;
import io.sluice.protocol.packet.OkPacket;
import io.sluice.protocol.response.ResponseTracker;
import java.util.Map;

/** Reads what the server said at the end of a statement into the core's {@link StatementOutcome}. */
final class Outcomes {
  private Outcomes() {}

  static StatementOutcome of(ResponseTracker t) {
    return of(t, false);
  }

  /**
   * As above; {@code tracksSessionState} says whether the connection negotiated session-state
   * information, so that the absence of a state-change report means "nothing changed".
   */
  static StatementOutcome of(ResponseTracker t, boolean tracksSessionState) {
    if (t.isError()) {
      return StatementOutcome.error();
    }
    OkPacket ok = t.lastOk();
    if (ok == null) {
      // A result set ended by an EOF packet (client without DEPRECATE_EOF): flags only.
      return new StatementOutcome(true, t.lastStatusFlags(), 0, 0, null, Map.of(), null, null);
    }
    // MySQL reports the GTID a statement wrote (session_track_gtids=OWN_GTID); MariaDB reports
    // its last_gtid variable changing (session_track_system_variables).
    String gtids = ok.trackedGtids() != null ? ok.trackedGtids() : ok.trackedSystemVariables().get("last_gtid");
    return new StatementOutcome(true, ok.statusFlags(), ok.affectedRows(), ok.lastInsertId(), gtids,
        ok.trackedSystemVariables(), ok.trackedSchema(), ok.trackedTransactionState(),
        tracksSessionState ? ok.trackedStateChange() : null);
  }
}
