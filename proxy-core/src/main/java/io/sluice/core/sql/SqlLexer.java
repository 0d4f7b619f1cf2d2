package io.sluice.core.sql;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A MySQL lexer that is just precise enough to make routing decisions: it knows string
 * literals (with or without backslash escapes), quoted identifiers, user and system
 * variables, the three comment styles, and versioned comments whose content is SQL.
 *
 * <p>Stateless: every call works on local variables only.
 */
final class SqlLexer {

    private SqlLexer() {
    }

    /**
     * @param noBackslashEscapes the session's sql_mode has NO_BACKSLASH_ESCAPES (the server
     *                           reports it in every OK packet's status flags); it changes
     *                           where a string literal ends, and so what is SQL and what is data
     */
    static LexedSql lex(String sql, boolean noBackslashEscapes) {
        return lex(sql, noBackslashEscapes, true);
    }

    /**
     * @param runUncertainVersioned read the content of a versioned comment that some supported
     *                              server skips ({@link #everyServerRuns}) as SQL (true) or
     *                              as a comment (false)
     */
    static LexedSql lex(String sql, boolean noBackslashEscapes, boolean runUncertainVersioned) {
        List<Token> tokens = new ArrayList<>();
        RouteHint hint = RouteHint.NONE;
        boolean complete = true;
        boolean inVersionedComment = false;
        boolean uncertainVersioned = false;
        int n = sql.length();
        int pos = 0;
        while (pos < n) {
            char c = sql.charAt(pos);
            if (Character.isWhitespace(c)) {
                pos++;
            } else if (inVersionedComment && c == '*' && at(sql, pos + 1) == '/') {
                inVersionedComment = false;
                pos += 2;
            } else if (c == '#' || (c == '-' && at(sql, pos + 1) == '-' && isDashCommentEnd(at(sql, pos + 2)))) {
                // "--" starts a comment only when followed by a space or control character.
                int eol = sql.indexOf('\n', pos);
                pos = eol < 0 ? n : eol + 1;
            } else if (c == '/' && at(sql, pos + 1) == '*') {
                int versionedStart = versionedCommentContentStart(sql, pos);
                if (versionedStart >= 0 && !inVersionedComment) {
                    // /*!40101 SET NAMES utf8 */: the server runs the content. One that only
                    // some servers run (/*!80013 ...*/, MariaDB's /*M! ...*/) is read as the
                    // caller asks; the classifier reads the text both ways.
                    boolean certain = everyServerRuns(sql, pos, versionedStart);
                    uncertainVersioned |= !certain;
                    if (certain || runUncertainVersioned) {
                        inVersionedComment = true;
                        pos = versionedStart;
                        continue;
                    }
                }
                int close = sql.indexOf("*/", pos + 2);
                if (close < 0) {
                    complete = false;
                    break;
                }
                if (tokens.isEmpty()) {
                    hint = strongest(hint, hintOf(sql.substring(pos + 2, close)));
                }
                pos = close + 2;
            } else if (c == '\'' || c == '"') {
                int end = stringEnd(sql, pos, c, noBackslashEscapes);
                if (end < 0) {
                    complete = false;
                    break;
                }
                tokens.add(Token.in(TokenType.STRING, sql, pos, end));
                pos = end;
            } else if (c == '`') {
                int end = backtickEnd(sql, pos);
                if (end < 0) {
                    complete = false;
                    break;
                }
                String name = sql.substring(pos + 1, end - 1).replace("``", "`");
                tokens.add(new Token(TokenType.QUOTED_IDENTIFIER, name, pos, end));
                pos = end;
            } else if (c == '@') {
                pos = lexAt(sql, pos, tokens, noBackslashEscapes);
                if (pos < 0) {
                    complete = false;
                    break;
                }
            } else if (isDigit(c) || (c == '.' && isDigit(at(sql, pos + 1)))) {
                int end = numberEnd(sql, pos);
                TokenType type = isWordStart(at(sql, end)) ? TokenType.WORD : TokenType.NUMBER;
                if (type == TokenType.WORD) {
                    // MySQL identifiers may start with digits (1abc): read the whole word.
                    end = wordEnd(sql, end);
                }
                tokens.add(Token.in(type, sql, pos, end));
                pos = end;
            } else if (isWordStart(c)) {
                int end = wordEnd(sql, pos);
                tokens.add(Token.in(TokenType.WORD, sql, pos, end));
                pos = end;
            } else if (c == ':' && at(sql, pos + 1) == '=') {
                tokens.add(new Token(TokenType.SYMBOL, ":=", pos, pos + 2));
                pos += 2;
            } else if (c == '?') {
                tokens.add(new Token(TokenType.PARAMETER, "?", pos, pos + 1));
                pos++;
            } else {
                tokens.add(new Token(TokenType.SYMBOL, symbol(c), pos, pos + 1));
                pos++;
            }
        }
        if (inVersionedComment) {
            complete = false;
        }
        return new LexedSql(sql, Collections.unmodifiableList(tokens), hint, complete, uncertainVersioned);
    }

