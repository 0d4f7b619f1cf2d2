package io.sluice.bootstrap.registration;

import io.sluice.bootstrap.BootstrapException;
import io.sluice.bootstrap.flavor.Flavor;
import java.time.Duration;
import java.util.Optional;

/** Waits until a replica's threads run and it has applied a given set of the source's GTIDs. */
public final class ReplicationWait {
  private static final Duration POLL = Duration.ofMillis(100);

  private ReplicationWait() {}

  /** The GTIDs the server behind {@code source} has written to its binary log so far. */
  public static String executedGtids(AdminSession source, Flavor flavor) {
    String gtids = source.value(flavor.dialect().executedGtidsQuery());
    return gtids == null ? "" : gtids;
  }

  /**
   * Returns once both replication threads of {@code replica} run and it has applied
   * {@code gtids}. Fails at once if a replication thread stops on an error, since that needs a
   * person, and with the last status seen on timeout.
   */
  public static void untilCaughtUp(AdminSession replica, Flavor flavor, String gtids, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Optional<ReplicaStatus> status = Optional.empty();
    while (true) {
      status = ReplicaStatus.read(replica, flavor.dialect());
      if (status.isEmpty()) {
        throw new BootstrapException(replica.label() + " is not configured as a replica (empty "
            + flavor.dialect().showReplicaStatus() + ")");
      }
      if (status.get().brokenOnError()) {
        throw new BootstrapException(replica.label() + ": replication stopped: " + status.get());
      }
      if (status.get().running()) {
        // Waits at most a second per round, so a thread that breaks meanwhile is noticed.
        String waited = replica.value(flavor.dialect().waitForGtidsQuery(), gtids, 1);
        if ("0".equals(waited)) {
          return;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new BootstrapException(replica.label() + " did not catch up with its source within "
            + timeout.toSeconds() + "s (waiting for GTIDs '" + gtids + "'): " + status.get());
      }
      sleep(POLL);
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BootstrapException("interrupted while waiting for replication", e);
    }
  }
}
