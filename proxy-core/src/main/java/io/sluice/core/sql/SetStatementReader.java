package io.sluice.core.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads the SET family: variable assignments, SET NAMES / CHARACTER SET, SET TRANSACTION,
 * and the SET statements that are really account management (SET PASSWORD, SET DEFAULT ROLE).
 */
final class SetStatementReader {

    /** Variables that are transaction characteristics rather than plain session values. */
    static final Set<String> ISOLATION_VARIABLES = Set.of("transaction_isolation", "tx_isolation");
    static final Set<String> READ_ONLY_VARIABLES = Set.of("transaction_read_only", "tx_read_only");

    private SetStatementReader() {
    }

    static ClassificationBuilder read(String sql, List<Token> tokens) {
        if (tokens.size() < 2) {
            return notUnderstood();
        }
        Token first = tokens.get(1);
        if (first.isWord("TRANSACTION")) {
            return transaction(tokens, 2, false);
        }
        if ((first.isWord("SESSION") || first.isWord("LOCAL")) && wordAt(tokens, 2, "TRANSACTION")) {
            return transaction(tokens, 3, true);
        }
        if (first.isWord("GLOBAL") && wordAt(tokens, 2, "TRANSACTION")) {
            // Changes the default for new sessions only.
            return new ClassificationBuilder(StatementKind.OTHER);
        }
        if (first.isWord("PASSWORD") || (first.isWord("DEFAULT") && wordAt(tokens, 2, "ROLE"))) {
            return new ClassificationBuilder(StatementKind.DDL).trait(Trait.IMPLICIT_COMMIT);
        }
        if (first.isWord("ROLE")) {
            // Active roles change privileges on this connection; we do not replay them.
            return new ClassificationBuilder(StatementKind.SET_SESSION).trait(Trait.UNTRACKED_SESSION_CHANGE);
        }
        if (first.isWord("RESOURCE")) {
            return new ClassificationBuilder(StatementKind.OTHER);
        }
        ClassificationBuilder builder = new ClassificationBuilder(StatementKind.SET_SESSION);
        builder.scan(TokenScanner.scan(tokens));
        TransactionCharacteristics characteristics = new TransactionCharacteristics();
        for (List<Token> item : splitTopLevel(tokens, 1)) {
            if (!readItem(sql, item, builder, characteristics)) {
                builder.trait(Trait.UNTRACKED_SESSION_CHANGE);
            }
        }
        if (characteristics.mixedScopes) {
            builder.trait(Trait.UNTRACKED_SESSION_CHANGE);
        } else if (characteristics.any()) {
            builder.transactionSettings = characteristics.toSettings();
            boolean onlyCharacteristics = builder.assignments().stream()
                    .allMatch(a -> isTransactionVariable(a.name()) && a.scope() == VariableScope.SESSION)
                    && builder.charsetChange == null;
            if (onlyCharacteristics && !builder.traits.contains(Trait.UNTRACKED_SESSION_CHANGE)) {
                builder.kind = StatementKind.SET_TRANSACTION;
            }
        }
        return builder;
    }

    static boolean isTransactionVariable(String name) {
        return ISOLATION_VARIABLES.contains(name) || READ_ONLY_VARIABLES.contains(name);
    }

    private static ClassificationBuilder notUnderstood() {
        return new ClassificationBuilder(StatementKind.OTHER).trait(Trait.NOT_UNDERSTOOD);
    }

    private static boolean wordAt(List<Token> tokens, int index, String word) {
        return index < tokens.size() && tokens.get(index).isWord(word);
    }

