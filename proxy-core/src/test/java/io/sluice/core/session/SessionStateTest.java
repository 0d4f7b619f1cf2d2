package io.sluice.core.session;

import static io.sluice.core.session.ServerStatusFlags.AUTOCOMMIT;
import static io.sluice.core.session.ServerStatusFlags.IN_TRANS;
import static io.sluice.core.session.ServerStatusFlags.IN_TRANS_READONLY;
import static io.sluice.core.session.ServerStatusFlags.NO_BACKSLASH_ESCAPES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.sluice.core.cluster.Backend;
import io.sluice.core.cluster.BackendRole;
import io.sluice.core.sql.Classification;
import io.sluice.core.sql.IsolationLevel;
import io.sluice.core.sql.StatementClassifier;

class SessionStateTest {

    static final StatementClassifier CLASSIFIER = new StatementClassifier();
    static final Backend MASTER = new Backend("m", "db0", 3306, BackendRole.MASTER, 1);
    static final Backend SLAVE = new Backend("s1", "db1", 3306, BackendRole.SLAVE, 1);
    static final CharsetSetting UTF8MB4 = CharsetSetting.names("utf8mb4", "utf8mb4_0900_ai_ci");

    static SessionState newSession() {
        return new SessionState("app", UTF8MB4, ConsistencyLevel.EVENTUAL);
    }

    static Classification run(SessionState s, String sql, StatementOutcome outcome) {
        return run(s, sql, MASTER, outcome);
    }

    static Classification run(SessionState s, String sql, Backend on, StatementOutcome outcome) {
        Classification c = CLASSIFIER.classify(sql);
        s.beforeStatement(c, on);
        s.afterStatement(c, outcome);
        return c;
    }

    static StatementOutcome ok(int flags) {
        return StatementOutcome.ok(flags);
    }

    static StatementOutcome okTracking(int flags, Map<String, String> changed) {
        return new StatementOutcome(true, flags, 0, 0, null, changed, null, null);
    }

    // ---- proxy-owned variables ----------------------------------------------------------

    @Test
    void clientChangeOfTheSessionTrackersIsNeitherReplayedNorPinned() {
        SessionState s = newSession();
        // MariaDB Connector/J sends this at connect time.
        run(s, "set autocommit=1, session_track_schema=1, session_track_system_variables="
                + "CONCAT(@@global.session_track_system_variables, ',auto_increment_increment')",
                ok(ServerStatusFlags.AUTOCOMMIT));
        assertFalse(s.isPinnedToMaster(), "pins: " + s.pins());
        assertTrue(s.variables().keySet().stream().noneMatch(SessionState::isProxyOwned), s.variables().toString());
    }

    // ---- transactions -------------------------------------------------------------------

    @Test
    void newSessionIsAutocommitOutsideAnyTransactionAndUnpinned() {
        SessionState s = newSession();
        assertTrue(s.autocommit());
        assertFalse(s.inTransaction());
        assertFalse(s.isPinnedToMaster());
        assertFalse(s.holdsMasterConnection());
        assertEquals(AUTOCOMMIT, s.statusFlags());
    }

    @Test
    void beginOpensTransactionAndCommitClosesIt() {
        SessionState s = newSession();
        run(s, "BEGIN", ok(AUTOCOMMIT | IN_TRANS));
        assertTrue(s.inTransaction());
        assertTrue(s.holdsMasterConnection());
        run(s, "COMMIT", ok(AUTOCOMMIT));
        assertFalse(s.inTransaction());
        assertFalse(s.holdsMasterConnection());
    }

    @Test
    void beginIsPredictedBeforeTheResponseArrives() {
        SessionState s = newSession();
        s.beforeStatement(CLASSIFIER.classify("START TRANSACTION"), MASTER);
        assertTrue(s.inTransaction());
    }

    @Test
    void errorInsideTransactionKeepsTransaction() {
        SessionState s = newSession();
        run(s, "BEGIN", ok(AUTOCOMMIT | IN_TRANS));
        run(s, "INSERT INTO t VALUES (1)", StatementOutcome.error());
        assertTrue(s.inTransaction());
        run(s, "COMMIT", StatementOutcome.error());
        assertTrue(s.inTransaction(), "a failed COMMIT may have left the transaction open");
        run(s, "ROLLBACK", ok(AUTOCOMMIT));
        assertFalse(s.inTransaction());
    }

