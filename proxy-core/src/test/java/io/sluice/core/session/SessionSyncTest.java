package io.sluice.core.session;

import static io.sluice.core.session.ServerStatusFlags.AUTOCOMMIT;
import static io.sluice.core.session.SessionStateTest.CLASSIFIER;
import static io.sluice.core.session.SessionStateTest.UTF8MB4;
import static io.sluice.core.session.SessionStateTest.newSession;
import static io.sluice.core.session.SessionStateTest.ok;
import static io.sluice.core.session.SessionStateTest.okTracking;
import static io.sluice.core.session.SessionStateTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.sluice.core.sql.Classification;

class SessionSyncTest {

    private static final BackendSessionSnapshot FRESH = BackendSessionSnapshot.fresh("app", UTF8MB4);

    @Test
    void aConnectionThatMatchesNeedsNothing() {
        assertEquals(List.of(), newSession().statementsToSync(FRESH));
    }

    @Test
    void onlyTheSchemaDiffers() {
        assertEquals(List.of("USE `app`"), newSession().statementsToSync(BackendSessionSnapshot.fresh(null, UTF8MB4)));
        assertEquals(List.of("USE `app`"), newSession().statementsToSync(BackendSessionSnapshot.fresh("other", UTF8MB4)));
    }

    @Test
    void identifiersAndValuesAreQuoted() {
        SessionState s = new SessionState("my`db", UTF8MB4, ConsistencyLevel.EVENTUAL);
        run(s, "SET time_zone = 'Europe/Paris', sql_mode = \"it's\"", ok(AUTOCOMMIT));
        run(s, "SET lc_time_names = 'a\\\\b'", okTracking(AUTOCOMMIT, Map.of("lc_time_names", "a\\b")));
        assertEquals(List.of("USE `my``db`",
                        "SET SESSION time_zone = 'Europe/Paris', sql_mode = 'it''s', lc_time_names = _utf8mb4 X'615c62'"),
                s.statementsToSync(FRESH));
    }

    @Test
    void onlyVariablesThatDifferAreSentAndLeftoversAreReset() {
        SessionState s = newSession();
        run(s, "SET time_zone = '+00:00', sql_mode = 'ANSI'", ok(AUTOCOMMIT));
        BackendSessionSnapshot backend = new BackendSessionSnapshot("app", UTF8MB4, true, null, null,
                Map.of("time_zone", "'+00:00'", "max_execution_time", "100"), 0);
        assertEquals(List.of("SET SESSION sql_mode = 'ANSI', max_execution_time = DEFAULT"), s.statementsToSync(backend));
    }

    @Test
    void parseSettingsSwitchOnlyCharsetAndSqlModeAndBackAgain() {
        Map<String, String> preparedVariables = new java.util.LinkedHashMap<>(); // in order: the SET lists them so
        preparedVariables.put("sql_mode", "'ANSI_QUOTES'");
        preparedVariables.put("character_set_results", "NULL");
        preparedVariables.put("time_zone", "'+01:00'");
        BackendSessionSnapshot prepared = new BackendSessionSnapshot("app", CharsetSetting.names("latin1", null), true, null,
                null, preparedVariables, 0);
        BackendSessionSnapshot now = new BackendSessionSnapshot("other", UTF8MB4, false, null, null,
                Map.of("time_zone", "'+00:00'", "sql_mode", "''"), 7);
        assertEquals(List.of("SET NAMES 'latin1'", "SET SESSION sql_mode = 'ANSI_QUOTES', character_set_results = NULL"),
                now.parseSettingsOf(prepared));
        assertEquals(List.of(UTF8MB4.toSql(), "SET SESSION sql_mode = ''"), prepared.parseSettingsOf(now));
        BackendSessionSnapshot modeOnly = new BackendSessionSnapshot("app", UTF8MB4, true, null, null,
                Map.of("sql_mode", "'ANSI_QUOTES'"), 0);
        assertEquals(List.of("SET SESSION sql_mode = DEFAULT"), modeOnly.parseSettingsOf(FRESH));
        assertEquals(List.of(), now.parseSettingsOf(new BackendSessionSnapshot(null, UTF8MB4, true, null, null,
                Map.of("sql_mode", "''", "wait_timeout", "10"), 0)), "nothing that changes a parse differs");
    }

    @Test
    void checksAnotherSessionTurnedOffGoBackToTheGlobalValueNotToDefault() {
        Map<String, String> left = new java.util.LinkedHashMap<>();
        left.put("foreign_key_checks", "'OFF'");
        left.put("unique_checks", "'OFF'");
        left.put("time_zone", "'+00:00'");
        BackendSessionSnapshot backend = new BackendSessionSnapshot("app", UTF8MB4, true, null, null, left, 0);
        assertEquals(List.of("SET SESSION foreign_key_checks = @@GLOBAL.foreign_key_checks,"
                + " unique_checks = @@GLOBAL.unique_checks, time_zone = DEFAULT"), newSession().statementsToSync(backend));
    }

