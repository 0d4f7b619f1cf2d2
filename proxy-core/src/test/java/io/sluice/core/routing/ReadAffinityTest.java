package io.sluice.core.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.sluice.core.cluster.Backend;
import io.sluice.core.cluster.BackendHealth;
import io.sluice.core.cluster.BackendRole;
import io.sluice.core.cluster.ClusterView;
import io.sluice.core.cluster.ReadAffinity;
import io.sluice.core.cluster.SmoothWeightedRoundRobin;
import io.sluice.core.session.CharsetSetting;
import io.sluice.core.session.ConsistencyLevel;
import io.sluice.core.session.SessionState;
import io.sluice.core.sql.StatementClassifier;

/** A session's reads stay on one slave for the view's read-affinity time, and no longer than the slave is usable. */
class ReadAffinityTest {

    private static final StatementClassifier CLASSIFIER = new StatementClassifier();
    private static final Backend MASTER = new Backend("m", "db0", 3306, BackendRole.MASTER, 1);
    private static final Backend S1 = new Backend("s1", "db1", 3306, BackendRole.SLAVE, 1);
    private static final Backend S2 = new Backend("s2", "db2", 3306, BackendRole.SLAVE, 3);
    private static final long SECOND = 1_000_000_000L;

    private long now = 5 * SECOND;
    private final Router router = new Router(new SmoothWeightedRoundRobin(), () -> now);

    private static ClusterView view(ReadAffinity affinity, BackendHealth s1, BackendHealth s2) {
        return ClusterView.builder().master(MASTER, BackendHealth.UP).readAffinity(affinity)
                .replica(S1, s1, 0).replica(S2, s2, 0).build();
    }

    private static SessionState session() {
        return new SessionState("app", CharsetSetting.names("utf8mb4", null), ConsistencyLevel.EVENTUAL);
    }

    private String read(SessionState s, ClusterView view) {
        Route route = router.route(CLASSIFIER.classify("SELECT * FROM t WHERE id = 1"), s, view);
        return assertInstanceOf(Route.Slave.class, route, route::toString).backend().name();
    }

    @Test
    void readsStayOnTheFirstChoiceUntilTheTimeIsUp() {
        ClusterView view = view(new ReadAffinity(Duration.ofSeconds(1)), BackendHealth.UP, BackendHealth.UP);
        SessionState s = session();
        String first = read(s, view);
        for (int i = 0; i < 50; i++) {
            now += 10_000_000L; // 10 ms: 500 ms in all
            assertEquals(first, read(s, view), "read " + i + " stays where the first went");
        }
        now += 600_000_000L; // past the second
        // Weights 1:3 chose s2 first (smooth round robin); the next choice by weight is s2 again,
        // then s1: the time is up when a new choice is made, whichever it is.
        read(s, view);
        now += 2 * SECOND;
        read(s, view);
        now += 2 * SECOND;
        Map<String, Integer> choices = new HashMap<>();
        for (int i = 0; i < 8; i++) {
            now += 2 * SECOND;
            choices.merge(read(s, view), 1, Integer::sum);
        }
        assertEquals(Map.of("s1", 2, "s2", 6), choices, "one choice per second, by weight 1:3");
    }

    @Test
    void manySessionsFollowTheWeights() {
        ClusterView view = view(ReadAffinity.DEFAULT, BackendHealth.UP, BackendHealth.UP);
        Map<String, Integer> reads = new HashMap<>();
        for (int i = 0; i < 400; i++) {
            SessionState s = session();
            for (int j = 0; j < 5; j++) {
                reads.merge(read(s, view), 1, Integer::sum);
            }
        }
        assertEquals(Map.of("s1", 500, "s2", 1500), reads);
    }

    @Test
    void aSlaveThatStopsBeingUsableLosesTheSessionAtOnce() {
        ReadAffinity affinity = new ReadAffinity(Duration.ofHours(1));
        ClusterView both = view(affinity, BackendHealth.UP, BackendHealth.UP);
        SessionState s = session();
        String first = read(s, both);
        ClusterView firstGone = first.equals("s1")
                ? view(affinity, BackendHealth.LAGGING, BackendHealth.UP)
                : view(affinity, BackendHealth.UP, BackendHealth.DOWN);
        String moved = read(s, firstGone);
        assertNotEquals(first, moved);
        assertEquals(moved, read(s, both), "and stays on the new one when the old one is back");
        assertEquals(moved, s.slaveAffinity().slave());
    }

    @Test
    void weightZeroEndsTheAffinity() {
        ReadAffinity affinity = new ReadAffinity(Duration.ofHours(1));
        SessionState s = session();
        String first = read(s, view(affinity, BackendHealth.UP, BackendHealth.UP));
        Backend drained = new Backend(first, first.equals("s1") ? "db1" : "db2", 3306, BackendRole.SLAVE, 0);
        Backend other = first.equals("s1") ? S2 : S1;
        ClusterView reweighted = ClusterView.builder().master(MASTER, BackendHealth.UP).readAffinity(affinity)
                .replica(drained, BackendHealth.UP, 0).replica(other, BackendHealth.UP, 0).build();
        assertEquals(other.name(), read(s, reweighted));
    }

    @Test
    void forgetMakesTheNextReadChooseAgain() {
        ClusterView view = view(new ReadAffinity(Duration.ofHours(1)), BackendHealth.UP, BackendHealth.UP);
        SessionState s = session();
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            seen.add(read(s, view));
            s.slaveAffinity().forget();
        }
        assertEquals(List.of("s2", "s1", "s2", "s2"), seen, "each read chosen by weight 1:3");
    }

    @Test
    void offChoosesEveryReadByWeight() {
        ClusterView view = view(ReadAffinity.OFF, BackendHealth.UP, BackendHealth.UP);
        SessionState s = session();
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            seen.add(read(s, view));
        }
        assertEquals(List.of("s2", "s1", "s2", "s2", "s2", "s1", "s2", "s2"), seen);
        assertNull(s.slaveAffinity().slave());
    }

    @Test
    void aReadOnlyTransactionStaysWhereTheReadsDo() {
        ClusterView view = view(new ReadAffinity(Duration.ofHours(1)), BackendHealth.UP, BackendHealth.UP);
        SessionState s = session();
        String first = read(s, view);
        Route begin = router.route(CLASSIFIER.classify("START TRANSACTION READ ONLY"), s, view);
        assertEquals(first, assertInstanceOf(Route.Slave.class, begin).backend().name());
    }

    @Test
    void aWriteDoesNotMoveTheReads() {
        ClusterView view = view(new ReadAffinity(Duration.ofHours(1)), BackendHealth.UP, BackendHealth.UP);
        SessionState s = session();
        String first = read(s, view);
        assertInstanceOf(Route.Master.class, router.route(CLASSIFIER.classify("UPDATE t SET a = 1"), s, view));
        assertEquals(first, read(s, view));
    }

    @Test
    void negativeTimeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ReadAffinity(Duration.ofMillis(-1)));
    }
}
