package io.sluice.core.cluster;

/**
 * A backend's place in the replication topology. A RELAY replicates from the master and
 * feeds further slaves; whether it also serves reads is the cluster view's choice.
 */
public enum BackendRole {
    MASTER,
    RELAY,
    SLAVE
}
