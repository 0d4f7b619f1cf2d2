package io.sluice.bootstrap.sandbox;

import io.sluice.bootstrap.registration.ReplicaRegistration;
import java.time.Duration;

/** What {@link Sandbox#addReplica} did: the new slave, how it was registered, and how long it all took. */
public record ScaleReport(Instance added, ReplicaRegistration.Report registration, Duration elapsed) {}
