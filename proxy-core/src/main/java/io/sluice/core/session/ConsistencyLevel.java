package io.sluice.core.session;

/** How fresh reads must be for a session. */
public enum ConsistencyLevel {
    /** Reads may go to any usable slave, however far behind within the lag bound. */
    EVENTUAL,
    /** A read on a slave waits until the slave has applied the session's last written GTID. */
    READ_YOUR_WRITES,
    /** Everything goes to the master. */
    PRIMARY
}
