package io.sluice.core.routing;

import java.util.Objects;

import io.sluice.core.cluster.Backend;
import io.sluice.core.cluster.BackendRole;
import io.sluice.core.cluster.ClusterView;

/** Where one statement goes. */
public sealed interface Route {

    RouteReason reason();

    /** The backend to use in {@code view}, or null for {@link Local}. */
    Backend backend(ClusterView view);

    /** Metrics tag for the target: master, slave or local. */
    String target();

    /** The master: the session's own master connection if it holds one, else one from the pool. */
    record Master(RouteReason reason) implements Route {
        public Master {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public Backend backend(ClusterView view) {
            return view.master();
        }

        @Override
        public String target() {
            return "master";
        }
    }

    /**
     * A slave.
     *
     * @param keepForTransaction the statement starts a READ ONLY transaction: keep this
     *                           connection for the session until the transaction ends
     * @param waitForGtid        READ_YOUR_WRITES: before the statement, wait until the slave
     *                           has applied this GTID set (then fall back to the master on
     *                           timeout); null when no wait is needed
     */
    record Slave(Backend backend, RouteReason reason, boolean keepForTransaction, String waitForGtid) implements Route {
        public Slave {
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(reason, "reason");
            if (backend.role() == BackendRole.MASTER) {
                throw new IllegalArgumentException("a slave route cannot name the master " + backend.name());
            }
        }

        @Override
        public Backend backend(ClusterView view) {
            return backend;
        }

        @Override
        public String target() {
            return "slave";
        }
    }

    /** The proxy answers OK itself after {@code SessionState.absorb}; no backend sees the statement. */
    record Local(RouteReason reason) implements Route {
        public Local {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public Backend backend(ClusterView view) {
            return null;
        }

        @Override
        public String target() {
            return "local";
        }
    }
}
