package io.sluice.core.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

class StatementClassifierDetailsTest {

    private final StatementClassifier classifier = new StatementClassifier();

    @Test
    void leadingCommentHintsAreRecognisedAnywhereBeforeTheFirstToken() {
        assertEquals(RouteHint.MASTER, classifier.classify("/*master*/ select 1").hint());
        assertEquals(RouteHint.SLAVE, classifier.classify("/*slave*/ select 1").hint());
        assertEquals(RouteHint.SLAVE, classifier.classify("/* app=shop */ /* SLAVE */ SELECT 1").hint());
        assertEquals(RouteHint.MASTER, classifier.classify("/*slave*/ /*master*/ SELECT 1").hint());
        assertEquals(RouteHint.NONE, classifier.classify("SELECT 1 /*master*/").hint());
        assertEquals(RouteHint.NONE, classifier.classify("/* the master copy */ SELECT 1").hint());
    }

    @Test
    void noBackslashEscapesChangesWhereAStringEnds() {
        String sql = "select 'a\\' from t for update -- '";
        assertEquals(StatementKind.READ, classifier.classify(sql, false).kind());
        assertEquals(StatementKind.LOCKING_READ, classifier.classify(sql, true).kind());
    }

    @Test
    void tablesAreLowerCaseAndKeepTheirSchema() {
        Classification c = classifier.classify(
                "SELECT * FROM App.Users u JOIN `orders` o ON o.uid = u.id, shop.items WHERE u.id IN (SELECT id FROM Tmp)");
        assertEquals(Set.of("app.users", "orders", "shop.items", "tmp"), c.tables());
    }

    @Test
    void writesReportTheirTargetTable() {
        assertTrue(classifier.classify("INSERT INTO tmp_ids (id) VALUES (1)").tables().contains("tmp_ids"));
        assertTrue(classifier.classify("UPDATE db.t SET a = 1").tables().contains("db.t"));
        assertTrue(classifier.classify("DESCRIBE tmp").tables().contains("tmp"));
        assertTrue(classifier.classify("SHOW CREATE TABLE tmp").tables().contains("tmp"));
    }

    @Test
    void setStatementKeepsAssignmentsInOrderWithScopeAndValueText() {
        Classification c = classifier.classify(
                "SET @@SESSION.sql_mode='ANSI', GLOBAL max_connections = 10, @X := 5, time_zone = @@global.time_zone");
        assertEquals(List.of(
                new VariableAssignment(VariableScope.SESSION, "sql_mode", "'ANSI'", true),
                new VariableAssignment(VariableScope.GLOBAL, "max_connections", "10", true),
                new VariableAssignment(VariableScope.USER, "x", "5", true),
                new VariableAssignment(VariableScope.SESSION, "time_zone", "@@global.time_zone", false)),
                c.assignments());
    }

    @Test
    void setNamesIsACharsetChange() {
        assertEquals(new CharsetChange(true, "utf8mb4", "utf8mb4_unicode_ci"),
                classifier.classify("SET NAMES 'utf8mb4' COLLATE 'utf8mb4_unicode_ci'").charsetChange());
        assertEquals(new CharsetChange(true, "utf8", null), classifier.classify("/*!40101 SET NAMES utf8 */").charsetChange());
        assertEquals(new CharsetChange(false, "latin1", null), classifier.classify("SET CHARACTER SET latin1").charsetChange());
    }

    @Test
    void setTransactionWithoutSessionAppliesToTheNextTransactionOnly() {
        assertEquals(new TransactionSettings(false, IsolationLevel.SERIALIZABLE, null),
                classifier.classify("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE").transactionSettings());
        assertEquals(new TransactionSettings(true, IsolationLevel.READ_COMMITTED, Boolean.FALSE),
                classifier.classify("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED, READ WRITE").transactionSettings());
        assertEquals(new TransactionSettings(false, null, Boolean.TRUE),
                classifier.classify("SET @@transaction_read_only = 1").transactionSettings());
        assertEquals(new TransactionSettings(true, IsolationLevel.REPEATABLE_READ, null),
                classifier.classify("SET SESSION transaction_isolation = 'REPEATABLE-READ'").transactionSettings());
    }

    @Test
    void useKeepsTheSchemaAsWritten() {
        assertEquals("App", classifier.classify("USE App").schema());
        assertEquals("my`db", classifier.classify("USE `my``db`").schema());
    }