    /** SET [SESSION] TRANSACTION characteristic [, characteristic]. */
    private static ClassificationBuilder transaction(List<Token> tokens, int from, boolean sessionScope) {
        IsolationLevel isolation = null;
        Boolean readOnly = null;
        for (List<Token> item : splitTopLevel(tokens, from)) {
            String words = String.join(" ", item.stream().map(Token::upper).toList());
            if (words.startsWith("ISOLATION LEVEL ")) {
                var level = IsolationLevel.fromVariableValue(words.substring("ISOLATION LEVEL ".length()));
                if (level.isEmpty()) {
                    return notUnderstood();
                }
                isolation = level.get();
            } else if (words.equals("READ ONLY")) {
                readOnly = Boolean.TRUE;
            } else if (words.equals("READ WRITE")) {
                readOnly = Boolean.FALSE;
            } else {
                return notUnderstood();
            }
        }
        if (isolation == null && readOnly == null) {
            return notUnderstood();
        }
        ClassificationBuilder builder = new ClassificationBuilder(StatementKind.SET_TRANSACTION);
        builder.transactionSettings = new TransactionSettings(sessionScope, isolation, readOnly);
        return builder;
    }

    /** Splits tokens from {@code from} at commas outside parentheses. */
    static List<List<Token>> splitTopLevel(List<Token> tokens, int from) {
        List<List<Token>> items = new ArrayList<>();
        int depth = 0;
        int start = from;
        for (int i = from; i <= tokens.size(); i++) {
            if (i == tokens.size() || (depth == 0 && tokens.get(i).isSymbol(","))) {
                if (i > start) {
                    items.add(tokens.subList(start, i));
                }
                start = i + 1;
                continue;
            }
            Token t = tokens.get(i);
            if (t.isSymbol("(")) {
                depth++;
            } else if (t.isSymbol(")")) {
                depth--;
            }
        }
        return items;
    }

    /** Returns false when the item is not a form we know, so its effect cannot be followed. */
    private static boolean readItem(String sql, List<Token> item, ClassificationBuilder builder,
                                    TransactionCharacteristics characteristics) {
        Token first = item.get(0);
        if (first.isWord("NAMES") && item.size() >= 2) {
            String collation = item.size() >= 4 && item.get(2).isWord("COLLATE") ? name(item.get(3)) : null;
            builder.charsetChange = new CharsetChange(true, name(item.get(1)), collation);
            return item.size() == 2 || (item.size() == 4 && collation != null);
        }
        if (first.isWord("CHARSET") && item.size() == 2) {
            builder.charsetChange = new CharsetChange(false, name(item.get(1)), null);
            return true;
        }
        if (first.isWord("CHARACTER") && item.size() == 3 && item.get(1).isWord("SET")) {
            builder.charsetChange = new CharsetChange(false, name(item.get(2)), null);
            return true;
        }
        VariableScope scope;
        boolean nextTransactionOnly = false;
        String name;
        int index;
        if (first.type() == TokenType.USER_VARIABLE) {
            scope = VariableScope.USER;
            name = first.text().toLowerCase(Locale.ROOT);
            index = 1;
            builder.trait(Trait.ASSIGNS_USER_VARIABLE);
        } else if (first.type() == TokenType.SYSTEM_VARIABLE) {
            String text = first.text();
            int dot = text.indexOf('.');
            String prefix = dot < 0 ? "" : text.substring(0, dot);
            scope = switch (prefix) {
                case "" , "session", "local" -> VariableScope.SESSION;
                case "global", "persist", "persist_only" -> VariableScope.GLOBAL;
                default -> null;
            };
            if (scope == null) {
                // @@component.variable: the prefix is part of the name.
                scope = VariableScope.SESSION;
                name = text;
            } else {
                name = dot < 0 ? text : text.substring(dot + 1);
            }
            // SET @@transaction_isolation (no scope) applies to the next transaction only.
            nextTransactionOnly = prefix.isEmpty();
            index = 1;
        } else if (first.isName()) {
            String upper = first.type() == TokenType.WORD ? first.upper() : "";
            index = 0;
            scope = VariableScope.SESSION;
            if (upper.equals("GLOBAL") || upper.equals("PERSIST") || upper.equals("PERSIST_ONLY")) {
                scope = VariableScope.GLOBAL;
                index = 1;
            } else if (upper.equals("SESSION") || upper.equals("LOCAL")) {
                index = 1;
            }
            if (index >= item.size() || !item.get(index).isName()) {
                return false;
            }
            StringBuilder qualified = new StringBuilder(item.get(index).text());
            index++;
            while (index + 1 < item.size() && item.get(index).isSymbol(".") && item.get(index + 1).isName()) {
                qualified.append('.').append(item.get(index + 1).text());
                index += 2;
            }
            name = qualified.toString().toLowerCase(Locale.ROOT);
        } else {
            return false;
        }
        if (index >= item.size() || !(item.get(index).isSymbol("=") || item.get(index).isSymbol(":="))
                || index + 1 >= item.size()) {
            return false;
        }
        List<Token> value = item.subList(index + 1, item.size());
        String valueText = sql.substring(value.get(0).start(), value.get(value.size() - 1).end());
        boolean literal = isLiteral(value);
        builder.addAssignment(new VariableAssignment(scope, name, valueText, literal));
        if (scope == VariableScope.SESSION) {
            sessionSideEffects(name, valueText, literal, nextTransactionOnly, builder, characteristics);
        }
        return true;
    }