    @Test
    void autocommitOffComesFromTheStatusFlags() {
        SessionState s = newSession();
        run(s, "set autocommit=0", ok(0));
        assertFalse(s.autocommit());
        assertTrue(s.holdsMasterConnection());
        run(s, "SELECT * FROM t", ok(IN_TRANS));
        assertTrue(s.inTransaction());
        run(s, "COMMIT", ok(0));
        assertFalse(s.inTransaction());
        assertFalse(s.autocommit());
        run(s, "SET autocommit=1", ok(AUTOCOMMIT));
        assertTrue(s.autocommit());
        assertFalse(s.holdsMasterConnection());
    }

    @Test
    void ddlImplicitCommitIsTakenFromTheFlags() {
        SessionState s = newSession();
        run(s, "BEGIN", ok(AUTOCOMMIT | IN_TRANS));
        run(s, "ALTER TABLE t ADD COLUMN c INT", ok(AUTOCOMMIT));
        assertFalse(s.inTransaction());
    }

    @Test
    void readOnlyTransactionRemembersItsSlave() {
        SessionState s = newSession();
        run(s, "START TRANSACTION READ ONLY", SLAVE, ok(AUTOCOMMIT | IN_TRANS | IN_TRANS_READONLY));
        assertEquals(SLAVE, s.readOnlyTransactionBackend().orElseThrow());
        assertTrue(s.transactionReadOnly());
        assertFalse(s.holdsMasterConnection());
        run(s, "SELECT 1", SLAVE, ok(AUTOCOMMIT | IN_TRANS | IN_TRANS_READONLY));
        run(s, "COMMIT", SLAVE, ok(AUTOCOMMIT));
        assertTrue(s.readOnlyTransactionBackend().isEmpty());
    }

    @Test
    void implicitCommitOnMasterEndsTheSlaveTransaction() {
        SessionState s = newSession();
        run(s, "START TRANSACTION READ ONLY", SLAVE, ok(AUTOCOMMIT | IN_TRANS | IN_TRANS_READONLY));
        run(s, "CREATE TABLE x (a INT)", MASTER, ok(AUTOCOMMIT));
        assertFalse(s.inTransaction());
        assertTrue(s.readOnlyTransactionBackend().isEmpty());
    }

    @Test
    void xaTransactionCountsAsOpenUntilCommitOrRollback() {
        SessionState s = newSession();
        run(s, "XA START 'x'", ok(AUTOCOMMIT));
        assertTrue(s.inTransaction());
        run(s, "XA END 'x'", ok(AUTOCOMMIT));
        run(s, "XA PREPARE 'x'", ok(AUTOCOMMIT));
        assertTrue(s.inTransaction());
        run(s, "XA COMMIT 'x'", ok(AUTOCOMMIT));
        assertFalse(s.inTransaction());
    }

    @Test
    void setTransactionWithoutSessionAppliesToTheNextTransactionOnly() {
        SessionState s = newSession();
        s.absorb(CLASSIFIER.classify("SET TRANSACTION READ ONLY"));
        s.absorb(CLASSIFIER.classify("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE"));
        assertTrue(s.nextTransactionReadOnly());
        assertTrue(s.isSerializable());
        assertNull(s.isolation());
        run(s, "START TRANSACTION", ok(AUTOCOMMIT | IN_TRANS | IN_TRANS_READONLY));
        assertFalse(s.nextTransactionReadOnly());
        assertFalse(s.isSerializable());
    }

    @Test
    void setSessionTransactionChangesEveryLaterTransaction() {
        SessionState s = newSession();
        run(s, "SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE", ok(AUTOCOMMIT));
        run(s, "SET SESSION TRANSACTION READ ONLY", ok(AUTOCOMMIT));
        run(s, "BEGIN", ok(AUTOCOMMIT | IN_TRANS));
        run(s, "COMMIT", ok(AUTOCOMMIT));
        assertEquals(IsolationLevel.SERIALIZABLE, s.isolation());
        assertTrue(s.nextTransactionReadOnly());
        assertTrue(s.isSerializable());
    }

