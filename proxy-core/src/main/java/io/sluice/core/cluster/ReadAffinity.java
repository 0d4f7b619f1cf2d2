package io.sluice.core.cluster;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a session's plain reads stay on the slave chosen by weight for the first of them:
 * for {@code time} after that choice, while the slave stays usable; the next read after that is
 * chosen by weight again. Over many sessions, or over the life of a busy one, reads still follow
 * the weights; what changes is that a session's consecutive reads meet the same server, which on
 * a busy machine costs the proxy, the servers and the client less per statement than
 * alternating (measured in benchmarks/RESULTS.md). Zero chooses every read by weight.
 */
public record ReadAffinity(Duration time) {
    /** Every read chosen by weight. */
    public static final ReadAffinity OFF = new ReadAffinity(Duration.ZERO);
    public static final ReadAffinity DEFAULT = new ReadAffinity(Duration.ofSeconds(1));

    public ReadAffinity {
        Objects.requireNonNull(time, "time");
        if (time.isNegative()) {
            throw new IllegalArgumentException("must be 0 (every read chosen by weight) or more, got " + time);
        }
    }

    public boolean isOff() {
        return time.isZero();
    }
}
