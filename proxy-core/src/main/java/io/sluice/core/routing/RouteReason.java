package io.sluice.core.routing;

import java.util.Locale;

/** Why a statement went where it went; also the metrics tag. */
public enum RouteReason {
    /** Plain read on a slave by weighted round robin. */
    READ,
    /** A {@code /*slave*}{@code /} hint on a plain read. */
    HINT_SLAVE,
    /** A READ ONLY transaction: started on a slave and kept there until it ends. */
    READ_ONLY_TRANSACTION,
    /** SHOW WARNINGS, FOUND_ROWS() and friends: to the backend that ran the previous statement. */
    PREVIOUS_STATEMENT,
    WRITE,
    IN_TRANSACTION,
    /** autocommit=0: every statement is part of a transaction on the master. */
    AUTOCOMMIT_OFF,
    PINNED,
    HINT_MASTER,
    LOCKING_READ,
    SIDE_EFFECT,
    USER_VARIABLE,
    /** The statement asks about one server (read_only, binlog position, processlist). */
    SERVER_SPECIFIC,
    NO_USABLE_SLAVE,
    CONSISTENCY_PRIMARY,
    SERIALIZABLE,
    TEMP_TABLE,
    MULTI_STATEMENT,
    CALL,
    /** SET, USE, PREPARE...: run on the master, recorded by the session for other connections. */
    SESSION_COMMAND,
    /**
     * SET or USE while the master is down: any server checks and applies it as well, so it runs
     * on a slave and a session that only reads (a new connection's SETs) goes on.
     */
    SESSION_COMMAND_MASTER_DOWN,
    /** A statement that implicitly commits while a read-only transaction is open on a slave. */
    ENDS_SLAVE_TRANSACTION,
    NOT_UNDERSTOOD,
    /** SET TRANSACTION for the next transaction: the proxy records it and answers OK itself. */
    NEXT_TRANSACTION_SETTINGS,
    /** {@code SET sluice_...}: a setting of the proxy's own, answered by the proxy. */
    PROXY_SETTING;

    /** Lower-case name for metric tags. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
