package io.sluice.server;

import java.util.List;
import java.util.function.Supplier;

/**
 * Whether the event-loop threads are bound to CPUs ({@code sluice proxy --bind-io-threads}).
 *
 * <p>{@link #AUTO}, the default, binds only when there is exactly one loop per CPU the process
 * may use (the default loop count, unless a cgroup quota makes the JVM count fewer): then every
 * CPU gets one loop, so several proxies on one host still spread evenly. With fewer loops than
 * CPUs, binding would put every proxy's loops on the first CPUs; with one CPU there is nothing
 * to choose. Why bind at all: see {@link CpuAffinity}.
 */
public enum EventLoopBinding {
  /** Bind when the loops are one per allowed CPU, and there are at least two. */
  AUTO,
  /** Bind each loop to the next allowed CPU in turn, whatever their numbers. */
  ON,
  /** Leave the loops to the kernel's scheduler. */
  OFF;

  /**
   * The CPUs to bind {@code loops} event loops to, in turn; empty when they stay unbound.
   * {@code allowedCpus} is asked only when the answer could matter (it loads native code).
   */
  List<Integer> cpusFor(int loops, Supplier<List<Integer>> allowedCpus) {
    return switch (this) {
      case ON -> allowedCpus.get();
      case OFF -> List.of();
      case AUTO -> {
        if (loops < 2) {
          yield List.of();
        }
        List<Integer> allowed = allowedCpus.get();
        yield loops == allowed.size() ? allowed : List.of();
      }
    };
  }
}