    // ---- pins ----------------------------------------------------------------------------

    @Test
    void userVariableAssignmentPinsUntilReset() {
        SessionState s = newSession();
        run(s, "SET @x = 1", ok(AUTOCOMMIT));
        assertEquals(Set.of(PinReason.USER_VARIABLES), s.pins());
        run(s, "SELECT 1", ok(AUTOCOMMIT));
        run(s, "COMMIT", ok(AUTOCOMMIT));
        assertTrue(s.isPinnedToMaster());
        s.reset("app", UTF8MB4);
        assertFalse(s.isPinnedToMaster());
    }

    @Test
    void selectAssigningAUserVariablePins() {
        SessionState s = newSession();
        run(s, "SELECT @rn := @rn + 1 FROM t", ok(AUTOCOMMIT));
        assertTrue(s.pins().contains(PinReason.USER_VARIABLES));
    }

    @Test
    void connectionValuesPinInsteadOfBeingReplayed() {
        for (String sql : java.util.List.of("SET insert_id = 100", "SET SESSION last_insert_id = 7", "SET @@identity = 3",
                "SELECT LAST_INSERT_ID(42)", "DO LAST_INSERT_ID(id + 1)")) {
            SessionState s = newSession();
            run(s, sql, ok(AUTOCOMMIT));
            assertEquals(Set.of(PinReason.UNTRACKED_SESSION_CHANGE), s.pins(), sql);
            assertEquals(Map.of(), s.variables(), sql + ": nothing to replay on another connection");
        }
        SessionState plain = newSession();
        run(plain, "SELECT LAST_INSERT_ID()", ok(AUTOCOMMIT));
        assertFalse(plain.isPinnedToMaster(), "reading the value changes nothing");
        SessionState sequence = newSession();
        run(sequence, "UPDATE counters SET n = LAST_INSERT_ID(n + 1)",
                new StatementOutcome(true, AUTOCOMMIT, 1, 8, null, Map.of(), null, null));
        assertFalse(sequence.isPinnedToMaster(), "the UPDATE's OK packet reports the value");
        assertEquals(8, sequence.lastInsertId());
    }

    @Test
    void usingASequencePinsSoThatLastvalReadsThisConnectionsValue() {
        for (String sql : java.util.List.of("SELECT NEXTVAL(s)", "INSERT INTO t (id) VALUES (NEXT VALUE FOR s)",
                "SELECT SETVAL(s, 100)")) {
            SessionState s = newSession();
            run(s, sql, ok(AUTOCOMMIT));
            assertEquals(Set.of(PinReason.SEQUENCE_VALUES), s.pins(), sql);
        }
    }

    @Test
    void aFailedMultiStatementKeepsThePinsItsStatementsCouldHaveMade() {
        for (String sql : java.util.List.of("SELECT NEXTVAL(s); SELECT bad syntax", "FLUSH TABLES WITH READ LOCK; SELEC 1",
                "BACKUP STAGE START; SELEC 1", "SET @a = 1; SELEC 1")) {
            SessionState s = newSession();
            run(s, sql, StatementOutcome.error());
            assertTrue(s.isPinnedToMaster(), sql);
        }
    }

    @Test
    void temporaryTablePinsUntilDropped() {
        SessionState s = newSession();
        run(s, "CREATE TEMPORARY TABLE tmp_ids (id INT)", ok(AUTOCOMMIT));
        assertEquals(Set.of(PinReason.TEMPORARY_TABLES), s.pins());
        assertEquals(Set.of("app.tmp_ids"), s.temporaryTables());
        assertTrue(s.referencesTemporaryTable(CLASSIFIER.classify("SELECT * FROM TMP_IDS")));
        assertTrue(s.referencesTemporaryTable(CLASSIFIER.classify("SELECT * FROM app.tmp_ids t JOIN u USING (id)")));
        assertFalse(s.referencesTemporaryTable(CLASSIFIER.classify("SELECT * FROM users")));
        run(s, "DROP TEMPORARY TABLE app.tmp_ids", ok(AUTOCOMMIT));
        assertFalse(s.isPinnedToMaster());
    }

