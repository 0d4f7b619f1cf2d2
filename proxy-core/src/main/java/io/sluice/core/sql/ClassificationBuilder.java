package io.sluice.core.sql;

import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Collects the parts of a {@link Classification} while the classifier reads a statement.
 *
 * <p>Most statements have no assignments, temporary tables or lock calls and one table at
 * most, so each collection is made on its first element (the table set on its second); until
 * then it is a shared immutable one, which {@link Classification} keeps without copying.
 */
final class ClassificationBuilder {
    StatementKind kind;
    final EnumSet<Trait> traits = EnumSet.noneOf(Trait.class);
    RouteHint hint = RouteHint.NONE;
    CharsetChange charsetChange;
    TransactionSettings transactionSettings;
    String schema;
    String preparedStatementName;
    private List<VariableAssignment> assignments = List.of();
    /** Insertion-ordered (see plus); may be the set of the scan it was taken from (see scan). */
    private Set<String> tables = Set.of();
    private List<String> temporaryTables = List.of();
    private List<UserLockCall> userLockCalls = List.of();

    ClassificationBuilder(StatementKind kind) {
        this.kind = kind;
    }

    ClassificationBuilder trait(Trait trait) {
        traits.add(trait);
        return this;
    }

    List<VariableAssignment> assignments() {
        return assignments;
    }

    Set<String> tables() {
        return tables;
    }

    List<String> temporaryTables() {
        return temporaryTables;
    }

    List<UserLockCall> userLockCalls() {
        return userLockCalls;
    }

    void addAssignment(VariableAssignment assignment) {
        assignments = plus(assignments, assignment);
    }

    void addTable(String table) {
        tables = plus(tables, table);
    }

    /** {@code list} with {@code element} added: a new list for the first, added to in place after that. */
    static <T> List<T> plus(List<T> list, T element) {
        List<T> more = list.isEmpty() ? new ArrayList<>(4) : list;
        more.add(element);
        return more;
    }

    /**
     * {@code tables} with {@code table} added: an immutable set of one for the first, an
     * insertion-ordered set from the second on (added to in place once it is one).
     */
    static Set<String> plus(Set<String> tables, String table) {
        if (tables.isEmpty()) {
            return Set.of(table);
        }
        if (tables.contains(table)) {
            return tables;
        }
        LinkedHashSet<String> more = tables instanceof LinkedHashSet<String> ordered ? ordered : new LinkedHashSet<>(tables);
        more.add(table);
        return more;
    }

    void addTables(Collection<String> more) {
        for (String table : more) {
            addTable(table);
        }
    }

    void addTemporaryTable(String table) {
        temporaryTables = plus(temporaryTables, table);
    }

    void addLockCalls(List<UserLockCall> calls) {
        for (UserLockCall call : calls) {
            userLockCalls = plus(userLockCalls, call);
        }
    }

    /** Takes over what a token scan found; unknown function calls count as side effects. */
    ClassificationBuilder scan(TokenScan scan) {
        scanDefinition(scan);
        if (!scan.unknownFunctions().isEmpty()) {
            traits.add(Trait.SIDE_EFFECT_FUNCTION);
        }
        return this;
    }

    /**
     * Takes over a scan's traits, tables and lock calls but not its unknown function calls:
     * for a DDL statement, whose column definitions and defaults are not calls that run (it
     * goes to the master whatever it calls), and for a parsed statement, whose classifier
     * judges the lexer's doubtful names itself.
     */
    ClassificationBuilder scanDefinition(TokenScan scan) {
        traits.addAll(scan.traits);
        takeTables(scan);
        addLockCalls(scan.lockCalls());
        return this;
    }

    /** The scan's tables are not used afterwards, so its set is taken over rather than copied when this one is empty. */
    private void takeTables(TokenScan scan) {
        if (tables.isEmpty()) {
            tables = scan.tables();
        } else {
            addTables(scan.tables());
        }
    }

    Classification build() {
        return new Classification(kind, traits, hint, assignments, charsetChange, transactionSettings, schema,
                tables, temporaryTables, preparedStatementName, userLockCalls);
    }
}
