package io.sluice.core.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

class ClusterViewTest {

    private static final Backend MASTER = new Backend("m", "db0", 3306, BackendRole.MASTER, 1);
    private static final Backend S1 = new Backend("s1", "db1", 3306, BackendRole.SLAVE, 2);
    private static final Backend S2 = new Backend("s2", "db2", 3307, BackendRole.SLAVE, 1);

    @Test
    void backendValidatesItsFields() {
        assertThrows(IllegalArgumentException.class, () -> new Backend("x", "h", 0, BackendRole.SLAVE, 1));
        assertThrows(IllegalArgumentException.class, () -> new Backend("x", "h", 65536, BackendRole.SLAVE, 1));
        assertThrows(IllegalArgumentException.class, () -> new Backend("x", "h", 3306, BackendRole.SLAVE, -1));
        assertThrows(IllegalArgumentException.class, () -> new Backend(" ", "h", 3306, BackendRole.SLAVE, 1));
        assertThrows(IllegalArgumentException.class, () -> new Backend("x", "", 3306, BackendRole.SLAVE, 1));
        assertThrows(NullPointerException.class, () -> new Backend("x", "h", 3306, null, 1));
    }

    @Test
    void addressJoinsHostAndPortAndBracketsIpv6() {
        assertEquals("db1:3306", S1.address());
        assertEquals("[::1]:3306", new Backend("v6", "::1", 3306, BackendRole.SLAVE, 1).address());
    }

    @Test
    void usableSlavesAreTheUpOnesWithWeight() {
        ClusterView view = ClusterView.builder().master(MASTER, BackendHealth.UP)
                .replica(S1, BackendHealth.UP, 10)
                .replica(S2, BackendHealth.LAGGING, 60_000)
                .replica(new Backend("s3", "db3", 3306, BackendRole.SLAVE, 0), BackendHealth.UP, 0)
                .build();
        assertEquals(List.of(S1), view.usableSlaves());
        assertTrue(view.isUsableSlave("s1"));
        assertFalse(view.isUsableSlave("s2"));
        assertEquals(60_000, view.replica("s2").orElseThrow().lagMillis());
        assertEquals(MASTER, view.master());
    }

    @Test
    void viewIsImmutableAndReplacedThroughItsBuilder() {
        ClusterView first = ClusterView.builder().master(MASTER, BackendHealth.UP).replica(S1, BackendHealth.UP, 0).build();
        ClusterView second = first.toBuilder().replica(S1, BackendHealth.DOWN, BackendStatus.UNKNOWN_LAG).build();
        assertEquals(List.of(S1), first.usableSlaves());
        assertEquals(List.of(), second.usableSlaves());
        assertThrows(UnsupportedOperationException.class, () -> first.usableSlaves().add(S2));
        assertThrows(UnsupportedOperationException.class, () -> first.replicas().clear());
    }

    @Test
    void builderRejectsInconsistentTopologies() {
        assertThrows(IllegalStateException.class, () -> ClusterView.builder().build());
        assertThrows(IllegalArgumentException.class, () -> ClusterView.builder().master(S1, BackendHealth.UP));
        assertThrows(IllegalArgumentException.class, () -> ClusterView.builder().replica(MASTER, BackendHealth.UP, 0));
        Backend clash = new Backend("m", "db9", 3306, BackendRole.SLAVE, 1);
        assertThrows(IllegalStateException.class,
                () -> ClusterView.builder().master(MASTER, BackendHealth.UP).replica(clash, BackendHealth.UP, 0).build());
    }
}
