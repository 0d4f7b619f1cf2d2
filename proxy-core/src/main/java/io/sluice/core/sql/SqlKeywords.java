package io.sluice.core.sql;

/**
 * One shared upper-case string for each common SQL keyword, found in place in the statement's
 * text: the lexer asks every word for its upper case, and most words are keywords, so most of
 * them then cost no allocation. A word not in the table is upper-cased as before; the table
 * only saves work and never changes an answer.
 */
final class SqlKeywords {
    private static final String[] WORDS = {
        "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "IN", "IS", "NULL", "LIKE", "BETWEEN", "ORDER", "BY",
        "GROUP", "HAVING", "LIMIT", "OFFSET", "AS", "ON", "JOIN", "LEFT", "RIGHT", "INNER", "OUTER", "CROSS",
        "NATURAL", "STRAIGHT_JOIN", "USING", "UNION", "ALL", "DISTINCT", "DISTINCTROW", "EXCEPT", "INTERSECT",
        "WINDOW", "OVER", "PARTITION", "FOR", "UPDATE", "SHARE", "LOCK", "MODE", "NOWAIT", "SKIP", "LOCKED",
        "INTO", "VALUES", "VALUE", "SET", "INSERT", "REPLACE", "DELETE", "IGNORE", "DUPLICATE", "KEY", "DEFAULT",
        "TABLE", "TABLES", "WITH", "RECURSIVE", "EXISTS", "CASE", "WHEN", "THEN", "ELSE", "END", "ASC", "DESC",
        "COUNT", "SUM", "MIN", "MAX", "AVG", "IF", "IFNULL", "COALESCE", "CONCAT", "NOW", "CAST", "CONVERT",
        "SQL_CALC_FOUND_ROWS", "SQL_NO_CACHE", "SQL_CACHE", "HIGH_PRIORITY", "LOW_PRIORITY", "DELAYED", "DUAL",
        "LATERAL", "USE", "FORCE", "INDEX", "PROCEDURE", "RETURNING", "READ", "WRITE", "ONLY", "TEMPORARY",
        "QUICK", "STATUS", "NEXT", "PREVIOUS", "BEGIN", "COMMIT", "ROLLBACK", "START", "TRANSACTION", "WORK",
        "SAVEPOINT", "RELEASE", "SHOW", "DESCRIBE", "EXPLAIN", "TRUE", "FALSE", "INTERVAL", "DIV", "MOD", "XOR",
        "REGEXP", "ROW", "ROWS", "SESSION", "GLOBAL", "LOCAL", "NAMES", "CHARACTER", "COLLATE", "ISOLATION",
        "LEVEL", "COMMITTED", "UNCOMMITTED", "REPEATABLE", "SERIALIZABLE", "AUTOCOMMIT", "CREATE", "DROP",
        "ALTER", "TRUNCATE", "RENAME", "CALL", "DO", "LOAD", "DATA", "PREPARE", "EXECUTE", "DEALLOCATE",
    };
    private static final int MAX_LENGTH = 20;
    private static final String[] TABLE = new String[512];

    static {
        for (String word : WORDS) {
            int i = hash(word, 0, word.length()) & (TABLE.length - 1);
            while (TABLE[i] != null) {
                if (TABLE[i].equals(word)) {
                    throw new IllegalStateException("listed twice: " + word);
                }
                i = (i + 1) & (TABLE.length - 1);
            }
            TABLE[i] = word;
        }
    }

    private SqlKeywords() {
    }

    /** The shared upper-case form of {@code text[start, end)} if it is a listed keyword in any case, else null. */
    static String canonical(String text, int start, int end) {
        int length = end - start;
        if (length > MAX_LENGTH) {
            return null;
        }
        int h = hash(text, start, end);
        if (h == -1) {
            return null;
        }
        for (int i = h & (TABLE.length - 1); TABLE[i] != null; i = (i + 1) & (TABLE.length - 1)) {
            String word = TABLE[i];
            if (word.length() == length && text.regionMatches(true, start, word, 0, length)) {
                return word;
            }
        }
        return null;
    }

    /** A hash of the ASCII upper case of the range, -1 if it holds anything but ASCII. */
    private static int hash(String text, int start, int end) {
        int h = 0;
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                return -1;
            }
            if (c >= 'a' && c <= 'z') {
                c -= 'a' - 'A';
            }
            h = 31 * h + c;
        }
        h ^= h >>> 16;
        return h & 0x7fffffff;
    }
}
