package io.sluice.core.session;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.sluice.core.sql.Classification;
import io.sluice.core.sql.IsolationLevel;
import io.sluice.core.sql.SqlLiterals;
import io.sluice.core.sql.Trait;

/**
 * Computes the statements that bring a backend connection from its snapshot to the
 * session's state, sending only what differs, in an order that cannot undo itself:
 * USE, then SET NAMES (which resets the character_set_* variables), then one SET SESSION.
 */
final class SessionSync {

    private SessionSync() {
    }

    static List<String> statements(SessionState session, BackendSessionSnapshot current, Classification next) {
        if (session.matches(current) && (next == null || (nextTransactionSettings(session, next) == null
                && !(next.has(Trait.LAST_INSERT_ID) && session.lastInsertId() != current.lastInsertId())))) {
            return List.of(); // the usual case: the connection already has the session's state
        }
        List<String> out = new ArrayList<>();
        if (session.schema() != null && !session.schema().equals(current.schema())) {
            out.add("USE " + SqlLiterals.quoteIdentifier(session.schema()));
        }

        Map<String, String> wanted = session.variables();
        Map<String, String> has = new LinkedHashMap<>(current.variables());
        charset(session.charset(), wanted, current.charset(), has, out);

        Map<String, String> assignments = new LinkedHashMap<>();
        if (session.autocommit() != current.autocommit()) {
            assignments.put("autocommit", session.autocommit() ? "1" : "0");
        }
        if (session.isolation() != current.isolation()) {
            assignments.put("transaction_isolation", isolationValue(session.isolation()));
        }
        if (!Objects.equals(session.sessionReadOnlySetting(), current.transactionReadOnly())) {
            Boolean readOnly = session.sessionReadOnlySetting();
            assignments.put("transaction_read_only", readOnly == null ? "DEFAULT" : readOnly ? "1" : "0");
        }
        variables(wanted, has, assignments);
        setSession(assignments, out);

        if (next != null) {
            String nextTransaction = nextTransactionSettings(session, next);
            if (nextTransaction != null) {
                out.add(nextTransaction);
            }
            if (next.has(Trait.LAST_INSERT_ID) && session.lastInsertId() != current.lastInsertId()) {
                // LAST_INSERT_ID(n) makes the connection report n; DO returns no result set.
                out.add("DO LAST_INSERT_ID(" + session.lastInsertId() + ")");
            }
        }
        return out;
    }

    /**
     * Statements that give a connection in state {@code from} the parse settings of {@code to}
     * (SET NAMES, the charset variables, sql_mode), leaving the rest of its state alone.
     */
    static List<String> parseSettings(BackendSessionSnapshot from, BackendSessionSnapshot to) {
        List<String> out = new ArrayList<>();
        Map<String, String> wanted = parseVariables(to.variables());
        Map<String, String> has = parseVariables(from.variables());
        charset(to.charset(), wanted, from.charset(), has, out);
        Map<String, String> assignments = new LinkedHashMap<>();
        variables(wanted, has, assignments);
        setSession(assignments, out);
        return out;
    }

    /**
     * SET NAMES when the charset or the charset variables differ; it resets those variables,
     * so they are then gone from {@code has}.
     */
    private static void charset(CharsetSetting wanted, Map<String, String> wantedVariables, CharsetSetting has,
            Map<String, String> hasVariables, List<String> out) {
        if (!wanted.equals(has) || !charsetVariables(wantedVariables).equals(charsetVariables(hasVariables))) {
            out.add(wanted.toSql());
            hasVariables.keySet().removeAll(SessionVariables.CHARSET_VARIABLES);
        }
    }

    /** The variables whose value differs, and those only {@code has} has, back to the server's default. */
    private static void variables(Map<String, String> wanted, Map<String, String> has, Map<String, String> assignments) {
        wanted.forEach((name, value) -> {
            if (!value.equals(has.get(name))) {
                assignments.put(name, value);
            }
        });
        for (String name : has.keySet()) {
            if (!wanted.containsKey(name)) {
                // Left behind by another session: back to the server's default.
                assignments.put(name, resetValue(name));
            }
        }
    }

    /** One SET SESSION with every assignment, if there are any. */
    private static void setSession(Map<String, String> assignments, List<String> out) {
        if (!assignments.isEmpty()) {
            StringBuilder set = new StringBuilder("SET SESSION ");
            assignments.forEach((name, value) -> set.append(name).append(" = ").append(value).append(", "));
            set.setLength(set.length() - 2);
            out.add(set.toString());
        }
    }

    private static Map<String, String> parseVariables(Map<String, String> variables) {
        Map<String, String> out = new LinkedHashMap<>();
        variables.forEach((name, value) -> {
            // As in the backend statement cache's key (BackendStatements.key).
            if (name.equals("sql_mode") || name.startsWith("character_set_") || name.startsWith("collation_")) {
                out.put(name, value);
            }
        });
        return out;
    }

    /**
     * Variables whose SET SESSION x = DEFAULT does not give the global value: MySQL 5.7 and 8.0
     * set foreign_key_checks and unique_checks to OFF (seen on 5.7.22 and 8.0.31; MariaDB 10.11
     * gives the global value). Both have a global value on every supported server.
     */
    private static final java.util.Set<String> RESET_TO_GLOBAL = java.util.Set.of("foreign_key_checks", "unique_checks");

    /** The value that gives a session variable another session set back its server default. */
    private static String resetValue(String name) {
        return RESET_TO_GLOBAL.contains(name) ? "@@GLOBAL." + name : "DEFAULT";
    }

    private static Map<String, String> charsetVariables(Map<String, String> variables) {
        Map<String, String> out = new LinkedHashMap<>();
        variables.forEach((name, value) -> {
            if (SessionVariables.CHARSET_VARIABLES.contains(name)) {
                out.put(name, value);
            }
        });
        return out;
    }

    private static String isolationValue(IsolationLevel level) {
        return level == null ? "DEFAULT" : SqlLiterals.quoteString(level.sql().replace(' ', '-'));
    }

    /** SET TRANSACTION for the next transaction, when {@code next} is that transaction. */
    private static String nextTransactionSettings(SessionState session, Classification next) {
        if (!session.syncsNextTransactionSettings(next)) {
            return null;
        }
        IsolationLevel isolation = session.nextTransactionIsolation();
        Boolean readOnly = session.nextTransactionReadOnlySetting();
        List<String> parts = new ArrayList<>();
        if (isolation != null) {
            parts.add("ISOLATION LEVEL " + isolation.sql());
        }
        if (readOnly != null) {
            parts.add(readOnly ? "READ ONLY" : "READ WRITE");
        }
        return "SET TRANSACTION " + String.join(", ", parts);
    }
}
