package io.sluice.core.routing;

import static io.sluice.core.session.ServerStatusFlags.AUTOCOMMIT;
import static io.sluice.core.session.ServerStatusFlags.IN_TRANS;
import static io.sluice.core.session.ServerStatusFlags.IN_TRANS_READONLY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.sluice.core.cluster.Backend;
import io.sluice.core.cluster.BackendHealth;
import io.sluice.core.cluster.BackendRole;
import io.sluice.core.cluster.ClusterView;
import io.sluice.core.session.CharsetSetting;
import io.sluice.core.session.ConsistencyLevel;
import io.sluice.core.session.SessionState;
import io.sluice.core.session.StatementOutcome;
import io.sluice.core.sql.Classification;
import io.sluice.core.sql.StatementClassifier;

/** Router rules, exercised the way the server drives them: classify, route, before, after. */
class RouterTest {

    static final StatementClassifier CLASSIFIER = new StatementClassifier();
    static final Backend MASTER = new Backend("m", "db0", 3306, BackendRole.MASTER, 1);
    static final Backend S1 = new Backend("s1", "db1", 3306, BackendRole.SLAVE, 1);
    static final Backend S2 = new Backend("s2", "db2", 3306, BackendRole.SLAVE, 1);
    static final ClusterView VIEW = ClusterView.builder().master(MASTER, BackendHealth.UP)
            .replica(S1, BackendHealth.UP, 0).replica(S2, BackendHealth.UP, 0).build();
    static final ClusterView NO_SLAVES = ClusterView.builder().master(MASTER, BackendHealth.UP)
            .replica(S1, BackendHealth.DOWN, 0).replica(S2, BackendHealth.LAGGING, 90_000).build();

    private final Router router = new Router();

    static SessionState session() {
        return new SessionState("app", CharsetSetting.names("utf8mb4", null), ConsistencyLevel.EVENTUAL);
    }

    /** Routes and runs one statement; the outcome's flags are what the chosen server reports. */
    Route exec(SessionState s, String sql, int flags) {
        return exec(s, sql, StatementOutcome.ok(flags), VIEW);
    }

    Route exec(SessionState s, String sql, StatementOutcome outcome, ClusterView view) {
        Classification c = CLASSIFIER.classify(sql);
        Route route = router.route(c, s, view);
        if (route instanceof Route.Local) {
            s.absorb(c);
        } else {
            s.beforeStatement(c, route.backend(view));
            s.afterStatement(c, outcome);
        }
        return route;
    }

    Route route(SessionState s, String sql) {
        return router.route(CLASSIFIER.classify(sql), s, VIEW);
    }

    static void assertMaster(Route route, RouteReason reason) {
        assertInstanceOf(Route.Master.class, route, route::toString);
        assertEquals(reason, route.reason());
    }

    static Route.Slave assertSlave(Route route, RouteReason reason) {
        Route.Slave slave = assertInstanceOf(Route.Slave.class, route, route::toString);
        assertEquals(reason, route.reason());
        return slave;
    }

    @Test
    void plainAutocommitSelectGoesToSlave() {
        assertSlave(route(session(), "SELECT * FROM t WHERE id = 1"), RouteReason.READ);
        assertSlave(route(session(), "SHOW TABLES"), RouteReason.READ);
    }

