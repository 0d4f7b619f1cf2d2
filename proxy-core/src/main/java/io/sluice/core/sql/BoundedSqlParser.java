package io.sluice.core.sql;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;

/**
 * JSqlParser behind three bounds, because its backtracking can take seconds or more on
 * pathological input and the caller is an event loop:
 * <ul>
 *   <li>text longer than {@code maxLength} is not parsed at all;</li>
 *   <li>the parse runs on a small pool of daemon threads and the caller waits at most
 *       {@code timeout} (JSqlParser's own timeout then flags the parser as interrupted);</li>
 *   <li>when every parser thread is busy (say, stuck on hostile input) a new parse is refused
 *       at once instead of waiting.</li>
 * </ul>
 * The threads start with the parser, so they take the CPUs of the thread that creates it, not
 * those of whichever event loop parses first (event loops may be bound to one CPU each).
 * Every refusal reads as "not understood", which routes to the master. Thread-safe.
 */
public final class BoundedSqlParser implements AutoCloseable {

    private static final class SharedHolder {
        static final BoundedSqlParser INSTANCE = warmedUp(new BoundedSqlParser(Duration.ofMillis(200), 2, 16 * 1024));
    }

    /**
     * Parses a few statements once without a time bound: the first parse in a JVM loads and
     * initialises the grammar's classes, which can take longer than the bound, and would turn
     * the first real statements into "not understood" (master) for no reason.
     */
    private static BoundedSqlParser warmedUp(BoundedSqlParser parser) {
        for (String sql : new String[] {"SELECT a FROM t WHERE b = 1", "UPDATE t SET a = 1", "WITH x AS (SELECT 1) SELECT * FROM x"}) {
            try {
                CCJSqlParserUtil.parse(sql);
            } catch (JSQLParserException e) {
                throw new IllegalStateException("the SQL parser cannot parse \"" + sql + "\"", e);
            }
        }
        return parser;
    }

    private final long timeoutMillis;
    private final int maxLength;
    private final ExecutorService executor;

    public BoundedSqlParser(Duration timeout, int threads, int maxLength) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be at least 1: " + maxLength);
        }
        this.timeoutMillis = timeout.toMillis();
        this.maxLength = maxLength;
        AtomicInteger counter = new AtomicInteger();
        this.executor = new RefusingWhenBusyPool(threads, r -> {
            Thread thread = new Thread(r, "sluice-sql-parser-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** A process-wide parser (2 threads, 200 ms, 16 KiB) for classifiers built without one. */
    public static BoundedSqlParser shared() {
        return SharedHolder.INSTANCE;
    }

    /** The statement, or empty when the text is too long, does not parse, or takes too long. */
    public Optional<Statement> parse(String sql) {
        if (sql.length() > maxLength) {
            return Optional.empty();
        }
        // JSqlParser's own two-step strategy (simple grammar first, the backtracking one only
        // for shallow nesting), without CCJSqlParserUtil.parse's INFO logging on every call.
        Optional<Statement> simple = attempt(sql, false);
        if (simple.isPresent() || CCJSqlParserUtil.getNestingDepth(sql) > CCJSqlParserUtil.ALLOWED_NESTING_DEPTH) {
            return simple;
        }
        return attempt(sql, true);
    }

    private Optional<Statement> attempt(String sql, boolean complexParsing) {
        try {
            CCJSqlParser parser = CCJSqlParserUtil.newParser(sql)
                    .withTimeOut(timeoutMillis)
                    .withAllowComplexParsing(complexParsing);
            return Optional.ofNullable(CCJSqlParserUtil.parseStatement(parser, executor));
        } catch (JSQLParserException | RejectedExecutionException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
