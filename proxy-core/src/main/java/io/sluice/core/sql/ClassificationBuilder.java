package io.sluice.core.sql;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Collects the parts of a {@link Classification} while the classifier reads a statement. */
final class ClassificationBuilder {
    StatementKind kind;
    final EnumSet<Trait> traits = EnumSet.noneOf(Trait.class);
    RouteHint hint = RouteHint.NONE;
    final List<VariableAssignment> assignments = new ArrayList<>();
    CharsetChange charsetChange;
    TransactionSettings transactionSettings;
    String schema;
    /** Insertion-ordered; may be the set of the scan it was taken from (see scan). */
    Set<String> tables = new LinkedHashSet<>();
    final List<String> temporaryTables = new ArrayList<>();
    String preparedStatementName;
    final List<UserLockCall> userLockCalls = new ArrayList<>();

    ClassificationBuilder(StatementKind kind) {
        this.kind = kind;
    }

    ClassificationBuilder trait(Trait trait) {
        traits.add(trait);
        return this;
    }

    /** Takes over what a token scan found; unknown function calls count as side effects. */
    ClassificationBuilder scan(TokenScan scan) {
        traits.addAll(scan.traits);
        takeTables(scan);
        userLockCalls.addAll(scan.lockCalls);
        if (!scan.unknownFunctions.isEmpty()) {
            traits.add(Trait.SIDE_EFFECT_FUNCTION);
        }
        return this;
    }

    /**
     * Takes over a scan of a DDL statement: column definitions and defaults are not calls
     * that run, and the statement goes to the master whatever it calls.
     */
    ClassificationBuilder scanDefinition(TokenScan scan) {
        traits.addAll(scan.traits);
        takeTables(scan);
        userLockCalls.addAll(scan.lockCalls);
        return this;
    }

    /** The scan is not used afterwards, so its set is taken over rather than copied when this one is empty. */
    private void takeTables(TokenScan scan) {
        if (tables.isEmpty()) {
            tables = scan.tables;
        } else {
            tables.addAll(scan.tables);
        }
    }

    Classification build() {
        return new Classification(kind, traits, hint, assignments, charsetChange, transactionSettings, schema,
                tables, temporaryTables, preparedStatementName, userLockCalls);
    }
}
