package io.sluice.bootstrap.registration;

import io.sluice.bootstrap.BootstrapException;
import io.sluice.bootstrap.flavor.Flavor;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Makes one server a running replica of its source: the single code path behind
 * {@code sandbox up}, {@code sandbox add-replica} and {@code bootstrap register} in a container.
 *
 * <ol>
 *   <li>refuse a source with the replica's own server_id or server_uuid ({@link IdentityClash});
 *   <li>a replica that already replicates from this source is left alone: its threads are
 *       started if a restart stopped them, nothing is re-pointed (a restart changes nothing);
 *   <li>the replication account on the source and on the replica, outside the binary log;
 *   <li>if the source's binary log no longer holds what the replica lacks, seed the (empty)
 *       replica with a {@link LogicalSnapshot} first;
 *   <li>point it at the source by GTID auto-position, start it, and wait until it has applied
 *       everything the source had when it was pointed.
 * </ol>
 */
public final class ReplicaRegistration {
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(10);

  private ReplicaRegistration() {}

  public enum Outcome {
    /** It already replicated from this source; at most its threads were started. */
    ALREADY_REPLICATING,
    /** Pointed at the source; everything it lacked was still in the source's binary log. */
    REGISTERED,
    /** Seeded from a snapshot of the source first, then pointed at it. */
    SEEDED_AND_REGISTERED
  }

  /** What {@link #register} did; {@code snapshot} is present when it seeded. */
  public record Report(Outcome outcome, Optional<LogicalSnapshot.Result> snapshot, Duration elapsed) {}

  public static Report register(Endpoint replica, Endpoint source, Flavor flavor, ReplicationAccount account,
      Duration timeout, Consumer<String> progress) {
    long start = System.nanoTime();
    try (AdminSession r = replica.open(ADMIN_TIMEOUT); AdminSession s = source.open(ADMIN_TIMEOUT)) {
      IdentityClash.refuse(r, s, flavor);
      Optional<ReplicaStatus> current = ReplicaStatus.read(r, flavor.dialect());
      if (current.isPresent() && current.get().sourceHost().equals(source.host())
          && current.get().sourcePort() == source.port()) {
        ReplicaSetup.start(r, flavor);
        ReplicationWait.untilCaughtUp(r, flavor, ReplicationWait.executedGtids(s, flavor), timeout);
        return new Report(Outcome.ALREADY_REPLICATING, Optional.empty(), since(start));
      }
      account.ensureOn(s, flavor);
      account.ensureOn(r, flavor);
      Optional<LogicalSnapshot.Result> snapshot = Optional.empty();
      Optional<String> gone = BinlogHistory.purgedButMissing(s, r, flavor);
      if (gone.isPresent()) {
        if (!BinlogHistory.holdsNoData(r)) {
          throw new BootstrapException(replica.label() + " lacks transactions " + gone.get() + " that " + source.label()
              + " has purged from its binary log, and it already holds data, so it cannot be seeded from a snapshot."
              + " Rebuild it from an empty datadir (it is then seeded automatically) or restore a backup of "
              + source.label());
        }
        progress.accept(source.label() + " has purged " + gone.get() + " from its binary log: seeding "
            + replica.label() + " from a snapshot");
        // The threads must be stopped to set the GTID position, and a half-configured replica
        // from an earlier failed attempt may have them running.
        r.execute(flavor.dialect().stopReplica());
        snapshot = Optional.of(LogicalSnapshot.copy(source, replica, flavor, account.user(), progress));
      }
      progress.accept("pointing " + replica.label() + " at " + source.label() + " (" + source.address() + ")");
      ReplicaSetup.pointAt(r, flavor, source.host(), source.port(), account);
      ReplicationWait.untilCaughtUp(r, flavor, ReplicationWait.executedGtids(s, flavor), timeout);
      return new Report(snapshot.isPresent() ? Outcome.SEEDED_AND_REGISTERED : Outcome.REGISTERED, snapshot,
          since(start));
    }
  }

  private static Duration since(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }
}
