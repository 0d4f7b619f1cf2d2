package io.sluice.core.sql;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One pass over a statement's tokens that finds everything that can make a SELECT unsafe
 * on a slave, wherever it sits (subqueries included), and the tables it names.
 *
 * <p>The scan over-approximates on purpose: a word it cannot place makes the statement
 * look less safe, never more. Table names are taken from table positions (after FROM,
 * JOIN, UPDATE, INTO, TABLE and the commas of those lists); a column mistaken for a table
 * only sends a read of a same-named temporary table to the master.
 */
final class TokenScanner {

    /** Reserved words that end a table list, so they are never taken for a table name. */
    static final Set<String> CLAUSE_WORDS = Set.of(
            "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "WINDOW", "UNION", "EXCEPT", "INTERSECT", "FOR",
            "LOCK", "INTO", "SET", "VALUES", "VALUE", "SELECT", "ON", "USING", "LIKE", "PROCEDURE", "RETURNING",
            "READ", "WRITE", "LOW_PRIORITY", "PARTITION", "AS", "JOIN", "LEFT", "RIGHT", "INNER", "OUTER",
            "CROSS", "NATURAL", "STRAIGHT_JOIN", "USE", "FORCE", "IGNORE", "DUAL", "LATERAL", "IF", "NOT",
            "EXISTS", "TEMPORARY", "QUICK", "STATUS", "FROM", "IN", "WITH", "DEFAULT", "DUPLICATE", "KEY");

    private TokenScanner() {
    }

