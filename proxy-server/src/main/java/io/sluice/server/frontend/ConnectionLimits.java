package io.sluice.server.frontend;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts open client sessions per user and in all, to enforce the max-connections limits. */
public final class ConnectionLimits {
  private final Map<String, AtomicInteger> perUser = new ConcurrentHashMap<>();
  private final AtomicInteger total = new AtomicInteger();

  /** Counts one more client connection unless {@code max} (0: no limit) are open already. */
  boolean tryAcquireTotal(int max) {
    while (true) {
      int cur = total.get();
      if (max > 0 && cur >= max) {
        return false;
      }
      if (total.compareAndSet(cur, cur + 1)) {
        return true;
      }
    }
  }

  void releaseTotal() {
    total.decrementAndGet();
  }

  public int total() {
    return total.get();
  }

  boolean tryAcquire(String user, int max) {
    AtomicInteger n = perUser.computeIfAbsent(user, u -> new AtomicInteger());
    while (true) {
      int cur = n.get();
      if (cur >= max) {
        return false;
      }
      if (n.compareAndSet(cur, cur + 1)) {
        return true;
      }
    }
  }

  void release(String user) {
    AtomicInteger n = perUser.get(user);
    if (n != null) {
      n.decrementAndGet();
    }
  }

  public int count(String user) {
    AtomicInteger n = perUser.get(user);
    return n == null ? 0 : n.get();
  }
}
