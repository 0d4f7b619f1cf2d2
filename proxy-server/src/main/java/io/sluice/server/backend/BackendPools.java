package io.sluice.server.backend;

import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * All backend pools: one per (event loop, {@link PoolKey}). A session only ever takes
 * connections from the pools of its own event loop, so the pools themselves stay lock-free;
 * this registry is the only shared structure and is touched once per pool creation.
 */
public final class BackendPools {
  private record Key(EventLoop loop, PoolKey key) {}

  private final Map<Key, BackendPool> pools = new ConcurrentHashMap<>();
  private final BackendConnector connector;
  private volatile int maxPerPool;
  private volatile Duration idleTimeout;
  private volatile Duration waitTimeout;

  public BackendPools(BackendConnector connector, int maxPerPool, Duration idleTimeout, Duration waitTimeout) {
    this.connector = connector;
    this.maxPerPool = maxPerPool;
    this.idleTimeout = idleTimeout;
    this.waitTimeout = waitTimeout;
  }

  public BackendPool pool(
      EventLoop loop, PoolKey key, String host, int port, BackendCredentials credentials) {
    return pools.computeIfAbsent(new Key(loop, key), k -> new BackendPool(
        loop, key, host, port, credentials, connector, maxPerPool, idleTimeout, waitTimeout));
  }

  /** Fails every command in flight on {@code backendName}, which the health checks found down. */
  public void abortBusy(String backendName, String reason) {
    pools.forEach((k, pool) -> {
      if (k.key().backendName().equals(backendName)) {
        pool.abortBusy(reason);
      }
    });
  }

  /** Closes the pools of a backend that was removed or whose address changed. */
  public void closeBackend(String backendName) {
    pools.entrySet().removeIf(e -> {
      if (e.getKey().key().backendName().equals(backendName)) {
        e.getValue().close();
        return true;
      }
      return false;
    });
  }

  /** Closes the pools of an account whose password changed or that was removed. */
  public void closeUser(String user) {
    pools.entrySet().removeIf(e -> {
      if (e.getKey().key().user().equals(user)) {
        e.getValue().close();
        return true;
      }
      return false;
    });
  }

  public void closeAll() {
    pools.values().forEach(BackendPool::close);
    pools.clear();
  }

  /** Applies new limits to pools created from now on. */
  public void reconfigure(int maxPerPool, Duration idleTimeout, Duration waitTimeout) {
    this.maxPerPool = maxPerPool;
    this.idleTimeout = idleTimeout;
    this.waitTimeout = waitTimeout;
  }

  public Map<PoolKey, int[]> usage() {
    Map<PoolKey, int[]> out = new java.util.HashMap<>();
    pools.forEach((k, p) -> out.merge(k.key(), new int[] {p.openCount(), p.idleCount()},
        (a, b) -> new int[] {a[0] + b[0], a[1] + b[1]}));
    return out;
  }
}