    static TokenScan scan(List<Token> tokens) {
        TokenScan result = new TokenScan();
        boolean[] tableList = new boolean[tokens.size() + 2];
        boolean expectTable = false;
        boolean intoTargets = false;
        // Inside "WITH a (x, y) AS (...), b AS (...)" until the main statement's verb at depth 0.
        boolean withClause = !tokens.isEmpty() && tokens.get(0).isWord("WITH");
        int depth = 0;
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            Token next = i + 1 < tokens.size() ? tokens.get(i + 1) : null;
            Token previous = i > 0 ? tokens.get(i - 1) : null;
            switch (t.type()) {
                case SYMBOL -> {
                    switch (t.text()) {
                        case "(" -> {
                            depth++;
                            tableList[depth] = false;
                            expectTable = false;
                        }
                        case ")" -> {
                            tableList[depth] = false;
                            depth--;
                            if (depth < 0) {
                                result.unbalancedParentheses = true;
                                depth = 0;
                            }
                        }
                        case "," -> {
                            if (tableList[depth]) {
                                expectTable = true;
                            }
                        }
                        case ":=" -> result.traits.add(Trait.ASSIGNS_USER_VARIABLE);
                        default -> {
                            // other operators carry no routing meaning
                        }
                    }
                    if (!t.isSymbol(",")) {
                        intoTargets = false;
                    }
                }
                case USER_VARIABLE -> {
                    result.traits.add(Trait.USES_USER_VARIABLE);
                    if (intoTargets || (next != null && next.isSymbol(":="))) {
                        result.traits.add(Trait.ASSIGNS_USER_VARIABLE);
                    }
                }
                case SYSTEM_VARIABLE -> {
                    intoTargets = false;
                    systemVariable(t.text(), result);
                }
                case WORD, QUOTED_IDENTIFIER -> {
                    intoTargets = false;
                    // Every word this scan compares with is in SqlKeywords (SqlKeywordsTest checks),
                    // so the keyword form is enough and an identifier costs no upper-case copy.
                    String upper = t.keyword();
                    // A name in table position followed by '(' is a table with a column or
                    // partition list (INSERT INTO t (a), CREATE TABLE t (...)), not a call:
                    // JSON_TABLE is the only function MySQL accepts there, and it is harmless.
                    if (expectTable && (t.type() == TokenType.QUOTED_IDENTIFIER || !CLAUSE_WORDS.contains(upper))) {
                        i = readTableName(tokens, i, result);
                        expectTable = false;
                        continue;
                    }
                    expectTable = false;
                    if (next != null && next.isSymbol("(")) {
                        boolean cteColumnList = withClause && depth == 0 && previous != null
                                && (previous.isWord("WITH") || previous.isWord("RECURSIVE") || previous.isSymbol(","));
                        if (!cteColumnList) {
                            call(tokens, i, previous, result);
                        }
                        continue;
                    }
                    if (t.type() == TokenType.QUOTED_IDENTIFIER) {
                        continue;
                    }
                    if (depth == 0 && withClause && isMainVerb(upper)) {
                        withClause = false;
                    }
                    switch (upper) {
                        case "FROM" -> {
                            tableList[depth] = true;
                            expectTable = true;
                        }
                        case "JOIN", "STRAIGHT_JOIN" -> expectTable = true;
                        case "TABLE", "TABLES" -> {
                            tableList[depth] = true;
                            expectTable = true;
                        }
                        case "UPDATE" -> {
                            if (previous != null && previous.isWord("FOR")) {
                                result.lockingClause = true;
                            } else {
                                tableList[depth] = true;
                                expectTable = true;
                            }
                        }
                        case "SHARE" -> {
                            if (previous != null && previous.isWord("FOR")) {
                                result.lockingClause = true;
                            }
                        }
                        case "LOCK" -> {
                            tableList[depth] = false;
                            if (next != null && next.isWord("IN") && wordAt(tokens, i + 2, "SHARE")) {
                                result.lockingClause = true;
                            }
                        }
                        case "INTO" -> {
                            tableList[depth] = false;
                            if (next != null && (next.isWord("OUTFILE") || next.isWord("DUMPFILE")
                                    || next.type() == TokenType.USER_VARIABLE)) {
                                result.traits.add(Trait.INTO);
                                intoTargets = next.type() == TokenType.USER_VARIABLE;
                            } else {
                                expectTable = true;
                            }
                        }
                        case "SQL_CALC_FOUND_ROWS" -> result.traits.add(Trait.CALC_FOUND_ROWS);
                        case "NEXT", "PREVIOUS" -> {
                            if (next != null && next.isWord("VALUE") && wordAt(tokens, i + 2, "FOR")) {
                                result.traits.add(Trait.SEQUENCE);
                            }
                        }
                        case "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "WINDOW", "UNION", "EXCEPT",
                                "INTERSECT", "FOR", "SET", "VALUES", "SELECT" -> tableList[depth] = false;
                        default -> {
                            // identifiers, aliases and other keywords
                        }
                    }
                }
                default -> {
                    intoTargets = false;
                    expectTable = false;
                }
            }
        }
        if (depth != 0) {
            result.unbalancedParentheses = true;
        }
        return result;
    }

    private static boolean isMainVerb(String upper) {
        return switch (upper) {
            case "SELECT", "UPDATE", "DELETE", "INSERT", "REPLACE", "TABLE", "VALUES" -> true;
            default -> false;
        };
    }

    private static boolean wordAt(List<Token> tokens, int index, String word) {
        return index < tokens.size() && tokens.get(index).isWord(word);
    }

    /** Reads {@code name} or {@code schema.name}; returns the index of its last token. */
    private static int readTableName(List<Token> tokens, int i, TokenScan result) {
        String name = tokens.get(i).text();
        int last = i;
        if (i + 2 < tokens.size() && tokens.get(i + 1).isSymbol(".") && tokens.get(i + 2).isName()) {
            name = name + "." + tokens.get(i + 2).text();
            last = i + 2;
        }
        String table = name.toLowerCase(Locale.ROOT);
        result.addTable(table);
        if (isServerSpecificTable(table)) {
            result.traits.add(Trait.SERVER_SPECIFIC);
        }
        return last;
    }

    /** performance_schema.x, sys.x, information_schema.processlist and the like: one server's own state. */
    private static boolean isServerSpecificTable(String qualified) {
        int dot = qualified.indexOf('.');
        if (dot < 0) {
            return false;
        }
        String schema = qualified.substring(0, dot);
        return KnownFunctions.SERVER_SPECIFIC_SCHEMAS.contains(schema) || (schema.equals("information_schema")
                && KnownFunctions.SERVER_SPECIFIC_INFORMATION_SCHEMA_TABLES.contains(qualified.substring(dot + 1)));
    }

    private static void systemVariable(String scopedName, TokenScan result) {
        String name = scopedName.substring(scopedName.lastIndexOf('.') + 1);
        if (KnownFunctions.SERVER_SPECIFIC_VARIABLES.contains(name)) {
            result.traits.add(Trait.SERVER_SPECIFIC);
        } else if (KnownFunctions.PREVIOUS_STATEMENT_VARIABLES.contains(name)) {
            result.traits.add(Trait.PREVIOUS_STATEMENT_DIAGNOSTICS);
        } else if (KnownFunctions.LAST_INSERT_ID_VARIABLES.contains(name)) {
            result.traits.add(Trait.LAST_INSERT_ID);
        }
    }

    /** Classifies {@code name(}: a harmless built-in, a function with effects, or unknown. */
    private static void call(List<Token> tokens, int i, Token previous, TokenScan result) {
        Token t = tokens.get(i);
        boolean qualified = previous != null && previous.isSymbol(".");
        if (t.type() == TokenType.QUOTED_IDENTIFIER || qualified) {
            // `f`(x) or db.f(x): only stored functions are called this way.
            result.addUnknownFunction(qualified ? tokens.get(i - 2).text() + "." + t.text() : t.text());
            return;
        }
        String upper = t.upper();
        Trait effect = KnownFunctions.SIDE_EFFECTS.get(upper);
        if (effect != null) {
            result.traits.add(effect);
            if (effect == Trait.LAST_INSERT_ID && i + 2 < tokens.size() && !tokens.get(i + 2).isSymbol(")")) {
                result.traits.add(Trait.SETS_LAST_INSERT_ID); // LAST_INSERT_ID(expr)
            }
            if (effect == Trait.GET_LOCK || effect == Trait.RELEASE_LOCK) {
                result.addLockCall(new UserLockCall(effect == Trait.GET_LOCK, literalFirstArgument(tokens, i)));
            }
        } else if (!KnownFunctions.NOT_CALLS.contains(upper) && !KnownFunctions.PURE.contains(upper)
                && !KnownFunctions.isSpatial(upper)) {
            result.addUnknownFunction(t.text());
        }
    }

    /** The unquoted first argument of {@code f('x', ...)}, or null when it is not a plain literal. */
    private static String literalFirstArgument(List<Token> tokens, int functionIndex) {
        int argument = functionIndex + 2;
        if (argument + 1 >= tokens.size()) {
            return null;
        }
        Token literal = tokens.get(argument);
        Token after = tokens.get(argument + 1);
        if (literal.type() != TokenType.STRING || !(after.isSymbol(",") || after.isSymbol(")"))) {
            return null;
        }
        return SqlLiterals.unquote(literal.text());
    }
}
