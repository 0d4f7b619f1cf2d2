package io.sluice.core.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

class SqlKeywordsTest {

    @Test
    void aKeywordInAnyCaseIsTheOneSharedUpperCaseString() {
        String sql = "select c FrOm sbtest1 WHERE id=1";
        assertSame(SqlKeywords.canonical("SELECT", 0, 6), SqlKeywords.canonical(sql, 0, 6));
        assertEquals("SELECT", SqlKeywords.canonical(sql, 0, 6));
        assertEquals("FROM", SqlKeywords.canonical(sql, 9, 13));
        assertEquals("WHERE", SqlKeywords.canonical(sql, 22, 27));
    }

    @Test
    void namesPartsOfKeywordsAndNonAsciiAreNotKeywords() {
        assertNull(SqlKeywords.canonical("select c from sbtest1", 7, 8));
        assertNull(SqlKeywords.canonical("select c from sbtest1", 14, 21));
        assertNull(SqlKeywords.canonical("selects", 0, 7));
        assertNull(SqlKeywords.canonical("selec", 0, 5));
        // U+017F LATIN SMALL LETTER LONG S upper-cases to S, but the table is for ASCII only.
        assertNull(SqlKeywords.canonical("\u017Felect", 0, 6));
        assertNull(SqlKeywords.canonical("a_very_long_identifier_name", 0, 27));
    }

    @Test
    void aTokensUpperCaseIsTheSameWithOrWithoutTheTable() {
        for (String sql : List.of("select DISTINCT c from t where id in (1) order by c limit 1 for update",
                "Insert Into t Values (1) On Duplicate Key Update c = 2", "\u017Felect ı from tİ",
                "begin; commit; rollback; start transaction read only")) {
            for (Token t : SqlLexer.lex(sql, false).tokens()) {
                if (t.type() == TokenType.WORD) {
                    assertEquals(sql.substring(t.start(), t.end()).toUpperCase(Locale.ROOT), t.upper(), sql);
                }
            }
        }
    }

    /**
     * TokenScanner compares words through {@link Token#keyword()}, which knows only the listed
     * keywords: a word it tests for that is not listed would silently never match.
     */
    @Test
    void everyWordTheTokenScannerTestsForIsAListedKeyword() throws IOException {
        String source = Files.readString(Path.of("src/main/java/io/sluice/core/sql/TokenScanner.java"));
        Set<String> words = new TreeSet<>(TokenScanner.CLAUSE_WORDS);
        Matcher cases = Pattern.compile("case (.*?)->", Pattern.DOTALL).matcher(source);
        while (cases.find()) {
            Matcher word = Pattern.compile("\"([A-Z_]+)\"").matcher(cases.group(1));
            while (word.find()) {
                words.add(word.group(1));
            }
        }
        assertTrue(words.containsAll(Set.of("FROM", "SQL_CALC_FOUND_ROWS", "SHARE", "DELETE", "INTERSECT", "QUICK")),
                words.toString());
        for (String w : words) {
            assertEquals(w, SqlKeywords.canonical(w, 0, w.length()), "not listed in SqlKeywords: " + w);
        }
    }
}