    @Test
    void plainReadsAreSpreadOverTheSlavesByWeight() {
        SessionState s = session();
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 100; i++) {
            counts.merge(exec(s, "SELECT 1 FROM t", AUTOCOMMIT).backend(VIEW).name(), 1, Integer::sum);
        }
        assertEquals(Map.of("s1", 50, "s2", 50), counts);
    }

    @Test
    void writeGoesToMaster() {
        assertMaster(route(session(), "UPDATE t SET a = 1"), RouteReason.WRITE);
        assertMaster(route(session(), "CREATE TABLE x (a INT)"), RouteReason.WRITE);
        assertMaster(route(session(), "LOAD DATA LOCAL INFILE 'x' INTO TABLE t"), RouteReason.WRITE);
    }

    @Test
    void selectInsideTransactionGoesToMaster() {
        SessionState s = session();
        assertMaster(exec(s, "BEGIN", AUTOCOMMIT | IN_TRANS), RouteReason.IN_TRANSACTION);
        assertMaster(exec(s, "SELECT * FROM t", AUTOCOMMIT | IN_TRANS), RouteReason.IN_TRANSACTION);
        assertMaster(exec(s, "/*slave*/ SELECT * FROM t", AUTOCOMMIT | IN_TRANS), RouteReason.IN_TRANSACTION);
        assertMaster(exec(s, "COMMIT", AUTOCOMMIT), RouteReason.IN_TRANSACTION);
        assertSlave(route(s, "SELECT * FROM t"), RouteReason.READ);
    }

    @Test
    void errorInsideTransactionKeepsTransaction() {
        SessionState s = session();
        exec(s, "START TRANSACTION", AUTOCOMMIT | IN_TRANS);
        exec(s, "INSERT INTO t VALUES (1)", StatementOutcome.error(), VIEW);
        assertMaster(route(s, "SELECT * FROM t"), RouteReason.IN_TRANSACTION);
    }

    @Test
    void autocommitOffSendsEveryStatementToMaster() {
        SessionState s = session();
        exec(s, "set autocommit=0", 0);
        assertMaster(exec(s, "SELECT 1", 0), RouteReason.AUTOCOMMIT_OFF);
        assertMaster(exec(s, "SELECT * FROM t", IN_TRANS), RouteReason.AUTOCOMMIT_OFF);
        assertMaster(exec(s, "SELECT * FROM u", IN_TRANS), RouteReason.IN_TRANSACTION);
        assertMaster(exec(s, "COMMIT", 0), RouteReason.IN_TRANSACTION);
        assertMaster(route(s, "SELECT * FROM t"), RouteReason.AUTOCOMMIT_OFF);
        exec(s, "set autocommit=1", AUTOCOMMIT);
        assertSlave(route(s, "SELECT * FROM t"), RouteReason.READ);
    }

    @Test
    void readOnlyTransactionStaysOnOneSlave() {
        SessionState s = session();
        Route.Slave begin = assertSlave(exec(s, "START TRANSACTION READ ONLY", AUTOCOMMIT | IN_TRANS | IN_TRANS_READONLY),
                RouteReason.READ_ONLY_TRANSACTION);
        assertTrue(begin.keepForTransaction());
        for (int i = 0; i < 5; i++) {
            Route.Slave read = assertSlave(exec(s, "SELECT * FROM t", AUTOCOMMIT | IN_TRANS | IN_TRANS_READONLY),
                    RouteReason.READ_ONLY_TRANSACTION);
            assertEquals(begin.backend(), read.backend());
        }
        assertEquals(begin.backend(), exec(s, "COMMIT", AUTOCOMMIT).backend(VIEW));
        assertTrue(s.readOnlyTransactionBackend().isEmpty());
    }

    @Test
    void writeInsideReadOnlyTransactionStaysOnItsSlaveToFailThere() {
        SessionState s = session();
        Route begin = exec(s, "START TRANSACTION READ ONLY", AUTOCOMMIT | IN_TRANS | IN_TRANS_READONLY);
        assertEquals(begin.backend(VIEW), route(s, "UPDATE t SET a = 1").backend(VIEW));
    }

    @Test
    void implicitCommitInsideReadOnlyTransactionGoesToMaster() {
        SessionState s = session();
        exec(s, "START TRANSACTION READ ONLY", AUTOCOMMIT | IN_TRANS | IN_TRANS_READONLY);
        assertMaster(exec(s, "CREATE TABLE x (a INT)", AUTOCOMMIT), RouteReason.ENDS_SLAVE_TRANSACTION);
        assertSlave(route(s, "SELECT 1 FROM t"), RouteReason.READ);
    }

    @Test
    void setTransactionReadOnlyBeforeBeginSendsTheTransactionToASlave() {
        SessionState s = session();
        Route set = exec(s, "SET TRANSACTION READ ONLY", AUTOCOMMIT);
        assertInstanceOf(Route.Local.class, set);
        assertEquals(RouteReason.NEXT_TRANSACTION_SETTINGS, set.reason());
        assertSlave(exec(s, "BEGIN", AUTOCOMMIT | IN_TRANS | IN_TRANS_READONLY), RouteReason.READ_ONLY_TRANSACTION);
        exec(s, "COMMIT", AUTOCOMMIT);
        assertMaster(route(s, "BEGIN"), RouteReason.IN_TRANSACTION);
    }

    @Test
    void readOnlyTransactionWithoutUsableSlaveRunsOnMaster() {
        SessionState s = session();
        assertMaster(exec(s, "START TRANSACTION READ ONLY", StatementOutcome.ok(AUTOCOMMIT | IN_TRANS), NO_SLAVES),
                RouteReason.NO_USABLE_SLAVE);
        assertMaster(router.route(CLASSIFIER.classify("SELECT 1"), s, VIEW), RouteReason.IN_TRANSACTION);
    }

    @Test
    void userVariableAssignmentPinsUntilReset() {
        SessionState s = session();
        assertMaster(exec(s, "SET @x = 1", AUTOCOMMIT), RouteReason.SESSION_COMMAND);
        assertMaster(route(s, "SELECT * FROM t"), RouteReason.PINNED);
        s.reset("app", CharsetSetting.names("utf8mb4", null));
        assertSlave(route(s, "SELECT * FROM t"), RouteReason.READ);
    }

    @Test
    void readingAUserVariableGoesToMaster() {
        assertMaster(route(session(), "select * from t where a = @x"), RouteReason.USER_VARIABLE);
    }

    @Test
    void lockingReadsGoToMaster() {
        assertMaster(route(session(), "select * from t for update"), RouteReason.LOCKING_READ);
        assertMaster(route(session(), "select * from t for share"), RouteReason.LOCKING_READ);
        assertMaster(route(session(), "select * from t lock in share mode"), RouteReason.LOCKING_READ);
    }

    @Test
    void sideEffectsGoToMaster() {
        for (String sql : new String[] {"SELECT LAST_INSERT_ID()", "select get_lock('a', 1)", "SELECT SLEEP(1)",
                "select my_udf(x) from t", "select * into outfile '/tmp/x' from t", "SELECT nextval(s)",
                "select sql_calc_found_rows * from t", "SELECT CONNECTION_ID()"}) {
            assertMaster(route(session(), sql), RouteReason.SIDE_EFFECT);
        }
    }

    @Test
    void questionsAboutOneServerGoToMaster() {
        assertMaster(route(session(), "SELECT @@read_only"), RouteReason.SERVER_SPECIFIC);
        assertMaster(route(session(), "SHOW MASTER STATUS"), RouteReason.SERVER_SPECIFIC);
    }

    @Test
    void temporaryTableReadGoesToMaster() {
        SessionState s = session();
        exec(s, "CREATE TEMPORARY TABLE tmp (id INT)", AUTOCOMMIT);
        assertMaster(route(s, "SELECT * FROM tmp"), RouteReason.TEMP_TABLE);
        assertMaster(route(s, "SELECT * FROM other"), RouteReason.PINNED);
        exec(s, "DROP TEMPORARY TABLE tmp", AUTOCOMMIT);
        assertSlave(route(s, "SELECT * FROM tmp"), RouteReason.READ);
    }

    @Test
    void serializableSendsReadsToMaster() {
        SessionState s = session();
        exec(s, "SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE", AUTOCOMMIT);
        assertMaster(route(s, "SELECT * FROM t"), RouteReason.SERIALIZABLE);
        assertMaster(route(s, "START TRANSACTION READ ONLY"), RouteReason.SERIALIZABLE);
    }

    @Test
    void serializableForTheNextTransactionOnlyLastsOneTransaction() {
        SessionState s = session();
        exec(s, "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", AUTOCOMMIT);
        assertMaster(exec(s, "SELECT * FROM t", AUTOCOMMIT), RouteReason.SERIALIZABLE);
        assertSlave(route(s, "SELECT * FROM t"), RouteReason.READ);
    }

    @Test
    void masterHintSendsAReadToMaster() {
        assertMaster(route(session(), "/*master*/ select 1"), RouteReason.HINT_MASTER);
    }

    @Test
    void slaveHintOnAReadGoesToSlave() {
        SessionState s = new SessionState(null, CharsetSetting.names("utf8mb4", null), ConsistencyLevel.PRIMARY);
        assertSlave(route(s, "/*slave*/ select 1"), RouteReason.HINT_SLAVE);
    }

    @Test
    void slaveHintOnAWriteIsIgnored() {
        assertMaster(route(session(), "/*slave*/ UPDATE t SET a = 1"), RouteReason.WRITE);
        assertMaster(route(session(), "/*slave*/ SELECT * FROM t FOR UPDATE"), RouteReason.LOCKING_READ);
    }

    @Test
    void slaveHintDoesNotBreakAPin() {
        SessionState s = session();
        exec(s, "SELECT GET_LOCK('a', 1)", AUTOCOMMIT);
        assertMaster(route(s, "/*slave*/ SELECT 1"), RouteReason.PINNED);
    }

    @Test
    void noUsableSlaveFallsBackToMaster() {
        assertMaster(router.route(CLASSIFIER.classify("SELECT 1"), session(), NO_SLAVES), RouteReason.NO_USABLE_SLAVE);
    }

    @Test
    void consistencyPrimarySendsReadsToMaster() {
        SessionState s = session();
        s.consistency(ConsistencyLevel.PRIMARY);
        assertMaster(route(s, "SELECT 1 FROM t"), RouteReason.CONSISTENCY_PRIMARY);
    }

    @Test
    void readYourWritesCarriesTheLastWrittenGtid() {
        SessionState s = new SessionState("app", CharsetSetting.names("utf8mb4", null), ConsistencyLevel.READ_YOUR_WRITES);
        assertNull(assertSlave(route(s, "SELECT 1 FROM t"), RouteReason.READ).waitForGtid());
        exec(s, "INSERT INTO t VALUES (1)",
                new StatementOutcome(true, AUTOCOMMIT, 1, 0, "uuid:1-5", Map.of(), null, null), VIEW);
        assertEquals("uuid:1-5", assertSlave(route(s, "SELECT 1 FROM t"), RouteReason.READ).waitForGtid());
    }

    @Test
    void multiStatementGoesToMaster() {
        assertMaster(route(session(), "SELECT 1; SELECT 2"), RouteReason.MULTI_STATEMENT);
    }

    @Test
    void callAndUnknownTextGoToMaster() {
        assertMaster(route(session(), "CALL p()"), RouteReason.CALL);
        assertMaster(route(session(), "hello world"), RouteReason.NOT_UNDERSTOOD);
        assertMaster(route(session(), "SELECT 'unterminated"), RouteReason.NOT_UNDERSTOOD);
    }

    @Test
    void sessionCommandsGoToMaster() {
        assertMaster(route(session(), "SET NAMES utf8mb4"), RouteReason.SESSION_COMMAND);
        assertMaster(route(session(), "USE app"), RouteReason.SESSION_COMMAND);
    }

    @Test
    void sessionCommandsRunOnASlaveWhileTheMasterIsDown() {
        ClusterView masterDown = ClusterView.builder().master(MASTER, BackendHealth.DOWN)
                .replica(S1, BackendHealth.UP, 0).replica(S2, BackendHealth.UP, 0).build();
        for (String sql : List.of("SET NAMES utf8mb4", "USE app", "SET time_zone = '+00:00', sql_mode = ''", "SET autocommit = 1")) {
            Route r = router.route(CLASSIFIER.classify(sql), session(), masterDown);
            assertTrue(r instanceof Route.Slave, sql + ": " + r);
            assertEquals(RouteReason.SESSION_COMMAND_MASTER_DOWN, r.reason(), sql);
        }
        // What leaves state on the connection still needs the master.
        for (String sql : List.of("SET @x = 1", "PREPARE s FROM 'SELECT 1'")) {
            assertTrue(router.route(CLASSIFIER.classify(sql), session(), masterDown) instanceof Route.Master, sql);
        }
        ClusterView allDown = ClusterView.builder().master(MASTER, BackendHealth.DOWN)
                .replica(S1, BackendHealth.DOWN, 0).replica(S2, BackendHealth.LAGGING, 90_000).build();
        assertMaster(router.route(CLASSIFIER.classify("USE app"), session(), allDown), RouteReason.SESSION_COMMAND);
    }

    @Test
    void showWarningsFollowsThePreviousStatement() {
        SessionState s = session();
        Route read = exec(s, "SELECT * FROM t", AUTOCOMMIT);
        Route warnings = route(s, "SHOW WARNINGS");
        assertEquals(RouteReason.PREVIOUS_STATEMENT, warnings.reason());
        assertEquals(read.backend(VIEW), warnings.backend(VIEW));
        exec(s, "UPDATE t SET a = 1", AUTOCOMMIT);
        assertMaster(route(s, "SHOW WARNINGS"), RouteReason.PREVIOUS_STATEMENT);
        assertMaster(route(s, "SELECT ROW_COUNT()"), RouteReason.PREVIOUS_STATEMENT);
    }

    @Test
    void foundRowsAfterCalcFoundRowsStaysOnTheMasterConnection() {
        SessionState s = session();
        assertMaster(exec(s, "SELECT SQL_CALC_FOUND_ROWS * FROM t LIMIT 10", AUTOCOMMIT), RouteReason.SIDE_EFFECT);
        assertTrue(s.holdsMasterConnection());
        assertMaster(exec(s, "SELECT FOUND_ROWS()", AUTOCOMMIT), RouteReason.PINNED);
        assertSlave(route(s, "SELECT * FROM t"), RouteReason.READ);
    }

    @Test
    void routerDoesNotChangeTheSession() {
        SessionState s = session();
        Classification begin = CLASSIFIER.classify("BEGIN");
        router.route(begin, s, VIEW);
        router.route(CLASSIFIER.classify("SET @x = 1"), s, VIEW);
        assertEquals(false, s.inTransaction());
        assertEquals(Set.of(), s.pins());
    }

    @Test
    void slaveRouteRefusesTheMaster() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new Route.Slave(MASTER, RouteReason.READ, false, null));
        assertEquals(Set.of("master", "slave", "local"), new HashSet<>(java.util.List.of(
                new Route.Master(RouteReason.WRITE).target(), new Route.Slave(S1, RouteReason.READ, false, null).target(),
                new Route.Local(RouteReason.NEXT_TRANSACTION_SETTINGS).target())));
    }
    @Test
    void statementsThatLeaveStateOnTheirConnectionAreKnown() {
        for (String sql : java.util.List.of("SET @x = 1", "SELECT @x := 1", "SELECT 1 INTO @x", "SELECT GET_LOCK('l', 0)",
                "SELECT RELEASE_LOCK('l')", "DO RELEASE_ALL_LOCKS()", "CREATE TEMPORARY TABLE t (a INT)",
                "PREPARE s FROM 'SELECT 1'", "DEALLOCATE PREPARE s", "LOCK INSTANCE FOR BACKUP", "SET ROLE r")) {
            assertTrue(Router.leavesStateOnConnection(CLASSIFIER.classify(sql)), sql);
        }
        for (String sql : java.util.List.of("SELECT * FROM t", "SELECT @x", "SET SESSION sql_mode = ''", "USE app",
                "SELECT * FROM t FOR UPDATE", "CALL p()", "EXECUTE s", "COMMIT")) {
            org.junit.jupiter.api.Assertions.assertFalse(Router.leavesStateOnConnection(CLASSIFIER.classify(sql)), sql);
        }
    }
}
