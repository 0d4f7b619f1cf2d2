package io.sluice.core.cluster;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An immutable snapshot of the cluster: the master, the replicas with their health and
 * weights, and whether relays serve reads. Health checks, failover and reload build a new
 * view and publish it through one volatile field; routing reads whichever view it loaded,
 * so one statement never sees half an update.
 */
public final class ClusterView {

    private final BackendStatus master;
    private final Map<String, BackendStatus> replicas;
    private final boolean relaysServeReads;
    private final ReadAffinity readAffinity;
    private final List<Backend> usableSlaves;

    private ClusterView(Builder builder) {
        this.master = Objects.requireNonNull(builder.master, "a cluster view needs a master");
        // Insertion order is kept: round robin breaks ties by position, so equal views must list alike.
        this.replicas = Collections.unmodifiableMap(new LinkedHashMap<>(builder.replicas));
        this.relaysServeReads = builder.relaysServeReads;
        this.readAffinity = builder.readAffinity;
        List<Backend> usable = new ArrayList<>();
        for (BackendStatus status : builder.replicas.values()) {
            Backend backend = status.backend();
            boolean servesReads = backend.role() == BackendRole.SLAVE || relaysServeReads;
            if (servesReads && status.isUp() && backend.weight() > 0) {
                usable.add(backend);
            }
        }
        this.usableSlaves = List.copyOf(usable);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this view's content, to derive the next view from. */
    public Builder toBuilder() {
        Builder builder = new Builder().master(master.backend(), master.health()).readPolicyOf(this);
        replicas.values().forEach(status -> builder.replica(status.backend(), status.health(), status.lagMillis()));
        return builder;
    }

    public Backend master() {
        return master.backend();
    }

    public BackendHealth masterHealth() {
        return master.health();
    }

    /** Slaves and relays, usable or not. */
    public List<BackendStatus> replicas() {
        return List.copyOf(replicas.values());
    }

    public boolean relaysServeReads() {
        return relaysServeReads;
    }

    /** How long a session's reads stay on one slave. */
    public ReadAffinity readAffinity() {
        return readAffinity;
    }

    /** Replicas that may take reads now: UP, weight above 0, and a slave (or a relay if relays serve reads). */
    public List<Backend> usableSlaves() {
        return usableSlaves;
    }

    /** The usable slave of that name, or null. */
    public Backend usableSlave(String name) {
        for (Backend backend : usableSlaves) {
            if (backend.name().equals(name)) {
                return backend;
            }
        }
        return null;
    }

    public Optional<BackendStatus> replica(String name) {
        return Optional.ofNullable(replicas.get(name));
    }

    /** Whether the health checks found backend {@code name} (master or replica) not answering. */
    public boolean isDown(String name) {
        if (master.backend().name().equals(name)) {
            return master.health() == BackendHealth.DOWN;
        }
        BackendStatus status = replicas.get(name);
        return status != null && status.health() == BackendHealth.DOWN;
    }

    public boolean isUsableSlave(String name) {
        return usableSlave(name) != null;
    }

    @Override
    public String toString() {
        return "ClusterView[master=" + master + ", replicas=" + replicas.values()
                + ", relaysServeReads=" + relaysServeReads + ", readAffinity=" + readAffinity + "]";
    }

    /** Not thread-safe; build on one thread, then publish the built view. */
    public static final class Builder {
        private BackendStatus master;
        private final Map<String, BackendStatus> replicas = new LinkedHashMap<>();
        private boolean relaysServeReads;
        private ReadAffinity readAffinity = ReadAffinity.OFF;

        private Builder() {
        }

        public Builder master(Backend backend, BackendHealth health) {
            if (backend.role() != BackendRole.MASTER) {
                throw new IllegalArgumentException("backend " + backend.name() + " is a " + backend.role() + ", not a MASTER");
            }
            this.master = new BackendStatus(backend, health, 0);
            return this;
        }

        public Builder replica(Backend backend, BackendHealth health, long lagMillis) {
            if (backend.role() == BackendRole.MASTER) {
                throw new IllegalArgumentException("backend " + backend.name() + " is a MASTER, not a replica");
            }
            replicas.put(backend.name(), new BackendStatus(backend, health, lagMillis));
            return this;
        }

        /** Drops a replica; unknown names are ignored. */
        public Builder removeReplica(String name) {
            replicas.remove(name);
            return this;
        }

        public Builder relaysServeReads(boolean relaysServeReads) {
            this.relaysServeReads = relaysServeReads;
            return this;
        }

        public Builder readAffinity(ReadAffinity readAffinity) {
            this.readAffinity = java.util.Objects.requireNonNull(readAffinity, "readAffinity");
            return this;
        }

        /** Reads are served as in {@code view}: whether relays take reads, and the read affinity. */
        public Builder readPolicyOf(ClusterView view) {
            return relaysServeReads(view.relaysServeReads).readAffinity(view.readAffinity);
        }

        public ClusterView build() {
            if (master == null) {
                throw new IllegalStateException("a cluster view needs a master");
            }
            Set<String> names = new HashSet<>();
            names.add(master.backend().name());
            for (String name : replicas.keySet()) {
                if (!names.add(name)) {
                    throw new IllegalStateException("backend name " + name + " is used twice");
                }
            }
            return new ClusterView(this);
        }
    }
}
