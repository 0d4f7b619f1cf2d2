package io.sluice.bootstrap.sandbox;

import io.sluice.bootstrap.registration.ReplicaStatus;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The observed state of one sandbox instance.
 *
 * @param pid the server's pid if it runs
 * @param replication the replica's threads and lag; empty for the master, a stopped server, or
 *     a server that could not be queried
 * @param problem why the server could not be queried, if it could not
 */
public record InstanceStatus(Instance instance, OptionalLong pid, Optional<ReplicaStatus> replication,
    Optional<String> problem) {
  public boolean running() {
    return pid.isPresent();
  }
}