    @Test
    void dropTableDropsATemporaryTableOfThatName() {
        SessionState s = newSession();
        run(s, "CREATE TEMPORARY TABLE t1 (id INT)", ok(AUTOCOMMIT));
        run(s, "CREATE TEMPORARY TABLE t2 (id INT)", ok(AUTOCOMMIT));
        run(s, "DROP TABLE t1", ok(AUTOCOMMIT));
        assertEquals(Set.of("app.t2"), s.temporaryTables());
        assertTrue(s.isPinnedToMaster());
    }

    @Test
    void failedCreateTemporaryTableDoesNotPin() {
        SessionState s = newSession();
        run(s, "CREATE TEMPORARY TABLE tmp (id INT)", StatementOutcome.error());
        assertFalse(s.isPinnedToMaster());
    }

    @Test
    void getLockPinsUntilEveryNamedLockIsReleased() {
        SessionState s = newSession();
        run(s, "SELECT GET_LOCK('a', 1)", ok(AUTOCOMMIT));
        run(s, "SELECT GET_LOCK('a', 1)", ok(AUTOCOMMIT));
        run(s, "SELECT GET_LOCK('b', 1)", ok(AUTOCOMMIT));
        run(s, "SELECT RELEASE_LOCK('a')", ok(AUTOCOMMIT));
        run(s, "SELECT RELEASE_LOCK('b')", ok(AUTOCOMMIT));
        assertTrue(s.pins().contains(PinReason.USER_LOCKS), "'a' was taken twice");
        run(s, "SELECT RELEASE_LOCK('a')", ok(AUTOCOMMIT));
        assertFalse(s.isPinnedToMaster());
    }

    @Test
    void lockWithComputedNameIsOnlyReleasedByReleaseAllLocks() {
        SessionState s = newSession();
        run(s, "SELECT GET_LOCK(CONCAT('job', 1), 1)", ok(AUTOCOMMIT));
        run(s, "SELECT RELEASE_LOCK('job1')", ok(AUTOCOMMIT));
        assertTrue(s.isPinnedToMaster());
        run(s, "DO RELEASE_ALL_LOCKS()", ok(AUTOCOMMIT));
        assertFalse(s.isPinnedToMaster());
    }

    @Test
    void lockTablesPinsUntilUnlockOrBegin() {
        SessionState s = newSession();
        run(s, "LOCK TABLES t WRITE", ok(AUTOCOMMIT));
        assertEquals(Set.of(PinReason.LOCK_TABLES), s.pins());
        run(s, "UNLOCK TABLES", ok(AUTOCOMMIT));
        assertFalse(s.isPinnedToMaster());
        run(s, "LOCK TABLES t READ", ok(AUTOCOMMIT));
        run(s, "START TRANSACTION", ok(AUTOCOMMIT | IN_TRANS));
        assertFalse(s.pins().contains(PinReason.LOCK_TABLES), "START TRANSACTION releases table locks");
    }

    @Test
    void globalReadLockPinsUntilUnlockTablesEvenAcrossBegin() {
        SessionState s = newSession();
        run(s, "FLUSH TABLES WITH READ LOCK", ok(AUTOCOMMIT));
        run(s, "START TRANSACTION", ok(AUTOCOMMIT | IN_TRANS));
        run(s, "COMMIT", ok(AUTOCOMMIT));
        assertEquals(Set.of(PinReason.GLOBAL_READ_LOCK), s.pins(), "START TRANSACTION keeps the global read lock");
        run(s, "UNLOCK TABLES", ok(AUTOCOMMIT));
        assertFalse(s.isPinnedToMaster());
    }