    @Test
    void charsetChangeIsSentBeforeTheCharsetVariablesItResets() {
        SessionState s = newSession();
        run(s, "SET NAMES latin1 COLLATE latin1_swedish_ci", ok(AUTOCOMMIT));
        run(s, "SET character_set_results = NULL", ok(AUTOCOMMIT));
        assertEquals(List.of("SET NAMES 'latin1' COLLATE 'latin1_swedish_ci'", "SET SESSION character_set_results = NULL"),
                s.statementsToSync(FRESH));
    }

    @Test
    void aConnectionWithAnotherSessionsCharsetVariableGetsSetNamesAgain() {
        SessionState s = newSession();
        BackendSessionSnapshot backend = new BackendSessionSnapshot("app", UTF8MB4, true, null, null,
                Map.of("character_set_results", "NULL"), 0);
        assertEquals(List.of("SET NAMES 'utf8mb4' COLLATE 'utf8mb4_0900_ai_ci'"), s.statementsToSync(backend));
    }

    @Test
    void setNamesForgetsEarlierCharsetVariables() {
        SessionState s = newSession();
        run(s, "SET character_set_results = NULL", ok(AUTOCOMMIT));
        run(s, "SET NAMES utf8mb4", ok(AUTOCOMMIT));
        assertEquals(Map.of(), s.variables());
        assertEquals(List.of("SET NAMES 'utf8mb4'"), s.statementsToSync(FRESH));
    }

    @Test
    void autocommitAndTransactionCharacteristicsAreSynced() {
        SessionState s = newSession();
        run(s, "SET autocommit = 0", ok(0));
        run(s, "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED", ok(0));
        run(s, "SET SESSION TRANSACTION READ ONLY", ok(0));
        assertEquals(List.of("SET SESSION autocommit = 0, transaction_isolation = 'READ-COMMITTED', transaction_read_only = 1"),
                s.statementsToSync(FRESH));
        SessionState fresh = newSession();
        BackendSessionSnapshot dirty = new BackendSessionSnapshot("app", UTF8MB4, false,
                io.sluice.core.sql.IsolationLevel.SERIALIZABLE, Boolean.TRUE, Map.of(), 0);
        assertEquals(List.of("SET SESSION autocommit = 1, transaction_isolation = DEFAULT, transaction_read_only = DEFAULT"),
                fresh.statementsToSync(dirty));
    }

    @Test
    void nextTransactionSettingsAreSentOnlyBeforeTheNextTransaction() {
        SessionState s = newSession();
        s.absorb(CLASSIFIER.classify("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE"));
        assertEquals(List.of(), s.statementsToSync(FRESH, CLASSIFIER.classify("SET NAMES utf8mb4")));
        assertEquals(List.of("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE"),
                s.statementsToSync(FRESH, CLASSIFIER.classify("BEGIN")));
    }

    @Test
    void lastInsertIdIsCarriedOnlyToAStatementThatReadsIt() {
        SessionState s = newSession();
        run(s, "INSERT INTO t VALUES (NULL)", new StatementOutcome(true, AUTOCOMMIT, 1, 42, null, Map.of(), null, null));
        Classification read = CLASSIFIER.classify("SELECT LAST_INSERT_ID()");
        assertEquals(List.of("DO LAST_INSERT_ID(42)"), s.statementsToSync(FRESH, read));
        assertEquals(List.of(), s.statementsToSync(FRESH, CLASSIFIER.classify("SELECT 1")));
        BackendSessionSnapshot after = s.snapshotAfterSync(FRESH, read);
        assertEquals(42, after.lastInsertId());
        assertEquals(List.of(), s.statementsToSync(after, read));
    }

    @Test
    void snapshotAfterSyncNeedsNoFurtherSync() {
        SessionState s = newSession();
        run(s, "USE shop", ok(AUTOCOMMIT));
        run(s, "SET NAMES latin1", ok(AUTOCOMMIT));
        run(s, "SET time_zone = '+02:00', character_set_results = NULL", ok(AUTOCOMMIT));
        run(s, "SET autocommit = 0", ok(0));
        BackendSessionSnapshot dirty = new BackendSessionSnapshot("x", UTF8MB4, true, null, null,
                Map.of("sql_mode", "''"), 5);
        assertEquals(3, s.statementsToSync(dirty).size(), s.statementsToSync(dirty).toString());
        BackendSessionSnapshot synced = s.snapshotAfterSync(dirty, null);
        assertEquals(List.of(), s.statementsToSync(synced));
    }

    @Test
    void snapshotAfterStatementRecordsTheConnectionsInsertId() {
        SessionState s = newSession();
        StatementOutcome outcome = new StatementOutcome(true, AUTOCOMMIT, 1, 9, null, Map.of(), null, null);
        run(s, "INSERT INTO t VALUES (NULL)", outcome);
        assertEquals(9, s.snapshotAfterStatement(FRESH, outcome).lastInsertId());
    }
}
