package io.sluice.core.sql;

import java.util.Locale;

/**
 * One lexical token with its position in the original text, so that values can be
 * reproduced exactly as the application wrote them.
 */
record Token(TokenType type, String text, int start, int end) {

    /** Upper-cased text for keyword comparison; identifiers in SQL keywords are ASCII. */
    String upper() {
        return text.toUpperCase(Locale.ROOT);
    }

    boolean isWord(String keyword) {
        return type == TokenType.WORD && text.equalsIgnoreCase(keyword);
    }

    boolean isSymbol(String symbol) {
        return type == TokenType.SYMBOL && text.equals(symbol);
    }

    /** A word or a back-quoted identifier: something that can name a table or a variable. */
    boolean isName() {
        return type == TokenType.WORD || type == TokenType.QUOTED_IDENTIFIER;
    }
}
