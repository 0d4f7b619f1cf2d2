package io.sluice.core.sql;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Classifies one statement from its leading keywords and a token scan, without a parser.
 * Returns null when it is not sure; the caller then asks the parser.
 */
final class FastPathClassifier {

    /** SHOW statements about this particular server or its replication state. */
    private static final Set<String> SERVER_SPECIFIC_SHOW = Set.of(
            "MASTER", "BINARY", "BINLOG", "SLAVE", "REPLICA", "REPLICAS", "RELAYLOG", "PROCESSLIST", "ENGINE",
            "STATUS", "VARIABLES", "OPEN", "GLOBAL", "SESSION", "LOCAL", "ALL", "EXPLAIN", "ANALYZE");

    /** SHOW statements about the previous statement on the same connection. */
    private static final Set<String> PREVIOUS_STATEMENT_SHOW = Set.of("WARNINGS", "ERRORS", "COUNT", "PROFILE", "PROFILES");

    /** Administration and replication statements that commit implicitly (MySQL manual, "Statements That Cause an Implicit Commit"). */
    private static final Set<String> IMPLICIT_COMMIT_ADMIN = Set.of(
            "ANALYZE", "CACHE", "CHECK", "OPTIMIZE", "REPAIR", "CHANGE", "INSTALL", "UNINSTALL");

    private FastPathClassifier() {
    }

    /** @param tokens one statement's tokens, no top-level ';' */
    static ClassificationBuilder classify(String sql, List<Token> tokens) {
        Token first = tokens.get(0);
        if (first.isSymbol("(")) {
            return selectLike(tokens);
        }
        if (first.type() != TokenType.WORD) {
            return null;
        }
        String verb = first.upper();
        return switch (verb) {
            case "SELECT", "WITH", "TABLE", "VALUES" -> selectLike(tokens);
            case "INSERT", "UPDATE", "DELETE", "REPLACE" -> new ClassificationBuilder(StatementKind.WRITE)
                    .scan(TokenScanner.scan(tokens));
            case "SHOW" -> show(tokens);
            case "DESCRIBE", "DESC", "EXPLAIN" -> explain(sql, tokens);
            case "BEGIN" -> begin(tokens);
            case "START" -> start(tokens);
            case "COMMIT" -> new ClassificationBuilder(StatementKind.COMMIT);
            case "ROLLBACK" -> rollback(tokens);
            case "SAVEPOINT" -> new ClassificationBuilder(StatementKind.SAVEPOINT);
            case "RELEASE" -> wordAt(tokens, 1, "SAVEPOINT") ? new ClassificationBuilder(StatementKind.RELEASE_SAVEPOINT) : null;
            case "SET" -> SetStatementReader.read(sql, tokens);
            case "USE" -> use(tokens);
            case "LOCK" -> lock(tokens);
            case "UNLOCK" -> unlock(tokens);
            case "BACKUP" -> backup(tokens);
            case "XA" -> xa(tokens);
            case "PREPARE" -> prepared(tokens, StatementKind.PREPARE_TEXT, 1);
            case "EXECUTE" -> prepared(tokens, StatementKind.EXECUTE_TEXT, 1);
            case "DEALLOCATE" -> prepared(tokens, StatementKind.DEALLOCATE_TEXT, 2);
            case "CALL" -> call(tokens);
            case "LOAD" -> load(tokens);
            case "DO" -> new ClassificationBuilder(StatementKind.OTHER).scan(TokenScanner.scan(tokens));
            case "CREATE" -> create(tokens);
            case "DROP" -> drop(tokens);
            case "ALTER", "RENAME", "TRUNCATE", "GRANT", "REVOKE" ->
                    new ClassificationBuilder(StatementKind.DDL).trait(Trait.IMPLICIT_COMMIT).scanDefinition(TokenScanner.scan(tokens));
            case "RESET" -> new ClassificationBuilder(StatementKind.OTHER)
                    .trait(wordAt(tokens, 1, "PERSIST") ? Trait.SERVER_SPECIFIC : Trait.IMPLICIT_COMMIT);
            case "STOP" -> new ClassificationBuilder(StatementKind.OTHER).trait(Trait.IMPLICIT_COMMIT);
            case "GET" -> wordAt(tokens, 1, "DIAGNOSTICS") || wordAt(tokens, 2, "DIAGNOSTICS")
                    // GET DIAGNOSTICS ... @v = RETURNED_SQLSTATE: assigns user variables ('=', not ':=').
                    ? new ClassificationBuilder(StatementKind.OTHER).trait(Trait.PREVIOUS_STATEMENT_DIAGNOSTICS)
                            .trait(Trait.ASSIGNS_USER_VARIABLE).scan(TokenScanner.scan(tokens))
                    : null;
            case "FLUSH" -> flush(tokens);
            case "HANDLER" -> wordAt(tokens, 2, "OPEN") || (isQualified(tokens, 1) && wordAt(tokens, 4, "OPEN"))
                    // An open handler lives on one connection.
                    ? new ClassificationBuilder(StatementKind.OTHER).trait(Trait.UNTRACKED_SESSION_CHANGE)
                    : new ClassificationBuilder(StatementKind.OTHER);
            case "KILL", "SHUTDOWN", "RESTART", "CLONE", "PURGE", "BINLOG", "HELP", "CHECKSUM",
                    "SIGNAL", "RESIGNAL", "IMPORT" -> new ClassificationBuilder(StatementKind.OTHER);
            default -> IMPLICIT_COMMIT_ADMIN.contains(verb)
                    ? new ClassificationBuilder(StatementKind.OTHER).trait(Trait.IMPLICIT_COMMIT).scan(TokenScanner.scan(tokens))
                    : null;
        };
    }

