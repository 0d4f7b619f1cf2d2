package io.sluice.core.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * The tokens of one COM_QUERY text.
 *
 * @param complete           false when a string, quoted identifier or comment was not closed: the
 *                           server will reject or read the text differently, so nothing about it is sure
 * @param uncertainVersioned the text has a versioned comment that some supported server runs
 *                           and another skips
 */
record LexedSql(String sql, List<Token> tokens, RouteHint hint, boolean complete, boolean uncertainVersioned) {

    /** Token ranges between top-level semicolons, empty statements dropped. */
    List<List<Token>> statements() {
        if (!hasSemicolon()) {
            // Nearly every text is one statement without a ';': no lists to build.
            return tokens.isEmpty() ? List.of() : List.of(tokens);
        }
        List<List<Token>> statements = new ArrayList<>();
        int from = 0;
        for (int i = 0; i <= tokens.size(); i++) {
            if (i == tokens.size() || tokens.get(i).isSymbol(";")) {
                if (i > from) {
                    statements.add(tokens.subList(from, i));
                }
                from = i + 1;
            }
        }
        return statements;
    }

    private boolean hasSemicolon() {
        for (int i = 0; i < tokens.size(); i++) {
            if (tokens.get(i).isSymbol(";")) {
                return true;
            }
        }
        return false;
    }
}
