package io.sluice.core.sql;

import java.util.Locale;

/**
 * One lexical token with its position in the original text, so that values can be
 * reproduced exactly as the application wrote them.
 *
 * <p>Every statement through the proxy is lexed, so a token costs as little as it can: a word
 * or literal keeps only its position until something asks for its text, keyword tests compare
 * against the statement in place, and the upper-cased text is computed once.
 */
final class Token {
    private final TokenType type;
    private final String source;
    private final int start;
    private final int end;
    private String text;
    private String upper;

    /** A token whose text is not simply {@code source[start, end)} (a quoted identifier, a variable name). */
    Token(TokenType type, String text, int start, int end) {
        this(type, null, text, start, end);
    }

    private Token(TokenType type, String source, String text, int start, int end) {
        this.type = type;
        this.source = source;
        this.text = text;
        this.start = start;
        this.end = end;
    }

    /** A token whose text is {@code source[start, end)}, cut out only if asked for. */
    static Token in(TokenType type, String source, int start, int end) {
        return new Token(type, source, null, start, end);
    }

    TokenType type() {
        return type;
    }

    String text() {
        String t = text;
        if (t == null) {
            t = source.substring(start, end);
            text = t;
        }
        return t;
    }

    int start() {
        return start;
    }

    int end() {
        return end;
    }

    /** Upper-cased text for keyword comparison; identifiers in SQL keywords are ASCII. */
    String upper() {
        String u = upper;
        if (u == null) {
            u = text == null ? SqlKeywords.canonical(source, start, end) : null;
            if (u == null) {
                u = text().toUpperCase(Locale.ROOT);
            }
            upper = u;
        }
        return u;
    }

    /**
     * For a word that is one of {@link SqlKeywords}' keywords, its shared upper-case string;
     * "" for any other word or token. Cheaper than {@link #upper()} for code that only tests a
     * word against keywords that are all in that list.
     */
    String keyword() {
        if (type != TokenType.WORD) {
            return "";
        }
        String k = text == null ? SqlKeywords.canonical(source, start, end) : SqlKeywords.canonical(text, 0, text.length());
        return k == null ? "" : k;
    }

    boolean isWord(String keyword) {
        if (type != TokenType.WORD) {
            return false;
        }
        if (text == null) {
            return end - start == keyword.length() && source.regionMatches(true, start, keyword, 0, keyword.length());
        }
        return text.equalsIgnoreCase(keyword);
    }

    boolean isSymbol(String symbol) {
        return type == TokenType.SYMBOL && text().equals(symbol);
    }

    /** A word or a back-quoted identifier: something that can name a table or a variable. */
    boolean isName() {
        return type == TokenType.WORD || type == TokenType.QUOTED_IDENTIFIER;
    }

    @Override
    public String toString() {
        return "Token[" + type + " " + text() + " " + start + ".." + end + "]";
    }
}
