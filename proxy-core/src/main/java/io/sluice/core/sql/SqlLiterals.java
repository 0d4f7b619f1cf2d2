package io.sluice.core.sql;

/** Reading and writing SQL string literals and identifiers. */
public final class SqlLiterals {

    private SqlLiterals() {
    }

    /**
     * The value of a quoted literal as the server reads it with backslash escapes on:
     * {@code 'it''s'} and {@code 'it\'s'} both give {@code it's}. Text without quotes is returned as is.
     */
    public static String unquote(String literal) {
        return unquote(literal, false);
    }

    /** As {@link #unquote(String)}, reading backslashes literally when {@code noBackslashEscapes}. */
    public static String unquote(String literal, boolean noBackslashEscapes) {
        if (literal.length() < 2) {
            return literal;
        }
        char quote = literal.charAt(0);
        if ((quote != '\'' && quote != '"' && quote != '`') || literal.charAt(literal.length() - 1) != quote) {
            return literal;
        }
        String body = literal.substring(1, literal.length() - 1);
        StringBuilder out = new StringBuilder(body.length());
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\\' && quote != '`' && !noBackslashEscapes && i + 1 < body.length()) {
                char escaped = body.charAt(++i);
                out.append(switch (escaped) {
                    case '0' -> '\0';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    case 't' -> '\t';
                    case 'b' -> '\b';
                    case 'Z' -> (char) 26;
                    default -> escaped;
                });
            } else if (c == quote && i + 1 < body.length() && body.charAt(i + 1) == quote) {
                out.append(c);
                i++;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * A literal the server reads back as {@code value} whether or not NO_BACKSLASH_ESCAPES
     * is on: quotes are doubled, and a value containing a backslash (which the two modes
     * read differently) is written as a hex literal, which has no escapes at all.
     */
    public static String quoteString(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('\'');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\'') {
                out.append("''");
            } else if (c == '\\') {
                // A backslash means different things with and without NO_BACKSLASH_ESCAPES;
                // hex-encode the whole value instead so that both modes read it the same.
                return hexLiteral(value);
            } else {
                out.append(c);
            }
        }
        return out.append('\'').toString();
    }

    private static String hexLiteral(String value) {
        StringBuilder out = new StringBuilder("_utf8mb4 X'");
        for (byte b : value.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            out.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return out.append('\'').toString();
    }

    /** MySQL's spellings of a boolean variable value (1, ON, TRUE, 0, OFF, FALSE, quoted or not), or null. */
    public static Boolean booleanValue(String valueText) {
        String v = unquote(valueText.strip()).toUpperCase(java.util.Locale.ROOT);
        return switch (v) {
            case "1", "ON", "TRUE" -> Boolean.TRUE;
            case "0", "OFF", "FALSE" -> Boolean.FALSE;
            default -> null;
        };
    }

    /** A back-quoted identifier with embedded back quotes doubled. */
    public static String quoteIdentifier(String name) {
        return '`' + name.replace("`", "``") + '`';
    }
}
