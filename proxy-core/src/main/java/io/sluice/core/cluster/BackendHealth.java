package io.sluice.core.cluster;

/** What the health checker last concluded about a backend. */
public enum BackendHealth {
    /** Answering, and for a slave replicating within the lag bound. */
    UP,
    /** Answering, but replication lag is over the bound (or unknown): no reads. */
    LAGGING,
    /** Not answering. */
    DOWN,
    /** Taken out of service by an operator. */
    OFFLINE
}
