package io.sluice.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What the kernel says a thread may run on: the Cpus_allowed_list of a /proc status file. */
public final class ProcCpus {
  private ProcCpus() {
  }

  /** The calling thread's CPUs. */
  public static List<Integer> ofThisThread() throws IOException {
    return allowed(Path.of("/proc/thread-self/status"));
  }

  /** The CPUs in a status file's Cpus_allowed_list ("0-3,6"). */
  public static List<Integer> allowed(Path status) throws IOException {
    String list = Files.readAllLines(status).stream().filter(l -> l.startsWith("Cpus_allowed_list:"))
        .findFirst().orElseThrow(() -> new IOException("no Cpus_allowed_list in " + status))
        .substring("Cpus_allowed_list:".length()).trim();
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
