package io.sluice.core.sql;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What one pass over a statement's tokens found: traits, tables in table positions, calls
 * of functions nobody vouches for, and user lock calls.
 *
 * <p>Every statement through the proxy is scanned and most name one table and call nothing,
 * so the collections are made on the first element (the sets on the second: one name is an
 * immutable set of one; see ClassificationBuilder.plus), and an empty one is a shared immutable one.
 */
final class TokenScan {
    final EnumSet<Trait> traits = EnumSet.noneOf(Trait.class);
    private Set<String> tables = Set.of();
    private Set<String> unknownFunctions = Set.of();
    private List<UserLockCall> lockCalls = List.of();
    boolean lockingClause;
    boolean unbalancedParentheses;

    /** Tables in table positions, lower-case, in the order written; insertion-ordered when not empty. */
    Set<String> tables() {
        return tables;
    }

    Set<String> unknownFunctions() {
        return unknownFunctions;
    }

    List<UserLockCall> lockCalls() {
        return lockCalls;
    }

    void addTable(String table) {
        tables = ClassificationBuilder.plus(tables, table);
    }

    void addUnknownFunction(String name) {
        unknownFunctions = ClassificationBuilder.plus(unknownFunctions, name);
    }

    void addLockCall(UserLockCall call) {
        lockCalls = ClassificationBuilder.plus(lockCalls, call);
    }
}
