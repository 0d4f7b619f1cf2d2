package io.sluice.core.session;

import io.sluice.core.cluster.Backend;
import io.sluice.core.cluster.ClusterView;
import io.sluice.core.cluster.ReadAffinity;

/**
 * The slave one session's plain reads are staying on, and until when (see {@link ReadAffinity}).
 * Only the router and the read retry touch it, on the session's event loop.
 */
public final class SlaveAffinity {
    private String slave;
    private long untilNanos;

    /**
     * The slave this read should use, or null when the read is to be chosen by weight: none
     * chosen yet, its time is up, or it is no longer usable in {@code view} (down, lagging,
     * weight 0, removed).
     */
    public Backend slave(ClusterView view, long nowNanos) {
        if (slave == null) {
            return null;
        }
        Backend usable = nowNanos - untilNanos < 0 ? view.usableSlave(slave) : null;
        if (usable == null) {
            slave = null;
        }
        return usable;
    }

    /** Reads are to stay on {@code chosen}, just chosen by weight, as long as {@code policy} says. */
    public void chose(Backend chosen, ReadAffinity policy, long nowNanos) {
        if (policy.isOff()) {
            slave = null;
            return;
        }
        slave = chosen.name();
        untilNanos = nowNanos + policy.time().toNanos();
    }

    /** The next read is chosen by weight (this slave failed a read, or was behind the session). */
    public void forget() {
        slave = null;
    }

    /** The slave reads are staying on, or null. */
    public String slave() {
        return slave;
    }
}