    private static boolean wordAt(List<Token> tokens, int index, String word) {
        return index < tokens.size() && tokens.get(index).isWord(word);
    }

    /** SELECT, WITH ... SELECT, (SELECT ...) UNION ..., TABLE t, VALUES ROW(...). */
    private static ClassificationBuilder selectLike(List<Token> tokens) {
        TokenScan scan = TokenScanner.scan(tokens);
        if (scan.unbalancedParentheses) {
            return new ClassificationBuilder(StatementKind.OTHER).trait(Trait.NOT_UNDERSTOOD);
        }
        StatementKind kind = tokens.get(0).isWord("WITH") ? withMainKind(tokens) : StatementKind.READ;
        if (kind == StatementKind.READ && scan.lockingClause) {
            kind = StatementKind.LOCKING_READ;
        }
        // A call of a function nobody vouches for (a UDF, a stored function) settles it:
        // the builder marks it SIDE_EFFECT_FUNCTION, which keeps it on the master.
        return new ClassificationBuilder(kind).scan(scan);
    }

    /** WITH cte AS (...) may introduce a SELECT, an UPDATE or a DELETE: the first verb at depth 0 decides. */
    private static StatementKind withMainKind(List<Token> tokens) {
        int depth = 0;
        for (int i = 1; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.isSymbol("(")) {
                depth++;
            } else if (t.isSymbol(")")) {
                depth--;
            } else if (depth == 0 && t.type() == TokenType.WORD) {
                switch (t.upper()) {
                    case "SELECT", "TABLE", "VALUES":
                        return StatementKind.READ;
                    case "UPDATE", "DELETE", "INSERT", "REPLACE":
                        return StatementKind.WRITE;
                    default:
                        break;
                }
            }
        }
        return StatementKind.OTHER;
    }

    private static ClassificationBuilder show(List<Token> tokens) {
        if (tokens.size() < 2 || tokens.get(1).type() != TokenType.WORD) {
            return new ClassificationBuilder(StatementKind.OTHER).trait(Trait.NOT_UNDERSTOOD);
        }
        String what = tokens.get(1).upper();
        int subject = what.equals("FULL") || what.equals("EXTENDED") ? 2 : 1;
        String subjectWord = subject < tokens.size() ? tokens.get(subject).upper() : "";
        ClassificationBuilder builder = new ClassificationBuilder(StatementKind.READ);
        TokenScan scan = TokenScanner.scan(tokens);
        builder.scan(scan);
        if (PREVIOUS_STATEMENT_SHOW.contains(subjectWord)) {
            builder.trait(Trait.PREVIOUS_STATEMENT_DIAGNOSTICS);
        } else if (SERVER_SPECIFIC_SHOW.contains(subjectWord)) {
            builder.trait(Trait.SERVER_SPECIFIC);
        }
        return builder;
    }

    /**
     * EXPLAIN of a statement does not run it, but EXPLAIN ANALYZE does: it is classified as
     * the statement it analyses. DESCRIBE t reads table metadata.
     */
    private static ClassificationBuilder explain(String sql, List<Token> tokens) {
        int i = 1;
        boolean analyze = false;
        while (i < tokens.size()) {
            Token t = tokens.get(i);
            if (t.isWord("ANALYZE")) {
                analyze = true;
                i++;
            } else if (t.isWord("EXTENDED") || t.isWord("PARTITIONS")) {
                i++;
            } else if (t.isWord("FORMAT") && i + 2 < tokens.size() && tokens.get(i + 1).isSymbol("=")) {
                i += 3;
            } else {
                break;
            }
        }
        if (i >= tokens.size()) {
            return new ClassificationBuilder(StatementKind.OTHER).trait(Trait.NOT_UNDERSTOOD);
        }
        Token subject = tokens.get(i);
        if (subject.isWord("INTO")) {
            // EXPLAIN FORMAT=JSON INTO @plan SELECT ... (MySQL 8.0.32): sets a user variable.
            return new ClassificationBuilder(StatementKind.OTHER).trait(Trait.ASSIGNS_USER_VARIABLE)
                    .scan(TokenScanner.scan(tokens));
        }
        if (subject.isWord("FOR")) {
            // EXPLAIN FOR CONNECTION n: about a connection of one particular server.
            return new ClassificationBuilder(StatementKind.OTHER).trait(Trait.SERVER_SPECIFIC);
        }
        boolean statement = subject.isSymbol("(") || (subject.type() == TokenType.WORD && switch (subject.upper()) {
            case "SELECT", "WITH", "TABLE", "VALUES", "INSERT", "UPDATE", "DELETE", "REPLACE" -> true;
            default -> false;
        });
        if (!statement) {
            ClassificationBuilder builder = new ClassificationBuilder(StatementKind.READ);
            String table = qualifiedName(tokens, i); // EXPLAIN t, DESCRIBE db.t
            if (table != null) {
                builder.addTable(table);
            }
            return builder;
        }
        ClassificationBuilder inner = classify(sql, tokens.subList(i, tokens.size()));
        if (inner == null || analyze) {
            return inner;
        }
        if (inner.kind == StatementKind.READ && inner.traits.isEmpty()) {
            return inner;
        }
        // Explaining a write or a locking read runs nothing, but keep it simple and safe.
        ClassificationBuilder other = new ClassificationBuilder(StatementKind.OTHER);
        other.addTables(inner.tables());
        return other;
    }

    private static ClassificationBuilder begin(List<Token> tokens) {
        if (tokens.size() == 1 || (tokens.size() == 2 && tokens.get(1).isWord("WORK"))) {
            return new ClassificationBuilder(StatementKind.BEGIN).trait(Trait.IMPLICIT_COMMIT);
        }
        // BEGIN NOT ATOMIC (MariaDB compound statement) and anything else.
        return null;
    }

    /** START TRANSACTION [READ ONLY | READ WRITE | WITH CONSISTENT SNAPSHOT] [, ...]. */
    private static ClassificationBuilder start(List<Token> tokens) {
        if (!wordAt(tokens, 1, "TRANSACTION")) {
            // START SLAVE / REPLICA / GROUP_REPLICATION: replication control commits implicitly.
            return new ClassificationBuilder(StatementKind.OTHER).trait(Trait.IMPLICIT_COMMIT);
        }
        ClassificationBuilder builder = new ClassificationBuilder(StatementKind.BEGIN).trait(Trait.IMPLICIT_COMMIT);
        for (List<Token> item : SetStatementReader.splitTopLevel(tokens, 2)) {
            String words = String.join(" ", item.stream().map(Token::upper).toList());
            switch (words) {
                case "READ ONLY" -> {
                    builder.kind = StatementKind.BEGIN_READ_ONLY;
                    builder.trait(Trait.READ_ONLY_TRANSACTION);
                }
                case "READ WRITE" -> builder.kind = StatementKind.BEGIN;
                case "WITH CONSISTENT SNAPSHOT" -> builder.trait(Trait.CONSISTENT_SNAPSHOT);
                default -> {
                    return null;
                }
            }
        }
        return builder;
    }

    private static ClassificationBuilder rollback(List<Token> tokens) {
        for (int i = 1; i < tokens.size(); i++) {
            if (tokens.get(i).isWord("TO")) {
                return new ClassificationBuilder(StatementKind.ROLLBACK_TO_SAVEPOINT);
            }
        }
        return new ClassificationBuilder(StatementKind.ROLLBACK);
    }

    private static ClassificationBuilder use(List<Token> tokens) {
        if (tokens.size() != 2 || !(tokens.get(1).isName() || tokens.get(1).type() == TokenType.STRING)) {
            return new ClassificationBuilder(StatementKind.OTHER).trait(Trait.NOT_UNDERSTOOD);
        }
        ClassificationBuilder builder = new ClassificationBuilder(StatementKind.USE);
        Token name = tokens.get(1);
        // Schema names are case-sensitive on most file systems: keep them as written.
        builder.schema = name.type() == TokenType.STRING ? SqlLiterals.unquote(name.text()) : name.text();
        return builder;
    }

    private static ClassificationBuilder lock(List<Token> tokens) {
        if (wordAt(tokens, 1, "TABLES") || wordAt(tokens, 1, "TABLE")) {
            return new ClassificationBuilder(StatementKind.LOCK_TABLES).trait(Trait.IMPLICIT_COMMIT)
                    .scan(TokenScanner.scan(tokens));
        }
        // LOCK INSTANCE FOR BACKUP: server-wide, on the server that receives it, held by this connection.
        return new ClassificationBuilder(StatementKind.OTHER).trait(Trait.SERVER_SPECIFIC)
                .trait(wordAt(tokens, 1, "INSTANCE") ? Trait.TAKES_BACKUP_LOCK : Trait.NOT_UNDERSTOOD);
    }

    /** MariaDB: BACKUP STAGE START ... BACKUP STAGE END, BACKUP LOCK t ... BACKUP UNLOCK. */
    private static ClassificationBuilder backup(List<Token> tokens) {
        boolean release = (wordAt(tokens, 1, "STAGE") && wordAt(tokens, 2, "END")) || wordAt(tokens, 1, "UNLOCK");
        boolean take = wordAt(tokens, 1, "STAGE") || wordAt(tokens, 1, "LOCK");
        if (!release && !take) {
            return new ClassificationBuilder(StatementKind.OTHER).trait(Trait.NOT_UNDERSTOOD);
        }
        return new ClassificationBuilder(StatementKind.OTHER).trait(Trait.SERVER_SPECIFIC)
                .trait(release ? Trait.RELEASES_BACKUP_LOCK : Trait.TAKES_BACKUP_LOCK);
    }

    /** FLUSH TABLES [t, ...] WITH READ LOCK holds a lock on this connection until UNLOCK TABLES. */
    private static ClassificationBuilder flush(List<Token> tokens) {
        int n = tokens.size();
        boolean readLock = n >= 4 && tokens.get(n - 3).isWord("WITH") && tokens.get(n - 2).isWord("READ")
                && tokens.get(n - 1).isWord("LOCK");
        StatementKind kind = readLock ? StatementKind.LOCK_TABLES : StatementKind.OTHER;
        ClassificationBuilder builder = new ClassificationBuilder(kind).trait(Trait.IMPLICIT_COMMIT);
        int t = wordAt(tokens, 1, "LOCAL") || wordAt(tokens, 1, "NO_WRITE_TO_BINLOG") ? 2 : 1;
        if (readLock && (wordAt(tokens, t, "TABLES") || wordAt(tokens, t, "TABLE")) && wordAt(tokens, t + 1, "WITH")) {
            builder.trait(Trait.GLOBAL_READ_LOCK); // FLUSH TABLES WITH READ LOCK: no table list
        }
        return builder;
    }

    private static ClassificationBuilder unlock(List<Token> tokens) {
        if (wordAt(tokens, 1, "TABLES") || wordAt(tokens, 1, "TABLE")) {
            return new ClassificationBuilder(StatementKind.UNLOCK_TABLES).trait(Trait.IMPLICIT_COMMIT);
        }
        // UNLOCK INSTANCE releases LOCK INSTANCE FOR BACKUP.
        return new ClassificationBuilder(StatementKind.OTHER).trait(Trait.SERVER_SPECIFIC)
                .trait(wordAt(tokens, 1, "INSTANCE") ? Trait.RELEASES_BACKUP_LOCK : Trait.NOT_UNDERSTOOD);
    }

    private static ClassificationBuilder xa(List<Token> tokens) {
        if (tokens.size() < 2 || tokens.get(1).type() != TokenType.WORD) {
            return new ClassificationBuilder(StatementKind.OTHER).trait(Trait.NOT_UNDERSTOOD);
        }
        StatementKind kind = switch (tokens.get(1).upper()) {
            case "START", "BEGIN" -> StatementKind.XA_START;
            case "END" -> StatementKind.XA_END;
            case "PREPARE" -> StatementKind.XA_PREPARE;
            case "COMMIT" -> StatementKind.XA_COMMIT;
            case "ROLLBACK" -> StatementKind.XA_ROLLBACK;
            default -> StatementKind.OTHER;
        };
        return new ClassificationBuilder(kind);
    }

    /** PREPARE s FROM ..., EXECUTE s [USING @a], DEALLOCATE PREPARE s, DROP PREPARE s. */
    private static ClassificationBuilder prepared(List<Token> tokens, StatementKind kind, int nameIndex) {
        if (nameIndex >= tokens.size() || !tokens.get(nameIndex).isName()) {
            return new ClassificationBuilder(StatementKind.OTHER).trait(Trait.NOT_UNDERSTOOD);
        }
        ClassificationBuilder builder = new ClassificationBuilder(kind).scan(TokenScanner.scan(tokens));
        // Prepared statement names are not case-sensitive.
        builder.preparedStatementName = tokens.get(nameIndex).text().toLowerCase(Locale.ROOT);
        return builder;
    }

    private static ClassificationBuilder call(List<Token> tokens) {
        TokenScan scan = TokenScanner.scan(tokens);
        ClassificationBuilder builder = new ClassificationBuilder(StatementKind.CALL);
        builder.traits.addAll(scan.traits);
        builder.addLockCalls(scan.lockCalls());
        if (scan.traits.contains(Trait.USES_USER_VARIABLE)) {
            // CALL p(@out): an OUT or INOUT parameter assigns the variable.
            builder.trait(Trait.ASSIGNS_USER_VARIABLE);
        }
        return builder;
    }

    private static ClassificationBuilder load(List<Token> tokens) {
        if (wordAt(tokens, 1, "DATA") || wordAt(tokens, 1, "XML")) {
            return new ClassificationBuilder(StatementKind.LOAD_DATA).scan(TokenScanner.scan(tokens));
        }
        // LOAD INDEX INTO CACHE
        return new ClassificationBuilder(StatementKind.OTHER).trait(Trait.IMPLICIT_COMMIT);
    }

    /**
     * CREATE TEMPORARY TABLE does not commit; every other CREATE does. MariaDB also has CREATE OR
     * REPLACE TEMPORARY TABLE and temporary sequences, which live on the connection the same way.
     */
    private static ClassificationBuilder create(List<Token> tokens) {
        int t = wordAt(tokens, 1, "OR") && wordAt(tokens, 2, "REPLACE") ? 3 : 1;
        if (wordAt(tokens, t, "TEMPORARY") && (wordAt(tokens, t + 1, "TABLE") || wordAt(tokens, t + 1, "SEQUENCE"))) {
            ClassificationBuilder builder = new ClassificationBuilder(StatementKind.DDL)
                    .trait(Trait.CREATES_TEMPORARY_TABLE).scanDefinition(TokenScanner.scan(tokens));
            int i = skipIfExists(tokens, t + 2);
            String name = qualifiedName(tokens, i);
            if (name == null) {
                return new ClassificationBuilder(StatementKind.OTHER).trait(Trait.NOT_UNDERSTOOD);
            }
            builder.addTemporaryTable(name);
            return builder;
        }
        return new ClassificationBuilder(StatementKind.DDL).trait(Trait.IMPLICIT_COMMIT).scanDefinition(TokenScanner.scan(tokens));
    }

    /**
     * DROP TEMPORARY TABLE does not commit; DROP TABLE does, and it drops a temporary table
     * of that name first if the session has one, so both report the names they may drop.
     */
    private static ClassificationBuilder drop(List<Token> tokens) {
        if (wordAt(tokens, 1, "PREPARE")) {
            return prepared(tokens, StatementKind.DEALLOCATE_TEXT, 2);
        }
        boolean temporary = wordAt(tokens, 1, "TEMPORARY");
        int tableWord = temporary ? 2 : 1;
        // DROP [TEMPORARY] SEQUENCE (MariaDB) drops a temporary sequence first, as DROP TABLE does a table.
        if (!wordAt(tokens, tableWord, "TABLE") && !wordAt(tokens, tableWord, "TABLES")
                && !wordAt(tokens, tableWord, "SEQUENCE")) {
            return new ClassificationBuilder(StatementKind.DDL).trait(Trait.IMPLICIT_COMMIT);
        }
        ClassificationBuilder builder = new ClassificationBuilder(StatementKind.DDL).trait(Trait.DROPS_TEMPORARY_TABLE);
        if (!temporary) {
            builder.trait(Trait.IMPLICIT_COMMIT);
        }
        int i = skipIfExists(tokens, tableWord + 1);
        List<List<Token>> names = SetStatementReader.splitTopLevel(tokens, i);
        for (List<Token> item : names) {
            String name = qualifiedName(item, 0);
            if (name != null) {
                builder.addTemporaryTable(name);
                builder.addTable(name);
            }
        }
        return builder;
    }

    private static int skipIfExists(List<Token> tokens, int i) {
        if (wordAt(tokens, i, "IF") && wordAt(tokens, i + 1, "NOT") && wordAt(tokens, i + 2, "EXISTS")) {
            return i + 3;
        }
        if (wordAt(tokens, i, "IF") && wordAt(tokens, i + 1, "EXISTS")) {
            return i + 2;
        }
        return i;
    }

    /** Whether a {@code schema.name} starts at {@code i}. */
    private static boolean isQualified(List<Token> tokens, int i) {
        return i + 2 < tokens.size() && tokens.get(i).isName() && tokens.get(i + 1).isSymbol(".") && tokens.get(i + 2).isName();
    }

    /** {@code name} or {@code schema.name} at index i, lower-case, or null. */
    private static String qualifiedName(List<Token> tokens, int i) {
        if (i >= tokens.size() || !tokens.get(i).isName()) {
            return null;
        }
        String name = tokens.get(i).text();
        if (isQualified(tokens, i)) {
            name = name + "." + tokens.get(i + 2).text();
        }
        return name.toLowerCase(Locale.ROOT);
    }
}
