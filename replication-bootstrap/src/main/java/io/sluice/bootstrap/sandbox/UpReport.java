package io.sluice.bootstrap.sandbox;

import java.time.Duration;
import java.util.List;

/**
 * What one {@link Sandbox#up} did, by instance name. A repeated {@code up} on a running sandbox
 * reports everything under {@code alreadyRunning} and nothing created or registered.
 *
 * @param created instances whose datadir was created (from the template) in this call
 * @param started instances whose server was started in this call (created ones included)
 * @param alreadyRunning instances left untouched because their server was running
 * @param registered instances that got accounts and replication set up in this call
 */
public record UpReport(
    List<String> created, List<String> started, List<String> alreadyRunning, List<String> registered, Duration elapsed) {}
