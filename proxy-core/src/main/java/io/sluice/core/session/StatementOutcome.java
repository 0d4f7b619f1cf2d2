package io.sluice.core.session;

import java.util.Map;

/**
 * What the backend said at the end of a statement, as the server read it from the final
 * OK/EOF (or ERR) packet and its session-state information.
 *
 * @param ok                     false for an ERR packet; then the flags and the rest are unknown
 * @param serverStatusFlags      the status flags of the final OK/EOF packet
 * @param affectedRows           from the OK packet
 * @param lastInsertId           from the OK packet; 0 when the statement generated none
 * @param gtids                  SESSION_TRACK_GTIDS content, or null
 * @param changedSystemVariables SESSION_TRACK_SYSTEM_VARIABLES pairs (lower-case names), possibly empty
 * @param schema                 SESSION_TRACK_SCHEMA, or null
 * @param transactionState       SESSION_TRACK_TRANSACTION_STATE (8 characters), or null
 * @param sessionStateChanged    SESSION_TRACK_STATE_CHANGE: whether the statement changed session
 *                               state the server tracks (temporary tables, user variables, ...);
 *                               null when the connection carries no session-state information
 */
public record StatementOutcome(boolean ok, int serverStatusFlags, long affectedRows, long lastInsertId, String gtids,
                               Map<String, String> changedSystemVariables, String schema, String transactionState,
                               Boolean sessionStateChanged) {

    public StatementOutcome {
        changedSystemVariables = changedSystemVariables == null ? Map.of() : Map.copyOf(changedSystemVariables);
    }

    /** Without state-change information. */
    public StatementOutcome(boolean ok, int serverStatusFlags, long affectedRows, long lastInsertId, String gtids,
                            Map<String, String> changedSystemVariables, String schema, String transactionState) {
        this(ok, serverStatusFlags, affectedRows, lastInsertId, gtids, changedSystemVariables, schema, transactionState,
                null);
    }

    /** An OK with only status flags. */
    public static StatementOutcome ok(int serverStatusFlags) {
        return new StatementOutcome(true, serverStatusFlags, 0, 0, null, Map.of(), null, null);
    }

    /** An ERR packet: the statement failed and the server did not report its state. */
    public static StatementOutcome error() {
        return new StatementOutcome(false, 0, 0, 0, null, Map.of(), null, null);
    }

    public boolean has(int flag) {
        return ServerStatusFlags.has(serverStatusFlags, flag);
    }

    /** SESSION_TRACK_TRANSACTION_STATE's last character is 'L' while LOCK TABLES holds tables. */
    public Boolean tablesLockedByTrackedState() {
        if (transactionState == null || transactionState.length() != 8) {
            return null;
        }
        return transactionState.charAt(7) == 'L';
    }
}
