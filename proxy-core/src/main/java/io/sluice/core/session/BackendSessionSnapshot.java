package io.sluice.core.session;

import java.util.LinkedHashMap;
import java.util.Map;

import io.sluice.core.sql.IsolationLevel;

/**
 * The session state one backend connection has, so that a session that borrows the
 * connection sends only what differs. Immutable; the connection replaces its snapshot.
 *
 * @param schema              current schema, or null
 * @param charset             connection charset setting
 * @param autocommit          autocommit on that connection
 * @param isolation           session isolation level, or null for the server default
 * @param transactionReadOnly session transaction_read_only, or null for the server default
 * @param variables           other session variables set on it: name to SQL value text, in order
 * @param lastInsertId        what LAST_INSERT_ID() returns there
 */
public record BackendSessionSnapshot(String schema, CharsetSetting charset, boolean autocommit, IsolationLevel isolation,
                                     Boolean transactionReadOnly, Map<String, String> variables, long lastInsertId) {

    public BackendSessionSnapshot {
        java.util.Objects.requireNonNull(charset, "charset");
        variables = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(variables));
    }

    /** A fresh connection: the handshake's schema and charset, server defaults for the rest. */
    public static BackendSessionSnapshot fresh(String schema, CharsetSetting charset) {
        return new BackendSessionSnapshot(schema, charset, true, null, null, Map.of(), 0);
    }

    /**
     * Statements that give this connection the parse settings of {@code other} (the charset,
     * the charset variables and sql_mode: what changes how a statement's text is read) and
     * change nothing else. Run them, then the reverse, and the connection is as it was.
     */
    public java.util.List<String> parseSettingsOf(BackendSessionSnapshot other) {
        return SessionSync.parseSettings(this, other);
    }

    /** This connection after a USE of {@code newSchema} and nothing else. */
    public BackendSessionSnapshot withSchema(String newSchema) {
        return new BackendSessionSnapshot(newSchema, charset, autocommit, isolation, transactionReadOnly, variables,
                lastInsertId);
    }

    /** This connection after it ran a statement whose OK reported {@code lastInsertId} (0: none). */
    public BackendSessionSnapshot withLastInsertIdFrom(long reportedLastInsertId) {
        if (reportedLastInsertId == 0) {
            return this;
        }
        return new BackendSessionSnapshot(schema, charset, autocommit, isolation, transactionReadOnly, variables,
                reportedLastInsertId);
    }
}