    /** One shared string per ASCII symbol character: symbols are in every statement. */
    private static final String[] ASCII_SYMBOLS = new String[128];

    static {
        for (char c = 0; c < ASCII_SYMBOLS.length; c++) {
            ASCII_SYMBOLS[c] = String.valueOf(c).intern();
        }
    }

    private static String symbol(char c) {
        return c < ASCII_SYMBOLS.length ? ASCII_SYMBOLS[c] : String.valueOf(c);
    }

    private static char at(String s, int i) {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    private static boolean isDashCommentEnd(char c) {
        return c == '\0' || c <= ' ';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isWordStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' || c >= 0x80;
    }

    private static boolean isWordPart(char c) {
        return isWordStart(c) || isDigit(c);
    }

    private static int wordEnd(String sql, int pos) {
        int i = pos;
        while (i < sql.length() && isWordPart(sql.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int numberEnd(String sql, int pos) {
        int i = pos;
        boolean hex = sql.charAt(i) == '0' && (at(sql, i + 1) == 'x' || at(sql, i + 1) == 'X'
                || at(sql, i + 1) == 'b' || at(sql, i + 1) == 'B');
        if (hex) {
            i += 2;
            while (i < sql.length() && Character.digit(sql.charAt(i), 16) >= 0) {
                i++;
            }
            return i;
        }
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (isDigit(c) || c == '.') {
                i++;
            } else if ((c == 'e' || c == 'E') && (isDigit(at(sql, i + 1))
                    || ((at(sql, i + 1) == '+' || at(sql, i + 1) == '-') && isDigit(at(sql, i + 2))))) {
                i += 2;
            } else {
                break;
            }
        }
        return i;
    }

    /** Returns the index after the closing quote, or -1 when the literal is not closed. */
    private static int stringEnd(String sql, int pos, char quote, boolean noBackslashEscapes) {
        int i = pos + 1;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (c == '\\' && !noBackslashEscapes) {
                i += 2;
            } else if (c == quote) {
                if (at(sql, i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return -1;
    }

    private static int backtickEnd(String sql, int pos) {
        int i = pos + 1;
        while (i < sql.length()) {
            if (sql.charAt(i) == '`') {
                if (at(sql, i + 1) == '`') {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return -1;
    }

    /**
     * The oldest server version Sluice supports (MySQL 5.7.0; MariaDB numbers its versions from
     * 100000): a versioned comment at or below it runs on every backend.
     */
    private static final int OLDEST_SUPPORTED_VERSION = 50700;

    /**
     * Whether every supported server runs the versioned comment at {@code pos} whose content
     * starts at {@code contentStart}: {@code /*!} without a version or with one up to
     * {@link #OLDEST_SUPPORTED_VERSION}. MySQL skips MariaDB's {@code /*M!}.
     */
    private static boolean everyServerRuns(String sql, int pos, int contentStart) {
        if (at(sql, pos + 2) == 'M') {
            return false;
        }
        int digitsStart = pos + 3;
        return contentStart == digitsStart
                || Integer.parseInt(sql, digitsStart, contentStart, 10) <= OLDEST_SUPPORTED_VERSION;
    }

    /** Index of the first content character of a versioned comment, or -1 when it is not one. */
    private static int versionedCommentContentStart(String sql, int pos) {
        int i = pos + 2;
        if (at(sql, i) == 'M' && at(sql, i + 1) == '!') {
            i += 2;
        } else if (at(sql, i) == '!') {
            i += 1;
        } else {
            return -1;
        }
        int digits = 0;
        while (digits < 6 && isDigit(at(sql, i))) {
            i++;
            digits++;
        }
        return i;
    }

    private static RouteHint hintOf(String commentContent) {
        String content = commentContent.strip().toLowerCase(Locale.ROOT);
        return switch (content) {
            case "master" -> RouteHint.MASTER;
            case "slave" -> RouteHint.SLAVE;
            default -> RouteHint.NONE;
        };
    }

    /** When a statement carries both hints, the master one wins: it can never be wrong. */
    private static RouteHint strongest(RouteHint a, RouteHint b) {
        if (a == RouteHint.MASTER || b == RouteHint.MASTER) {
            return RouteHint.MASTER;
        }
        return a == RouteHint.SLAVE || b == RouteHint.SLAVE ? RouteHint.SLAVE : RouteHint.NONE;
    }

    /** Lexes @name, @'name', @`name`, @@scope.name; returns the next position or -1. */
    private static int lexAt(String sql, int pos, List<Token> tokens, boolean noBackslashEscapes) {
        if (!tokens.isEmpty()) {
            Token previous = tokens.get(tokens.size() - 1);
            boolean accountHost = previous.end() == pos && (previous.type() == TokenType.STRING
                    || previous.type() == TokenType.QUOTED_IDENTIFIER);
            if (accountHost) {
                // 'user'@'host' in account names is not a user variable.
                tokens.add(new Token(TokenType.SYMBOL, "@", pos, pos + 1));
                return pos + 1;
            }
        }
        if (at(sql, pos + 1) == '@') {
            int i = pos + 2;
            while (i < sql.length() && (isWordPart(sql.charAt(i)) || sql.charAt(i) == '.' || sql.charAt(i) == '`')) {
                i++;
            }
            String name = sql.substring(pos + 2, i).replace("`", "").toLowerCase(Locale.ROOT);
            tokens.add(new Token(TokenType.SYSTEM_VARIABLE, name, pos, i));
            return i;
        }
        char next = at(sql, pos + 1);
        if (next == '\'' || next == '"') {
            int end = stringEnd(sql, pos + 1, next, noBackslashEscapes);
            if (end < 0) {
                return -1;
            }
            tokens.add(new Token(TokenType.USER_VARIABLE, sql.substring(pos + 2, end - 1), pos, end));
            return end;
        }
        if (next == '`') {
            int end = backtickEnd(sql, pos + 1);
            if (end < 0) {
                return -1;
            }
            tokens.add(new Token(TokenType.USER_VARIABLE, sql.substring(pos + 2, end - 1), pos, end));
            return end;
        }
        int i = pos + 1;
        while (i < sql.length() && (isWordPart(sql.charAt(i)) || sql.charAt(i) == '.')) {
            i++;
        }
        if (i == pos + 1) {
            tokens.add(new Token(TokenType.SYMBOL, "@", pos, pos + 1));
            return pos + 1;
        }
        tokens.add(new Token(TokenType.USER_VARIABLE, sql.substring(pos + 1, i), pos, i));
        return i;
    }
}
