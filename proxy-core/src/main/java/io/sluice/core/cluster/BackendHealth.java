package io.sluice.core.cluster;

/** What the health checker last concluded about a backend. */
public enum BackendHealth {
    /** Answering, and for a slave replicating within the lag bound. */
    UP,
    /** Answering, but replication lag is over the bound (or unknown): no reads. */
    LAGGING,
    /** Not answering. */
    DOWN,
    /**
     * The master answers but has read_only on (set by hand, or a server that is not the
     * master listed as one): writes still go to it and get its 1290; flagged so the operator
     * sees why, and never a reason to fail over.
     */
    READ_ONLY,
    /** Taken out of service by an operator. */
    OFFLINE
}
