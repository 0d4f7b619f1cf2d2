package io.sluice.core.sql;

import java.util.Locale;
import java.util.Optional;

/** InnoDB isolation levels, with the spellings MySQL uses in SQL and in variable values. */
public enum IsolationLevel {
    READ_UNCOMMITTED("READ UNCOMMITTED"),
    READ_COMMITTED("READ COMMITTED"),
    REPEATABLE_READ("REPEATABLE READ"),
    SERIALIZABLE("SERIALIZABLE");

    private final String sql;

    IsolationLevel(String sql) {
        this.sql = sql;
    }

    /** The words used after ISOLATION LEVEL. */
    public String sql() {
        return sql;
    }

    /** Parses a variable value such as {@code REPEATABLE-READ} or {@code 'READ COMMITTED'}. */
    public static Optional<IsolationLevel> fromVariableValue(String value) {
        String normalised = value.strip().replace("'", "").replace("\"", "")
                .replace('-', '_').replace(' ', '_').toUpperCase(Locale.ROOT);
        for (IsolationLevel level : values()) {
            if (level.name().equals(normalised)) {
                return Optional.of(level);
            }
        }
        return Optional.empty();
    }
}
