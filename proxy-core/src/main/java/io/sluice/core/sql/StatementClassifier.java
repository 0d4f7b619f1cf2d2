package io.sluice.core.sql;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Classifies the text of a COM_QUERY for routing and session tracking.
 *
 * <p>A hand-written fast path settles the statements applications send all the time
 * (plain SELECTs, DML, transaction control, SET, USE, SHOW, connector probes) from their
 * tokens. What it is not sure about goes to JSqlParser behind a {@link BoundedSqlParser};
 * what neither understands is {@link StatementKind#OTHER} with {@link Trait#NOT_UNDERSTOOD},
 * which routes to the master. A statement is only ever called a plain read when nothing in
 * it (outside literals and comments) can lock, write, assign or depend on one connection.
 *
 * <p>Thread-safe: the classifier holds no mutable state; the parser it uses is thread-safe.
 */
public final class StatementClassifier {

    /** Kinds inside a multi-statement text whose effect on the session we can follow from the response. */
    private static final Set<StatementKind> FOLLOWABLE_IN_MULTI = EnumSet.of(
            StatementKind.READ, StatementKind.LOCKING_READ, StatementKind.WRITE, StatementKind.DDL,
            StatementKind.BEGIN, StatementKind.BEGIN_READ_ONLY, StatementKind.COMMIT, StatementKind.ROLLBACK,
            StatementKind.SAVEPOINT, StatementKind.ROLLBACK_TO_SAVEPOINT, StatementKind.RELEASE_SAVEPOINT);

    private final ParsedStatementClassifier parsed;

    public StatementClassifier() {
        this(BoundedSqlParser.shared());
    }

    public StatementClassifier(BoundedSqlParser parser) {
        this.parsed = new ParsedStatementClassifier(parser);
    }

    /** Classifies with MySQL's default string syntax (backslash escapes on). */
    public Classification classify(String sql) {
        return classify(sql, false);
    }

    /**
     * @param noBackslashEscapes the session has NO_BACKSLASH_ESCAPES in its sql_mode
     *                           (SERVER_STATUS_NO_BACKSLASH_ESCAPES in the last OK packet)
     */
    public Classification classify(String sql, boolean noBackslashEscapes) {
        LexedSql lexed = SqlLexer.lex(sql, noBackslashEscapes, true);
        Classification run = classify(sql, lexed);
        if (!lexed.uncertainVersioned()) {
            return run;
        }
        // /*!80013 ... */ runs on MySQL 8.0 and not on 5.7; /*M! ... */ on MariaDB only. The
        // backends may differ in version, so the text is read both ways: when the readings
        // disagree, the statement goes to the master ("/*!99999 SELECT */ UPDATE t ..." is an
        // UPDATE to a server that skips the comment), and what it does to the session is
        // taken from the server's answer, as for any statement not understood.
        Classification skipped = classify(sql, SqlLexer.lex(sql, noBackslashEscapes, false));
        if (skipped.kind() == run.kind() && skipped.traits().equals(run.traits())) {
            return run;
        }
        EnumSet<Trait> traits = run.traits().isEmpty() ? EnumSet.noneOf(Trait.class) : EnumSet.copyOf(run.traits());
        traits.add(Trait.NOT_UNDERSTOOD);
        return new Classification(run.kind(), traits, run.hint(), run.assignments(), run.charsetChange(),
                run.transactionSettings(), run.schema(), run.tables(), run.temporaryTables(),
                run.preparedStatementName(), run.userLockCalls());
    }

    private Classification classify(String sql, LexedSql lexed) {
        if (!lexed.complete()) {
            return notUnderstood(lexed.hint());
        }
        List<List<Token>> statements = lexed.statements();
        if (statements.isEmpty()) {
            return notUnderstood(lexed.hint());
        }
        ClassificationBuilder builder = statements.size() == 1
                ? classifyOne(sql, statements.get(0))
                : multi(sql, statements);
        builder.hint = lexed.hint();
        return builder.build();
    }

    private ClassificationBuilder classifyOne(String sql, List<Token> tokens) {
        ClassificationBuilder fast = FastPathClassifier.classify(sql, tokens);
        return fast != null ? fast : parsed.classify(sql, tokens);
    }

    /**
     * Several statements in one COM_QUERY run on one backend connection, one after the other,
     * so the text goes to the master. Their traits add up; a session change the response
     * does not report statement by statement pins the session.
     */
    private ClassificationBuilder multi(String sql, List<List<Token>> statements) {
        ClassificationBuilder multi = new ClassificationBuilder(StatementKind.MULTI);
        List<ClassificationBuilder> parts = new ArrayList<>();
        for (List<Token> statement : statements) {
            parts.add(classifyOne(sql, statement));
        }
        for (ClassificationBuilder part : parts) {
            multi.traits.addAll(part.traits);
            multi.addTables(part.tables());
            part.temporaryTables().forEach(multi::addTemporaryTable);
            multi.addLockCalls(part.userLockCalls());
            part.assignments().forEach(multi::addAssignment);
            if (!FOLLOWABLE_IN_MULTI.contains(part.kind) || part.traits.contains(Trait.CREATES_TEMPORARY_TABLE)
                    || part.traits.contains(Trait.DROPS_TEMPORARY_TABLE)) {
                multi.trait(Trait.UNTRACKED_SESSION_CHANGE);
            }
        }
        return multi;
    }

    private static Classification notUnderstood(RouteHint hint) {
        return Classification.of(StatementKind.OTHER, EnumSet.of(Trait.NOT_UNDERSTOOD), hint);
    }
}