    private static void sessionSideEffects(String name, String valueText, boolean literal, boolean nextTransactionOnly,
                                           ClassificationBuilder builder, TransactionCharacteristics characteristics) {
        switch (name) {
            case "sql_log_bin" -> builder.trait(Trait.SETS_SQL_LOG_BIN);
            case "autocommit" -> {
                // Turning autocommit on commits an open transaction (a no-op if it was on).
                if (literal && Boolean.TRUE.equals(booleanValue(valueText))) {
                    builder.trait(Trait.IMPLICIT_COMMIT);
                }
            }
            default -> {
                if (!isTransactionVariable(name)) {
                    return;
                }
                if (!literal) {
                    builder.trait(Trait.UNTRACKED_SESSION_CHANGE);
                    return;
                }
                characteristics.scope(!nextTransactionOnly);
                if (ISOLATION_VARIABLES.contains(name)) {
                    var level = IsolationLevel.fromVariableValue(SqlLiterals.unquote(valueText));
                    if (level.isEmpty()) {
                        builder.trait(Trait.UNTRACKED_SESSION_CHANGE);
                    } else {
                        characteristics.isolation = level.get();
                    }
                } else {
                    Boolean readOnly = booleanValue(valueText);
                    if (readOnly == null) {
                        builder.trait(Trait.UNTRACKED_SESSION_CHANGE);
                    } else {
                        characteristics.readOnly = readOnly;
                    }
                }
            }
        }
    }

    static Boolean booleanValue(String valueText) {
        return SqlLiterals.booleanValue(valueText);
    }

    private static boolean isLiteral(List<Token> value) {
        if (value.size() == 1) {
            TokenType type = value.get(0).type();
            return type == TokenType.STRING || type == TokenType.NUMBER || type == TokenType.WORD;
        }
        return value.size() == 2 && (value.get(0).isSymbol("-") || value.get(0).isSymbol("+"))
                && value.get(1).type() == TokenType.NUMBER;
    }

    private static String name(Token token) {
        return SqlLiterals.unquote(token.type() == TokenType.QUOTED_IDENTIFIER ? token.text() : token.text())
                .toLowerCase(Locale.ROOT);
    }

    /** Transaction characteristics set through variables; both scopes in one statement are not followed. */
    private static final class TransactionCharacteristics {
        IsolationLevel isolation;
        Boolean readOnly;
        Boolean sessionScope;
        boolean mixedScopes;

        void scope(boolean session) {
            if (sessionScope != null && sessionScope != session) {
                mixedScopes = true;
            }
            sessionScope = session;
        }

        boolean any() {
            return isolation != null || readOnly != null;
        }

        TransactionSettings toSettings() {
            return new TransactionSettings(Boolean.TRUE.equals(sessionScope), isolation, readOnly);
        }
    }
}
