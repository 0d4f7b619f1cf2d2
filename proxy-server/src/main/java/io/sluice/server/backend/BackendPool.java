package io.sluice.server.backend;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.protocol.error.ErrorCodes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A bounded pool of interchangeable backend connections ({@link PoolKey}) owned by ONE event
 * loop. Every method runs on that loop, so taking a connection is a deque pop with no locks.
 * When all {@code max} connections are busy, callers wait in FIFO order up to the connect
 * timeout, then get a clear error instead of an ever-growing backlog.
 */
public final class BackendPool {
  private final EventLoop loop;
  private final PoolKey key;
  private final String host;
  private final int port;
  private final BackendCredentials credentials;
  private final BackendConnector connector;
  private final int max;
  private final Duration idleTimeout;
  private final Duration waitTimeout;

  private final ArrayDeque<BackendConnection> idle = new ArrayDeque<>();
  private final ArrayDeque<Promise<BackendConnection>> waiters = new ArrayDeque<>();
  /** The waiters that need a connection without a current schema (see {@link #pollIdle(boolean)}). */
  private final Set<Promise<BackendConnection>> waitersWithoutSchema = Collections.newSetFromMap(new IdentityHashMap<>());
  private int open; // idle + lent out + being opened
  /** Every connection this pool opened that is not closed yet, lent out or idle. */
  private final Set<BackendConnection> members = Collections.newSetFromMap(new IdentityHashMap<>());
  private boolean closed;
  private ScheduledFuture<?> reaper;

  public BackendPool(
      EventLoop loop, PoolKey key, String host, int port, BackendCredentials credentials,
      BackendConnector connector, int max, Duration idleTimeout, Duration waitTimeout) {
    this.loop = loop;
    this.key = key;
    this.host = host;
    this.port = port;
    this.credentials = credentials;
    this.connector = connector;
    this.max = max;
    this.idleTimeout = idleTimeout;
    this.waitTimeout = waitTimeout;
    long period = Math.max(1000, idleTimeout.toMillis() / 2);
    this.reaper = loop.scheduleAtFixedRate(this::closeIdleConnections, period, period, TimeUnit.MILLISECONDS);
  }

  /** The server this pool connects to. */
  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public PoolKey key() {
    return key;
  }

  /**
   * An idle connection now, or null (then {@link #acquire} opens one or waits): the common
   * case of a statement, without a future.
   */
  public BackendConnection pollIdle() {
    return pollIdle(false);
  }

  /**
   * As {@link #pollIdle()}; with {@code withoutSchema}, only a connection that never had a
   * current schema. MySQL has no way back to "no database" short of a new login, so a session
   * that named none must not get a connection another session moved to its schema: its
   * DATABASE() would say that schema, and its unqualified CREATE TABLE would land there.
   */
  public BackendConnection pollIdle(boolean withoutSchema) {
    assert loop.inEventLoop();
    if (closed) {
      return null;
    }
    if (!withoutSchema) {
      BackendConnection c;
      while ((c = idle.pollLast()) != null) { // most recently used: warmest, least likely timed out
        if (c.isIdle()) {
          return c;
        }
        open--;
      }
      return null;
    }
    for (Iterator<BackendConnection> it = idle.descendingIterator(); it.hasNext(); ) {
      BackendConnection c = it.next();
      if (!c.isIdle()) {
        it.remove();
        open--;
      } else if (c.snapshot().schema() == null) {
        it.remove();
        return c;
      }
    }
    return null;
  }

  public Future<BackendConnection> acquire() {
    return acquire(false);
  }

  /** As {@link #acquire()}; with {@code withoutSchema}, a connection without a current schema (see {@link #pollIdle(boolean)}). */
  public Future<BackendConnection> acquire(boolean withoutSchema) {
    assert loop.inEventLoop();
    Promise<BackendConnection> promise = loop.newPromise();
    if (closed) {
      promise.setFailure(new BackendException(ErrorCodes.backendUnavailable(key.backendName(), "backend removed")));
      return promise;
    }
    BackendConnection c = pollIdle(withoutSchema);
    if (c != null) {
      promise.setSuccess(c);
      return promise;
    }
    if (open >= max && withoutSchema && !idle.isEmpty()) {
      // Full, and every idle connection has a schema: the least recently used makes room.
      BackendConnection oldest = idle.pollFirst();
      oldest.close();
      open--;
    }
    if (open < max) {
      open++;
      connector.connect(loop, key.backendName(), host, port, credentials, key.wireCapabilities(), key.collationId())
          .addListener(f -> {
            if (f.isSuccess()) {
              BackendConnection opened = (BackendConnection) f.getNow();
              members.add(opened);
              opened.channel().closeFuture().addListener(closed -> members.remove(opened)); // on this loop
              promise.setSuccess(opened);
            } else {
              open--;
              promise.setFailure(f.cause());
            }
          });
      return promise;
    }
    waiters.addLast(promise);
    if (withoutSchema) {
      waitersWithoutSchema.add(promise);
    }
    loop.schedule(() -> {
      waitersWithoutSchema.remove(promise);
      if (waiters.remove(promise)) {
        promise.tryFailure(new BackendException(ErrorCodes.backendUnavailable(key.backendName(),
            "all " + max + " connections of the pool are busy (pool.max-connections)")));
      }
    }, waitTimeout.toMillis(), TimeUnit.MILLISECONDS);
    return promise;
  }

