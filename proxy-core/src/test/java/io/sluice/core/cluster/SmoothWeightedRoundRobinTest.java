package io.sluice.core.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class SmoothWeightedRoundRobinTest {

    private static final Backend MASTER = new Backend("m", "10.0.0.1", 3306, BackendRole.MASTER, 1);

    private static Backend slave(String name, int weight) {
        return new Backend(name, "10.0.0." + (name.hashCode() & 0x7f), 3306, BackendRole.SLAVE, weight);
    }

    private static ClusterView view(BackendStatus... replicas) {
        ClusterView.Builder builder = ClusterView.builder().master(MASTER, BackendHealth.UP);
        for (BackendStatus replica : replicas) {
            builder.replica(replica.backend(), replica.health(), replica.lagMillis());
        }
        return builder.build();
    }

    private static BackendStatus up(Backend backend) {
        return new BackendStatus(backend, BackendHealth.UP, 0);
    }

    private static List<String> picks(SmoothWeightedRoundRobin rr, ClusterView view, int n) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add(rr.pick(view).orElseThrow().name());
        }
        return names;
    }

    @Test
    void weightsOneToThreeGiveExactlyOneToThree() {
        Backend a = slave("a", 1);
        Backend b = slave("b", 3);
        List<String> names = picks(new SmoothWeightedRoundRobin(), view(up(a), up(b)), 4000);
        assertEquals(1000, names.stream().filter("a"::equals).count());
        assertEquals(3000, names.stream().filter("b"::equals).count());
    }

    @Test
    void weightsOneToThreeFollowNginxSequenceAndSpreadA() {
        Backend a = slave("a", 1);
        Backend b = slave("b", 3);
        List<String> names = picks(new SmoothWeightedRoundRobin(), view(up(a), up(b)), 12);
        // nginx's algorithm gives b a b b, repeating: at most three b in a row across cycles.
        assertEquals(List.of("b", "a", "b", "b", "b", "a", "b", "b", "b", "a", "b", "b"), names);
        for (int i = 0; i + 4 <= names.size(); i++) {
            assertEquals(1, names.subList(i, i + 4).stream().filter("a"::equals).count(), "every window of 4 has one a");
        }
    }

    @Test
    void weightsFiveOneOneAreInterleavedLikeNginx() {
        List<String> names = picks(new SmoothWeightedRoundRobin(),
                view(up(slave("a", 5)), up(slave("b", 1)), up(slave("c", 1))), 7);
        assertEquals(List.of("a", "a", "b", "a", "c", "a", "a"), names);
    }

    @Test
    void equalWeightsAlternate() {
        List<String> names = picks(new SmoothWeightedRoundRobin(), view(up(slave("a", 1)), up(slave("b", 1))), 6);
        assertEquals(List.of("a", "b", "a", "b", "a", "b"), names);
    }

    @Test
    void zeroWeightIsNeverChosen() {
        List<String> names = picks(new SmoothWeightedRoundRobin(), view(up(slave("a", 0)), up(slave("b", 2))), 100);
        assertTrue(names.stream().allMatch("b"::equals));
    }

    @Test
    void unhealthySlavesAreSkipped() {
        ClusterView view = view(up(slave("a", 1)),
                new BackendStatus(slave("b", 5), BackendHealth.DOWN, BackendStatus.UNKNOWN_LAG),
                new BackendStatus(slave("c", 5), BackendHealth.LAGGING, 30_000),
                new BackendStatus(slave("d", 5), BackendHealth.OFFLINE, 0));
        assertTrue(picks(new SmoothWeightedRoundRobin(), view, 50).stream().allMatch("a"::equals));
    }

    @Test
    void allUnhealthyGivesNothing() {
        ClusterView view = view(new BackendStatus(slave("a", 1), BackendHealth.DOWN, 0),
                new BackendStatus(slave("b", 1), BackendHealth.LAGGING, 0));
        assertEquals(Optional.empty(), new SmoothWeightedRoundRobin().pick(view));
        assertEquals(Optional.empty(), new SmoothWeightedRoundRobin().pick(view()));
    }

    @Test
    void stateSurvivesViewReplacementByName() {
        SmoothWeightedRoundRobin rr = new SmoothWeightedRoundRobin();
        Backend a = slave("a", 1);
        Backend b = slave("b", 3);
        ClusterView first = view(up(a), up(b));
        List<String> names = new ArrayList<>(picks(rr, first, 2));
        // A health check publishes an equal but new view: the sequence carries on.
        ClusterView second = first.toBuilder().build();
        names.addAll(picks(rr, second, 6));
        assertEquals(List.of("b", "a", "b", "b", "b", "a", "b", "b"), names);
    }

    @Test
    void aSlaveComingBackJoinsTheRotationInProportion() {
        SmoothWeightedRoundRobin rr = new SmoothWeightedRoundRobin();
        Backend a = slave("a", 1);
        Backend b = slave("b", 1);
        ClusterView withoutB = view(up(a), new BackendStatus(b, BackendHealth.DOWN, 0));
        picks(rr, withoutB, 10);
        ClusterView withB = view(up(a), up(b));
        Map<String, Integer> counts = new HashMap<>();
        picks(rr, withB, 100).forEach(name -> counts.merge(name, 1, Integer::sum));
        assertEquals(50, counts.get("a"));
        assertEquals(50, counts.get("b"));
    }

    @Test
    void relaysServeReadsOnlyWhenTheViewSaysSo() {
        Backend relay = new Backend("r", "10.0.0.9", 3306, BackendRole.RELAY, 1);
        ClusterView noRelayReads = ClusterView.builder().master(MASTER, BackendHealth.UP)
                .replica(relay, BackendHealth.UP, 0).build();
        assertEquals(Optional.empty(), new SmoothWeightedRoundRobin().pick(noRelayReads));
        ClusterView relayReads = noRelayReads.toBuilder().relaysServeReads(true).build();
        assertEquals(Optional.of(relay), new SmoothWeightedRoundRobin().pick(relayReads));
    }
}
