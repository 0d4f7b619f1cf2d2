package io.sluice.core.session;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.sluice.core.sql.SqlLiterals;

/**
 * Session system variables the application set, as name to the SQL text of the value,
 * in the order they were last set (order matters for pairs such as
 * character_set_connection and collation_connection).
 */
final class SessionVariables {

    /** Variables that SET NAMES / SET CHARACTER SET overwrite. */
    static final Set<String> CHARSET_VARIABLES = Set.of(
            "character_set_client", "character_set_connection", "character_set_results", "collation_connection");

    /** Names we are willing to write back unquoted: what MySQL accepts as a variable name. */
    private static final Pattern PLAIN_NAME = Pattern.compile("[a-z0-9_$]+(\\.[a-z0-9_$]+)?");
    private static final Pattern NUMBER = Pattern.compile("-?\\d+(\\.\\d+)?");

    private final Map<String, String> values = new LinkedHashMap<>();
    private int changes;

    static boolean isPlainName(String name) {
        return PLAIN_NAME.matcher(name).matches();
    }

    /**
     * The SQL text for a value the server reported through session tracking: numbers bare
     * (numeric variables refuse strings), everything else as a string literal.
     */
    static String renderTracked(String name, String value) {
        if (value == null || (value.isEmpty() && name.startsWith("character_set_"))) {
            return "NULL";
        }
        return NUMBER.matcher(value).matches() ? value : SqlLiterals.quoteString(value);
    }

    void set(String name, String valueText) {
        values.remove(name);
        values.put(name, valueText);
        changes++;
    }

    void forgetCharsetVariables() {
        if (values.keySet().removeAll(CHARSET_VARIABLES)) {
            changes++;
        }
    }

    void clear() {
        values.clear();
        changes++;
    }

    /** Counts the changes, so a reader can tell "changed since I looked" with one comparison. */
    int changes() {
        return changes;
    }

    Map<String, String> asMap() {
        return Collections.unmodifiableMap(values);
    }
}