    @Test
    void backupLocksPinUntilReleased() {
        for (String[] takeRelease : new String[][] {
                {"LOCK INSTANCE FOR BACKUP", "UNLOCK INSTANCE"}, {"BACKUP STAGE START", "BACKUP STAGE END"},
                {"BACKUP LOCK app.t", "BACKUP UNLOCK"}}) {
            SessionState s = newSession();
            run(s, takeRelease[0], ok(AUTOCOMMIT));
            assertEquals(Set.of(PinReason.BACKUP_LOCK), s.pins(), takeRelease[0]);
            run(s, "UNLOCK TABLES", ok(AUTOCOMMIT));
            assertEquals(Set.of(PinReason.BACKUP_LOCK), s.pins(), "UNLOCK TABLES does not release " + takeRelease[0]);
            run(s, takeRelease[1], ok(AUTOCOMMIT));
            assertFalse(s.isPinnedToMaster(), takeRelease[1]);
        }
    }

    @Test
    void executePinsUnlessTheServerSaysNothingChanged() {
        SessionState unknown = newSession();
        run(unknown, "PREPARE s FROM 'CREATE TEMPORARY TABLE tmp (id INT)'", ok(AUTOCOMMIT));
        run(unknown, "EXECUTE s", ok(AUTOCOMMIT)); // no session-state information: may have changed
        run(unknown, "DEALLOCATE PREPARE s", ok(AUTOCOMMIT));
        assertEquals(Set.of(PinReason.EXECUTED_STATEMENT_SESSION_CHANGE), unknown.pins(),
                "the temporary table the EXECUTE may have made keeps the session on its connection");

        SessionState unchanged = newSession();
        run(unchanged, "PREPARE s FROM 'SELECT 1'", ok(AUTOCOMMIT));
        run(unchanged, "EXECUTE s", new StatementOutcome(true, AUTOCOMMIT, 0, 0, null, Map.of(), null, null, false));
        run(unchanged, "DEALLOCATE PREPARE s", ok(AUTOCOMMIT));
        assertFalse(unchanged.isPinnedToMaster(), "the server reported no state change");
    }

    @Test
    void textPreparedStatementsPinUntilDeallocated() {
        SessionState s = newSession();
        run(s, "PREPARE s1 FROM 'SELECT 1'", ok(AUTOCOMMIT));
        run(s, "PREPARE s2 FROM 'SELECT 2'", ok(AUTOCOMMIT));
        assertEquals(Set.of("s1", "s2"), s.textPreparedStatements());
        run(s, "DEALLOCATE PREPARE s1", ok(AUTOCOMMIT));
        assertTrue(s.isPinnedToMaster());
        run(s, "PREPARE s2 FROM 'SELEKT'", StatementOutcome.error());
        assertFalse(s.isPinnedToMaster(), "a failed PREPARE deallocates the old statement of that name");
    }

    @Test
    void calcFoundRowsPinsUntilTheNextStatementButNotAcrossShowWarnings() {
        SessionState s = newSession();
        run(s, "SELECT SQL_CALC_FOUND_ROWS * FROM t LIMIT 10", ok(AUTOCOMMIT));
        assertEquals(Set.of(PinReason.FOUND_ROWS), s.pins());
        run(s, "SHOW WARNINGS", ok(AUTOCOMMIT));
        assertTrue(s.isPinnedToMaster());
        run(s, "SELECT FOUND_ROWS()", ok(AUTOCOMMIT));
        assertFalse(s.isPinnedToMaster());
    }

    @Test
    void sqlLogBinOffPinsAndOnUnpins() {
        SessionState s = newSession();
        run(s, "SET sql_log_bin = 0", ok(AUTOCOMMIT));
        assertEquals(Set.of(PinReason.SQL_LOG_BIN), s.pins());
        run(s, "SET SESSION sql_log_bin = ON", ok(AUTOCOMMIT));
        assertFalse(s.isPinnedToMaster());
        assertTrue(s.variables().isEmpty(), "sql_log_bin is never replayed");
    }

    @Test
    void untrackedChangesPin() {
        SessionState s = newSession();
        run(s, "SET ROLE ALL", ok(AUTOCOMMIT));
        assertEquals(Set.of(PinReason.UNTRACKED_SESSION_CHANGE), s.pins());
        SessionState other = newSession();
        run(other, "SET time_zone = @@global.time_zone", ok(AUTOCOMMIT));
        assertEquals(Set.of(PinReason.UNTRACKED_SESSION_CHANGE), other.pins(), "no tracked value came back");
    }

