package io.sluice.core.routing;

import static io.sluice.core.session.ServerStatusFlags.AUTOCOMMIT;
import static io.sluice.core.session.ServerStatusFlags.IN_TRANS;
import static io.sluice.core.session.ServerStatusFlags.IN_TRANS_READONLY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.sluice.core.cluster.Backend;
import io.sluice.core.session.CharsetSetting;
import io.sluice.core.session.ConsistencyLevel;
import io.sluice.core.session.SessionState;
import io.sluice.core.session.StatementOutcome;
import io.sluice.core.sql.Classification;

/**
 * Many sessions mixing transactions, read-only transactions, pinned work and autocommit
 * reads, interleaved at random on one router (one event loop): each session's routes
 * depend on its own state only. ShardingSphere-Proxy 5.1 kept transaction state per
 * thread and failed exactly this.
 */
class InterleavedSessionsTest {

    /** One step of a scripted session: SQL, the flags its server answers with, and where it must go. */
    private record Step(String sql, int flags, String target) {
    }

    private static final List<Step> WRITER = List.of(
            new Step("BEGIN", AUTOCOMMIT | IN_TRANS, "master"),
            new Step("SELECT balance FROM accounts WHERE id = 1", AUTOCOMMIT | IN_TRANS, "master"),
            new Step("UPDATE accounts SET balance = balance - 1 WHERE id = 1", AUTOCOMMIT | IN_TRANS, "master"),
            new Step("SELECT * FROM accounts", AUTOCOMMIT | IN_TRANS, "master"),
            new Step("COMMIT", AUTOCOMMIT, "master"));
    private static final List<Step> READER = List.of(
            new Step("SELECT * FROM products WHERE id = 7", AUTOCOMMIT, "slave"),
            new Step("SELECT COUNT(*) FROM orders", AUTOCOMMIT, "slave"));
    private static final List<Step> REPORT = List.of(
            new Step("START TRANSACTION READ ONLY", AUTOCOMMIT | IN_TRANS | IN_TRANS_READONLY, "slave"),
            new Step("SELECT SUM(total) FROM orders", AUTOCOMMIT | IN_TRANS | IN_TRANS_READONLY, "same-slave"),
            new Step("SELECT COUNT(*) FROM users", AUTOCOMMIT | IN_TRANS | IN_TRANS_READONLY, "same-slave"),
            new Step("COMMIT", AUTOCOMMIT, "same-slave"));
    private static final List<Step> LEGACY = List.of(
            new Step("SET autocommit = 0", 0, "master"),
            new Step("SELECT * FROM t", IN_TRANS, "master"),
            new Step("UPDATE t SET a = 1", IN_TRANS, "master"),
            new Step("COMMIT", 0, "master"),
            new Step("SET autocommit = 1", AUTOCOMMIT, "master"));
    private static final List<Step> PINNED = List.of(
            new Step("SELECT GET_LOCK('job', 10)", AUTOCOMMIT, "master"),
            new Step("SELECT * FROM jobs", AUTOCOMMIT, "master"),
            new Step("SELECT RELEASE_LOCK('job')", AUTOCOMMIT, "master"));

    private static final class ScriptedSession {
        final SessionState state = new SessionState("app", CharsetSetting.names("utf8mb4", null), ConsistencyLevel.EVENTUAL);
        final List<Step> script;
        int position;
        Backend transactionSlave;

        ScriptedSession(List<Step> script) {
            this.script = script;
        }
    }

    @Test
    void sessionsNeverShareState() {
        Router router = new Router();
        Random random = new Random(20240601);
        List<ScriptedSession> sessions = new ArrayList<>();
        List<List<Step>> kinds = List.of(WRITER, READER, REPORT, LEGACY, PINNED);
        for (int i = 0; i < 100; i++) {
            sessions.add(new ScriptedSession(kinds.get(i % kinds.size())));
        }
        for (int round = 0; round < 20_000; round++) {
            ScriptedSession session = sessions.get(random.nextInt(sessions.size()));
            Step step = session.script.get(session.position);
            Classification c = RouterTest.CLASSIFIER.classify(step.sql());
            Route route = router.route(c, session.state, RouterTest.VIEW);
            String where = step.sql() + " in " + session.script.get(0).sql() + " session, round " + round;
            switch (step.target()) {
                case "master" -> assertInstanceOf(Route.Master.class, route, where);
                case "slave" -> session.transactionSlave = assertInstanceOf(Route.Slave.class, route, where).backend();
                case "same-slave" -> assertEquals(session.transactionSlave,
                        assertInstanceOf(Route.Slave.class, route, where).backend(), where);
                default -> throw new IllegalStateException(step.target());
            }
            session.state.beforeStatement(c, route.backend(RouterTest.VIEW));
            session.state.afterStatement(c, StatementOutcome.ok(step.flags()));
            session.position = (session.position + 1) % session.script.size();
        }
    }
}
