package io.sluice.core.session;

import java.util.Objects;

import io.sluice.core.sql.SqlLiterals;

/**
 * The connection character set as the last SET NAMES or SET CHARACTER SET (or the
 * handshake, which acts like SET NAMES) left it.
 *
 * @param names     true for SET NAMES semantics, false for SET CHARACTER SET
 * @param charset   lower-case charset name, or {@code default}
 * @param collation lower-case collation, or null for the charset's default collation
 */
public record CharsetSetting(boolean names, String charset, String collation) {

    public CharsetSetting {
        Objects.requireNonNull(charset, "charset");
    }

    public static CharsetSetting names(String charset, String collation) {
        return new CharsetSetting(true, charset, collation);
    }

    /** The statement that establishes this setting on another connection. */
    String toSql() {
        if (charset.equals("default")) {
            return names ? "SET NAMES DEFAULT" : "SET CHARACTER SET DEFAULT";
        }
        if (!names) {
            return "SET CHARACTER SET " + SqlLiterals.quoteString(charset);
        }
        return "SET NAMES " + SqlLiterals.quoteString(charset)
                + (collation == null ? "" : " COLLATE " + SqlLiterals.quoteString(collation));
    }
}
