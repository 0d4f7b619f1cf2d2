package io.sluice.server;

import java.util.EnumSet;
import java.util.concurrent.CompletableFuture;

/**
 * Holds statements bound for the master while it is being replaced, so that they run on the
 * new master a moment later instead of failing against the old one.
 *
 * <p>{@link Hold#PROMOTION}: from the moment a switchover fences the old master read-only until
 * the new one is published (a write sent to the old one would fail with 1290 although nothing
 * is wrong with it), or while a failover's replicas apply their relay logs. An abandoned
 * switchover makes the old master writable again and lets them run there.
 *
 * <p>{@link Hold#FAILOVER_DUE}: while the master is down and an automatic failover is due
 * (failover.auto, after failover.down-after). Held statements run on the promoted replica, or
 * on the old master if it answers again first; if the failover attempt fails they get the
 * proxy's backend-unavailable error, as do writes until the master is back. Without automatic
 * failover nothing is coming, and writes fail at once.
 *
 * <p>The gate is open when nothing holds it. A held statement that the application cancels
 * (KILL QUERY) is answered 1317 at once and never runs.
 */
public final class MasterGate {
  /** Why master-bound statements wait. */
  public enum Hold {
    /** A switchover or failover is replacing the master. */
    PROMOTION,
    /** The master is down and the automatic failover will replace it. */
    FAILOVER_DUE
  }

  private final EnumSet<Hold> holds = EnumSet.noneOf(Hold.class);
  /** Non-null exactly while {@link #holds} is not empty; completed when it empties. */
  private volatile CompletableFuture<Void> closed;

  /** Starts holding master-bound statements for {@code why} (a no-op if it already holds for that). */
  public synchronized void close(Hold why) {
    holds.add(why);
    if (closed == null) {
      closed = new CompletableFuture<>();
    }
  }

  /**
   * Ends the hold for {@code why}; once nothing holds the gate, every held statement goes to
   * whichever master the view names then. Idempotent.
   */
  public void open(Hold why) {
    CompletableFuture<Void> release;
    synchronized (this) {
      if (!holds.remove(why) || !holds.isEmpty()) {
        return;
      }
      release = closed;
      closed = null;
    }
    release.complete(null); // outside the lock: completing runs the held statements' callbacks
  }

  public synchronized boolean holds(Hold why) {
    return holds.contains(why);
  }

  /** Null while open (one volatile read on the statement path); else completes when opened. */
  public CompletableFuture<Void> whenOpen() {
    return closed;
  }
}
