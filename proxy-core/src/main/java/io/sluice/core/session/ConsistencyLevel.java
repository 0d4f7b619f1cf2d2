package io.sluice.core.session;

/** How fresh reads must be for a session. */
public enum ConsistencyLevel {
    /** Reads may go to any usable slave, however far behind within the lag bound. */
    EVENTUAL,
    /** A read on a slave waits until the slave has applied the session's last written GTID. */
    READ_YOUR_WRITES,
    /** Everything goes to the master. */
    PRIMARY;

    /** The name used in config files and in {@code SET sluice_consistency}. */
    public String configName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** Parses {@code eventual}, {@code read-your-writes} (or {@code read_your_writes}) or {@code primary}; empty if none. */
    public static java.util.Optional<ConsistencyLevel> fromName(String text) {
        String normalized = text.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
        for (ConsistencyLevel level : values()) {
            if (level.name().equals(normalized)) {
                return java.util.Optional.of(level);
            }
        }
        return java.util.Optional.empty();
    }
}