  /**
   * Takes back a connection this session released a moment ago, if nobody else took it since:
   * a statement about the previous one (SHOW WARNINGS, ROW_COUNT()) must run where it ran.
   */
  public boolean reclaim(BackendConnection c) {
    assert loop.inEventLoop();
    return c.isIdle() && idle.removeLastOccurrence(c);
  }

  /**
   * Gives a connection back. A connection that is not idle and healthy, that may still hold
   * one session's next-transaction characteristics, or that a KILL QUERY was sent to, is closed
   * instead.
   */
  public void release(BackendConnection c) {
    assert loop.inEventLoop();
    if (closed || !c.isIdle() || c.nextTransactionPending() || c.killQuerySent()) {
      discard(c);
      return;
    }
    c.setAutoRead(true);
    Promise<BackendConnection> waiter;
    while ((waiter = waiters.peekFirst()) != null) {
      if (waiter.isDone()) {
        waiters.pollFirst();
      } else if (waitersWithoutSchema.contains(waiter) && c.snapshot().schema() != null) {
        discard(c); // closed, and the waiter gets a fresh connection instead
        return;
      } else {
        waiters.pollFirst();
        waitersWithoutSchema.remove(waiter);
        if (waiter.trySuccess(c)) {
          return;
        }
      }
    }
    idle.addLast(c);
  }

  /** Drops a broken or state-tainted connection and lets a waiter open a fresh one. */
  public void discard(BackendConnection c) {
    assert loop.inEventLoop();
    c.close();
    open--;
    Promise<BackendConnection> waiter = waiters.pollFirst();
    if (waiter != null) {
      acquire(waitersWithoutSchema.remove(waiter)).addListener(f -> {
        if (f.isSuccess()) {
          if (!waiter.trySuccess((BackendConnection) f.getNow())) {
            release((BackendConnection) f.getNow());
          }
        } else {
          waiter.tryFailure(f.cause());
        }
      });
    }
  }

  /**
   * The backend was found down: every command in flight on a connection of this pool fails
   * now with 08S01 (it may have run), whoever sent it: a client's statement, Sluice's own
   * question on the master aside, a login's schema check, a cursor's fetch. Without this each
   * waited for a server that stopped answering (SIGSTOP, a partition) to answer again.
   */
  public void abortBusy(String reason) {
    loop.execute(() -> {
      for (BackendConnection c : List.copyOf(members)) { // closing one removes it from the set
        c.abort(reason); // only a connection with a command in flight
      }
    });
  }

  public int idleCount() {
    return idle.size();
  }

  /** Closed pools hand out nothing; callers that cached this pool must look it up again. */
  public boolean isClosed() {
    return closed;
  }

  public int openCount() {
    return open;
  }

  public void close() {
    loop.execute(() -> {
      closed = true;
      reaper.cancel(false);
      for (BackendConnection c : idle) {
        c.close();
      }
      open -= idle.size();
      idle.clear();
      Promise<BackendConnection> w;
      waitersWithoutSchema.clear();
      while ((w = waiters.pollFirst()) != null) {
        w.tryFailure(new BackendException(ErrorCodes.backendUnavailable(key.backendName(), "pool closed")));
      }
    });
  }

  private void closeIdleConnections() {
    long cutoff = System.nanoTime() - idleTimeout.toNanos();
    for (Iterator<BackendConnection> it = idle.iterator(); it.hasNext(); ) {
      BackendConnection c = it.next();
      if (!c.isIdle() || c.lastUsedNanos() < cutoff) {
        it.remove();
        c.close();
        open--;
      }
    }
  }
}
