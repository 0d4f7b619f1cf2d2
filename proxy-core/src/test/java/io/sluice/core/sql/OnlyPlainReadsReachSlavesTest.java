package io.sluice.core.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.sluice.core.cluster.Backend;
import io.sluice.core.cluster.BackendHealth;
import io.sluice.core.cluster.BackendRole;
import io.sluice.core.cluster.ClusterView;
import io.sluice.core.routing.Route;
import io.sluice.core.routing.Router;
import io.sluice.core.session.CharsetSetting;
import io.sluice.core.session.ConsistencyLevel;
import io.sluice.core.session.SessionState;

/**
 * Every statement of the classification table, routed for a fresh autocommit session:
 * a slave may only ever see a plain read with no traits (or a statement about the previous
 * one, which follows it), and a plain read must reach a slave.
 */
class OnlyPlainReadsReachSlavesTest {

    private static final StatementClassifier CLASSIFIER = new StatementClassifier();
    private static final ClusterView VIEW = ClusterView.builder()
            .master(new Backend("m", "db0", 3306, BackendRole.MASTER, 1), BackendHealth.UP)
            .replica(new Backend("s1", "db1", 3306, BackendRole.SLAVE, 1), BackendHealth.UP, 0)
            .build();

    static Stream<String> sql() {
        return StatementClassifierTableTest.statements().map(arguments -> (String) arguments.get()[0]);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("sql")
    void slaveOnlyForPlainReads(String sql) {
        Classification c = CLASSIFIER.classify(sql);
        SessionState fresh = new SessionState("app", CharsetSetting.names("utf8mb4", null), ConsistencyLevel.EVENTUAL);
        Route route = new Router().route(c, fresh, VIEW);
        boolean plain = c.kind() == StatementKind.READ && c.traits().stream().allMatch(t -> t == Trait.PARSED)
                && c.hint() != RouteHint.MASTER;
        if (route instanceof Route.Slave) {
            assertTrue(plain || c.has(Trait.READ_ONLY_TRANSACTION), () -> "not a plain read, yet on a slave: " + c);
        } else if (plain) {
            assertFalse(true, () -> "a plain read that did not reach a slave: " + route);
        }
        assertEquals(c, CLASSIFIER.classify(sql), "classification is deterministic");
    }
}
