package io.sluice.core.sql;

import java.util.Objects;

/**
 * One assignment of a SET statement.
 *
 * @param name      lower-case variable name without scope or @ prefixes; user variable names
 *                  keep their case-insensitive lower-case form too, as MySQL compares them
 * @param valueText the value exactly as written (e.g. {@code '+00:00'}, {@code 0},
 *                  {@code CONCAT(@@sql_mode, ',X')})
 * @param literal   the value is a constant (string, number, bare word such as ON or
 *                  DEFAULT) that can be replayed as written on another connection
 */
public record VariableAssignment(VariableScope scope, String name, String valueText, boolean literal) {
    public VariableAssignment {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(valueText, "valueText");
    }
}
