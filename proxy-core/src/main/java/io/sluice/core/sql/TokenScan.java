package io.sluice.core.sql;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one pass over a statement's tokens found: traits, tables in table positions, calls
 * of functions nobody vouches for, and user lock calls.
 */
final class TokenScan {
    final EnumSet<Trait> traits = EnumSet.noneOf(Trait.class);
    final Set<String> tables = new LinkedHashSet<>();
    final Set<String> unknownFunctions = new LinkedHashSet<>();
    final List<UserLockCall> lockCalls = new ArrayList<>();
    boolean lockingClause;
    boolean unbalancedParentheses;
}
