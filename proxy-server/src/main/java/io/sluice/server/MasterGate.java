package io.sluice.server;

import java.util.concurrent.CompletableFuture;

/**
 * Holds statements bound for the master while a switchover or failover replaces it. From the
 * moment the old master is fenced read-only until the new one is published, a write sent to
 * the old one would fail with 1290 (read-only) although nothing is wrong with it; held here, it
 * runs on the new master a moment later instead (or on the old one again if the switchover is
 * abandoned, which makes it writable again). The hold lasts as long as the promotion takes to
 * fence, wait for the candidate to apply what the master executed, and promote it. A failover
 * holds them while the replicas apply their relay logs; before it starts (the master down for
 * failover.down-after), writes fail at once with the proxy's backend-unavailable error.
 */
public final class MasterGate {
  private volatile CompletableFuture<Void> closed;

  /** Starts holding master-bound statements; one promotion at a time calls this. */
  public void close() {
    closed = new CompletableFuture<>();
  }

  /** Lets every held statement go, to whichever master the view names now. Idempotent. */
  public void open() {
    CompletableFuture<Void> c = closed;
    closed = null;
    if (c != null) {
      c.complete(null);
    }
  }

  /** Null while open (one volatile read on the statement path); else completes when opened. */
  public CompletableFuture<Void> whenOpen() {
    return closed;
  }
}
