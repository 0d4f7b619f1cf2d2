package io.sluice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;

/** Real sched_getaffinity/sched_setaffinity calls, checked against what the kernel reports in /proc. */
public class CpuAffinityTest {

  @Test
  void theAllowedCpusAreTheOnesTheKernelReports() throws IOException {
    assertEquals(cpuList(Path.of("/proc/thread-self/status")), CpuAffinity.allowedCpus());
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
          seen.add(n + ":" + cpuList(Path.of("/proc/thread-self/status")));
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
    assertEquals(allowed, cpuList(Path.of("/proc/thread-self/status")), "the creating thread stays unbound");
  }

  @Test
  void withNoCpusKnownTheFactoryIsLeftAsItIs() {
    ThreadFactory base = Thread::new;
    assertSame(base, CpuAffinity.binding(base, List.of()));
  }

  @Test
  void aCpuTheProcessMayNotUseIsRefusedAndTheThreadRunsOn() throws Exception {
    List<Integer> allowed = CpuAffinity.allowedCpus();
    boolean[] bound = new boolean[1];
    Thread t = new Thread(() -> bound[0] = CpuAffinity.bindCurrentThread(1023));
    t.start();
    t.join();
    assertTrue(allowed.contains(1023) || !bound[0], "binding to a CPU outside " + allowed + " succeeded");
  }

  /** The CPUs in a status file's Cpus_allowed_list ("0-3,6"). */
  public static List<Integer> cpuList(Path status) throws IOException {
    String list = Files.readAllLines(status).stream().filter(l -> l.startsWith("Cpus_allowed_list:"))
        .findFirst().orElseThrow().substring("Cpus_allowed_list:".length()).trim();
    List<Integer> cpus = new ArrayList<>();
    for (String range : list.split(",")) {
      String[] ends = range.split("-");
      int from = Integer.parseInt(ends[0]);
      int to = ends.length == 1 ? from : Integer.parseInt(ends[1]);
      for (int cpu = from; cpu <= to; cpu++) {
        cpus.add(cpu);
      }
    }
    return cpus;
  }
}
