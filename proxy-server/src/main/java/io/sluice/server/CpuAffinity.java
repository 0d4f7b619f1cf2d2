package io.sluice.server;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds event-loop threads to CPUs, one per CPU in turn, as haproxy's {@code cpu-map} and nginx's
 * {@code worker_cpu_affinity auto} do; Linux only ({@code sched_setaffinity}, through JNA).
 *
 * <p>Why: on a machine the proxy shares with busy servers and clients, the kernel was seen to
 * queue both event loops on one CPU behind another task while the other CPU ran out of work
 * and idled; bound one per CPU, the loops cannot pile up on one CPU (benchmarks/RESULTS.md,
 * 2026-11-30 morning: more point selects per second in 11 of 12 alternating rounds here).
 * {@link EventLoopBinding} decides when: by default only with one loop per allowed CPU, since
 * several proxies on one host, each with fewer loops than CPUs, would all bind to the first CPUs.
 *
 * <p>A thread started by a bound thread inherits its CPU: pools that would start threads on
 * demand from an event loop start them before the loops run instead (the admin thread, the SQL
 * parser's threads).
 */
final class CpuAffinity {
  private static final Logger log = LoggerFactory.getLogger(CpuAffinity.class);
  /**
   * glibc's cpu_set_t: 1024 CPUs, bit (cpu % 8) of byte (cpu / 8), which is its layout of
   * unsigned longs on little-endian machines (x86-64, arm64); allowedCpus refuses the others.
   */
  private static final int MASK_BYTES = 128;

  private interface LibC extends Library {
    int sched_getaffinity(int pid, long cpusetsize, byte[] mask);

    int sched_setaffinity(int pid, long cpusetsize, byte[] mask);
  }

  private CpuAffinity() {
  }

  /**
   * The CPUs the calling thread may run on (a container's cpuset, taskset), in order; empty
   * where that cannot be asked (not Linux, no native access), with the reason logged.
   */
  static List<Integer> allowedCpus() {
    if (!System.getProperty("os.name", "").startsWith("Linux")) {
      log.info("event loops stay unbound: binding them to CPUs is done on Linux only");
      return List.of();
    }
    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
      log.warn("event loops stay unbound: CPU masks are read here as a little-endian machine lays them out");
      return List.of();
    }
    byte[] mask = new byte[MASK_BYTES];
    try {
      if (libc().sched_getaffinity(0, MASK_BYTES, mask) != 0) {
        log.warn("cannot read the CPUs this process may use (errno {}); event loops stay unbound", Native.getLastError());
        return List.of();
      }
    } catch (RuntimeException | LinkageError e) { // native access missing, or a fault inside it: start unbound
      log.warn("cannot bind event loops to CPUs here ({}); they stay unbound", e.toString());
      return List.of();
    }
    List<Integer> cpus = new ArrayList<>();
    for (int cpu = 0; cpu < MASK_BYTES * 8; cpu++) {
      if ((mask[cpu / 8] & (1 << (cpu % 8))) != 0) {
        cpus.add(cpu);
      }
    }
    return cpus;
  }

  /**
   * Threads from {@code base}, each bound to the next of {@code cpus} (round robin) before it
   * runs anything; {@code base} itself when {@code cpus} is empty.
   */
  static ThreadFactory binding(ThreadFactory base, List<Integer> cpus) {
    if (cpus.isEmpty()) {
      return base;
    }
    List<Integer> order = List.copyOf(cpus);
    AtomicInteger next = new AtomicInteger();
    return r -> {
      int cpu = order.get(Math.floorMod(next.getAndIncrement(), order.size()));
      return base.newThread(() -> {
        bindCurrentThread(cpu);
        r.run();
      });
    };
  }

  /**
   * Binds the calling thread to {@code cpu}; a failure (no native access, a refusal) is logged
   * and the thread runs unbound (an event loop must run, bound or not).
   */
  static boolean bindCurrentThread(int cpu) {
    if (cpu < 0 || cpu >= MASK_BYTES * 8) {
      log.warn("cannot bind {} to CPU {}: beyond the {} CPUs a mask here holds; it runs unbound",
          Thread.currentThread().getName(), cpu, MASK_BYTES * 8);
      return false;
    }
    byte[] mask = new byte[MASK_BYTES];
    mask[cpu / 8] |= (byte) (1 << (cpu % 8));
    int rc;
    try {
      rc = libc().sched_setaffinity(0, MASK_BYTES, mask);
    } catch (RuntimeException | LinkageError e) { // native access missing, or a fault inside it
      log.warn("cannot bind {} to CPU {} ({}); it runs unbound", Thread.currentThread().getName(), cpu, e.toString());
      return false;
    }
    if (rc != 0) {
      log.warn("cannot bind {} to CPU {} (errno {}); it runs unbound", Thread.currentThread().getName(), cpu,
          Native.getLastError());
      return false;
    }
    log.debug("{} bound to CPU {}", Thread.currentThread().getName(), cpu);
    return true;
  }

  private static LibC libc() {
    return Holder.LIBC;
  }

  /** Loaded on first use, so that a proxy that never asks (--bind-io-threads=off, one loop) loads no native code. */
  private static final class Holder {
    static final LibC LIBC = Native.load("c", LibC.class);
  }
}
