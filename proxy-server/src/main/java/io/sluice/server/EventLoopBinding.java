package io.sluice.server;

import java.util.List;

/**
 * Whether the event-loop threads are bound to CPUs ({@code sluice proxy --bind-io-threads}).
 *
 * <p>{@link #AUTO}, the default, binds only when there is exactly one loop per CPU the process
 * may use (the default loop count, unless a cgroup quota makes the JVM count fewer): then every
 * CPU gets one loop, so several proxies on one host still spread evenly, and the kernel can no
 * longer queue two loops on one CPU while another idles (benchmarks/RESULTS.md, 2026-11-30).
 * With fewer loops than CPUs, binding would put every proxy's loops on the first CPUs, so AUTO
 * leaves them to the scheduler; with one CPU there is nothing to choose.
 */
public enum EventLoopBinding {
  /** Bind when the loops are one per allowed CPU, and there are at least two. */
  AUTO,
  /** Bind each loop to the next allowed CPU in turn, whatever their numbers. */
  ON,
  /** Leave the loops to the kernel's scheduler. */
  OFF;

  /** The CPUs to bind {@code loops} event loops to, in turn; empty when they stay unbound. */
  List<Integer> cpusFor(int loops, List<Integer> allowedCpus) {
    return switch (this) {
      case ON -> allowedCpus;
      case OFF -> List.of();
      case AUTO -> allowedCpus.size() > 1 && loops == allowedCpus.size() ? allowedCpus : List.of();
    };
  }
}
