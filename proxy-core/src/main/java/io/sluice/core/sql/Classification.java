package io.sluice.core.sql;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What the classifier learned about one COM_QUERY text. It predicts; the server's status
 * flags and session-state information in the response are the truth.
 *
 * @param kind                  what the statement does
 * @param traits                facts that constrain routing or change what the session keeps
 * @param hint                  a leading master/slave hint comment
 * @param assignments           SET assignments in the order written (SET_SESSION only)
 * @param charsetChange         SET NAMES / SET CHARACTER SET, or null
 * @param transactionSettings   SET TRANSACTION characteristics, or null
 * @param schema                the schema of a USE statement, or null
 * @param tables                tables referenced, lower-case, {@code schema.table} when qualified
 * @param temporaryTables       tables a CREATE/DROP TEMPORARY TABLE creates or drops
 * @param preparedStatementName the name in PREPARE / EXECUTE / DEALLOCATE PREPARE, lower-case, or null
 * @param userLockCalls         GET_LOCK / RELEASE_LOCK calls in the order written
 */
public record Classification(
        StatementKind kind,
        Set<Trait> traits,
        RouteHint hint,
        List<VariableAssignment> assignments,
        CharsetChange charsetChange,
        TransactionSettings transactionSettings,
        String schema,
        Set<String> tables,
        List<String> temporaryTables,
        String preparedStatementName,
        List<UserLockCall> userLockCalls) {

    public Classification {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(hint, "hint");
        traits = traits.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(traits));
        assignments = List.copyOf(assignments);
        // Set.copyOf keeps an immutable set as it is (the classifier's set of one table), but
        // it would lose the order of more: those are copied into an ordered set.
        tables = tables.size() <= 1 ? Set.copyOf(tables) : Collections.unmodifiableSet(new LinkedHashSet<>(tables));
        temporaryTables = List.copyOf(temporaryTables);
        userLockCalls = List.copyOf(userLockCalls);
    }

    /** A classification with no details beyond kind, traits and hint. */
    public static Classification of(StatementKind kind, Set<Trait> traits, RouteHint hint) {
        return new Classification(kind, traits, hint, List.of(), null, null, null, Set.of(), List.of(), null, List.of());
    }

    public boolean has(Trait trait) {
        return traits.contains(trait);
    }

    /** True for a statement that may run on a slave if the session and the cluster allow it. */
    public boolean isPlainRead() {
        return kind == StatementKind.READ && !has(Trait.NOT_UNDERSTOOD);
    }
}
