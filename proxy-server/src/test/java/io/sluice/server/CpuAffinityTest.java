package io.sluice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;

/** Real sched_getaffinity/sched_setaffinity calls, checked against what the kernel reports in /proc. */
class CpuAffinityTest {

  @Test
  void theAllowedCpusAreTheOnesTheKernelReports() throws IOException {
    assertEquals(ProcCpus.ofThisThread(), CpuAffinity.allowedCpus());
  }

  @Test
  void eachNewThreadIsBoundToTheNextAllowedCpuInTurn() throws Exception {
    List<Integer> allowed = CpuAffinity.allowedCpus();
    assertFalse(allowed.isEmpty(), "sched_getaffinity found no CPU");
    ThreadFactory binding = CpuAffinity.binding(Thread::new, allowed);
    List<String> seen = new CopyOnWriteArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 2 * allowed.size() + 1; i++) {
      int n = i;
      Thread t = binding.newThread(() -> {
        try {
          seen.add(n + ":" + ProcCpus.ofThisThread());
        } catch (IOException e) {
          seen.add(n + ":" + e);
        }
      });
      threads.add(t);
      t.start();
      t.join();
    }
    for (int i = 0; i < threads.size(); i++) {
      assertEquals(i + ":" + List.of(allowed.get(i % allowed.size())), seen.get(i), "thread " + i);
    }
    assertEquals(allowed, ProcCpus.ofThisThread(), "the creating thread stays unbound");
  }

  @Test
  void bindingSucceedsForEveryAllowedCpu() throws Exception {
    for (int cpu : CpuAffinity.allowedCpus()) {
      assertEquals(List.of(true, List.of(cpu)), bindInANewThread(cpu), "bound to CPU " + cpu);
    }
  }

  @Test
  void withNoCpusKnownTheFactoryIsLeftAsItIs() {
    ThreadFactory base = Thread::new;
    assertSame(base, CpuAffinity.binding(base, List.of()));
  }

  @Test
  void aCpuTheProcessMayNotUseIsRefusedAndTheThreadRunsOnUnbound() throws Exception {
    List<Integer> allowed = CpuAffinity.allowedCpus();
    for (int cpu : new int[] {-1, 1023, 1024, 5000}) {
      if (allowed.contains(cpu)) {
        continue; // a machine with CPU 1023: that one is not refused
      }
      assertEquals(List.of(false, allowed), bindInANewThread(cpu), "binding to CPU " + cpu);
    }
  }

  /** In a new thread: whether binding it to {@code cpu} succeeded, then the CPUs it may run on. */
  private static List<Object> bindInANewThread(int cpu) throws InterruptedException {
    List<Object> result = new CopyOnWriteArrayList<>();
    Thread t = new Thread(() -> {
      result.add(CpuAffinity.bindCurrentThread(cpu));
      try {
        result.add(ProcCpus.ofThisThread());
      } catch (IOException e) {
        result.add(e);
      }
    });
    t.start();
    t.join();
    return result;
  }
}
