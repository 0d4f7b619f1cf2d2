package io.sluice.core.cluster;

import java.util.Objects;

/**
 * A backend with its health as seen by the last check.
 *
 * @param lagMillis replication lag in milliseconds, or {@link #UNKNOWN_LAG}
 */
public record BackendStatus(Backend backend, BackendHealth health, long lagMillis) {

    public static final long UNKNOWN_LAG = -1;

    public BackendStatus {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(health, "health");
        if (lagMillis < UNKNOWN_LAG) {
            throw new IllegalArgumentException("lagMillis must be >= 0 or UNKNOWN_LAG, got " + lagMillis);
        }
    }

    public boolean isUp() {
        return health == BackendHealth.UP;
    }
}
