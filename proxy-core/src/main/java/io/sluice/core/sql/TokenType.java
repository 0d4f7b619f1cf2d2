package io.sluice.core.sql;

/** Lexical categories the classifier needs; everything else is a {@link #SYMBOL}. */
enum TokenType {
    /** A bare word: keyword, identifier or function name. */
    WORD,
    /** A back-quoted identifier; its text is the unquoted name. */
    QUOTED_IDENTIFIER,
    /** A string literal ('...' or "..."); its text is the literal as written, quotes included. */
    STRING,
    NUMBER,
    /** {@code @name}, {@code @'name'}, {@code @`name`}; text is the unquoted name. */
    USER_VARIABLE,
    /** {@code @@name}, {@code @@session.name}; text is the part after {@code @@}, scope included. */
    SYSTEM_VARIABLE,
    /** A {@code ?} placeholder. */
    PARAMETER,
    /** Punctuation and operators; {@code :=} is one token. */
    SYMBOL
}