    @Test
    void sessionChangeInsideMultiStatementPinsEvenWhenItFails() {
        SessionState s = newSession();
        run(s, "SELECT 1; SET NAMES latin1", ok(AUTOCOMMIT));
        assertEquals(Set.of(PinReason.MULTI_STATEMENT_SESSION_CHANGE), s.pins());
        SessionState failed = newSession();
        run(failed, "SET @a = 1; SELECT bad syntax here", StatementOutcome.error());
        assertTrue(failed.pins().contains(PinReason.USER_VARIABLES));
    }

    // ---- session values -------------------------------------------------------------------

    @Test
    void schemaFollowsUseAndTheSessionTracker() {
        SessionState s = newSession();
        run(s, "USE shop", ok(AUTOCOMMIT));
        assertEquals("shop", s.schema());
        run(s, "CALL switch_db()", new StatementOutcome(true, AUTOCOMMIT, 0, 0, null, Map.of(), "other", null));
        assertEquals("other", s.schema());
    }

    @Test
    void lastInsertIdAndGtidComeFromOkPackets() {
        SessionState s = newSession();
        run(s, "INSERT INTO t VALUES (NULL)",
                new StatementOutcome(true, AUTOCOMMIT, 1, 42, "3e11fa47-71ca-11e1-9e33-c80aa9429562:23", Map.of(), null, null));
        run(s, "UPDATE t SET a = 1", new StatementOutcome(true, AUTOCOMMIT, 1, 0, null, Map.of(), null, null));
        assertEquals(42, s.lastInsertId(), "an OK without an insert id keeps LAST_INSERT_ID()");
        assertEquals("3e11fa47-71ca-11e1-9e33-c80aa9429562:23", s.lastWrittenGtid());
    }

    @Test
    void noBackslashEscapesComesFromTheFlags() {
        SessionState s = newSession();
        run(s, "SET sql_mode = 'NO_BACKSLASH_ESCAPES'", ok(AUTOCOMMIT | NO_BACKSLASH_ESCAPES));
        assertTrue(s.noBackslashEscapes());
        assertEquals(AUTOCOMMIT | NO_BACKSLASH_ESCAPES, s.statusFlags());
    }

    @Test
    void trackedValueReplacesAnExpression() {
        SessionState s = newSession();
        run(s, "SET sql_mode = CONCAT(@@sql_mode, ',ANSI_QUOTES'), wait_timeout = 2 * 60",
                okTracking(AUTOCOMMIT, Map.of("sql_mode", "ANSI_QUOTES,STRICT_TRANS_TABLES", "wait_timeout", "120")));
        assertEquals(Map.of("sql_mode", "'ANSI_QUOTES,STRICT_TRANS_TABLES'", "wait_timeout", "120"), s.variables());
        assertFalse(s.isPinnedToMaster());
    }

    @Test
    void resetForgetsSessionStateButKeepsConsistencyAndLastWrite() {
        SessionState s = new SessionState("app", UTF8MB4, ConsistencyLevel.READ_YOUR_WRITES);
        run(s, "INSERT INTO t VALUES (1)", new StatementOutcome(true, AUTOCOMMIT, 1, 7, "uuid:1", Map.of(), null, null));
        run(s, "SET time_zone = '+01:00'", ok(AUTOCOMMIT));
        run(s, "SET @x = 1", ok(AUTOCOMMIT));
        run(s, "CREATE TEMPORARY TABLE tmp (a INT)", ok(AUTOCOMMIT));
        run(s, "SET autocommit = 0", ok(0));
        s.reset("other", CharsetSetting.names("latin1", null));
        assertTrue(s.autocommit());
        assertTrue(s.pins().isEmpty());
        assertTrue(s.temporaryTables().isEmpty());
        assertTrue(s.variables().isEmpty());
        assertEquals(0, s.lastInsertId());
        assertEquals("other", s.schema());
        assertEquals("uuid:1", s.lastWrittenGtid());
        assertEquals(ConsistencyLevel.READ_YOUR_WRITES, s.consistency());
    }
}