    @Test
    void temporaryTableStatementsNameTheirTables() {
        assertEquals(List.of("tmp_ids"), classifier.classify("CREATE TEMPORARY TABLE tmp_ids (id INT)").temporaryTables());
        assertEquals(List.of("app.tmp"), classifier.classify("CREATE TEMPORARY TABLE IF NOT EXISTS App.Tmp LIKE t").temporaryTables());
        assertEquals(List.of("a", "db.b"), classifier.classify("DROP TEMPORARY TABLE IF EXISTS a, db.b").temporaryTables());
    }

    @Test
    void textPreparedStatementsCarryTheirName() {
        assertEquals("stmt1", classifier.classify("PREPARE Stmt1 FROM 'SELECT 1'").preparedStatementName());
        assertEquals("stmt1", classifier.classify("EXECUTE stmt1").preparedStatementName());
        assertEquals("stmt1", classifier.classify("DEALLOCATE PREPARE stmt1").preparedStatementName());
        assertNull(classifier.classify("SELECT 1").preparedStatementName());
    }

    @Test
    void userLockCallsCarryLiteralNames() {
        assertEquals(List.of(new UserLockCall(true, "job:1"), new UserLockCall(false, "other")),
                classifier.classify("SELECT GET_LOCK('job:1', 10), RELEASE_LOCK('other')").userLockCalls());
        assertEquals(List.of(new UserLockCall(true, null)),
                classifier.classify("SELECT GET_LOCK(CONCAT('job:', id), 10) FROM t").userLockCalls());
    }

    @Test
    void multiStatementDetectionIgnoresSemicolonsInLiteralsAndComments() {
        assertEquals(StatementKind.READ, classifier.classify("SELECT 'a;b', `c;d` /* ; */ -- ;\n").kind());
        assertEquals(StatementKind.MULTI, classifier.classify("SELECT 'a;b'; SELECT 2").kind());
    }

    @Test
    void plainReadIsOnlyAReadWithoutNotUnderstood() {
        assertTrue(classifier.classify("SELECT 1").isPlainRead());
        assertFalse(classifier.classify("UPDATE t SET a = 1").isPlainRead());
    }

    @Test
    void cteColumnListIsNotMistakenForACall() {
        Classification c = classifier.classify("WITH totals (uid, n) AS (SELECT uid, COUNT(*) FROM o GROUP BY uid) SELECT * FROM totals");
        assertTrue(c.isPlainRead());
        assertTrue(c.traits().isEmpty(), c.traits().toString());
    }

    @Test
    void textTheParserCannotReadIsNotUnderstood() {
        Classification c = classifier.classify("SELECT my_udf(x) FROM t WHERE ((((");
        assertEquals(StatementKind.OTHER, c.kind());
        assertTrue(c.has(Trait.NOT_UNDERSTOOD));
    }

    @Test
    void statementsWithUnknownLeadingWordsAreSettledByTheParser() {
        Classification c = classifier.classify("UPSERT INTO t (a) VALUES (1)");
        assertEquals(StatementKind.WRITE, c.kind());
        assertTrue(c.has(Trait.PARSED));
    }

    @Test
    void aParserRefusesTextOverItsLengthBoundAndParsesTheRest() {
        // A generous time bound: the first parse in a cold JVM on a loaded machine is slow, and
        // this test is about the length limit and an answer, not about speed.
        try (BoundedSqlParser parser = new BoundedSqlParser(Duration.ofSeconds(10), 1, 100)) {
            assertTrue(parser.parse("x".repeat(101)).isEmpty(), "too long is refused");
            assertTrue(parser.parse("SELECT a FROM t").isPresent());
        }
    }

    @Test
    void pathologicalInputReturnsAVerdict() {
        String nested = "SELECT " + "(".repeat(300) + "my_udf(1)" + ")".repeat(300);
        Classification c = classifier.classify(nested);
        assertFalse(c.isPlainRead() && c.traits().isEmpty());
        String wide = "SELECT " + "f(a, ".repeat(2000) + "1" + ")".repeat(2000);
        assertFalse(classifier.classify(wide).traits().isEmpty());
    }

    @Test
    void classifierIsSafeToShareAcrossThreads() throws Exception {
        List<String> statements = List.of("SELECT * FROM t", "SELECT * FROM t FOR UPDATE", "SET @x = 1",
                "SELECT my_udf(1)", "BEGIN", "INSERT INTO t VALUES (1)", "SELECT 1; SELECT 2");
        List<Classification> expected = statements.stream().map(classifier::classify).toList();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(pool.submit(() -> {
                    for (int round = 0; round < 200; round++) {
                        for (int i = 0; i < statements.size(); i++) {
                            if (!classifier.classify(statements.get(i)).equals(expected.get(i))) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertTrue(result.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
