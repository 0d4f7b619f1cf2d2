package io.sluice.bootstrap.sandbox;

import io.sluice.bootstrap.flavor.Flavor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The observed state of a whole sandbox, as {@code sluice sandbox status} prints it.
 *
 * @param notes what the table alone does not say: roles moved since the record, a detached server
 */
public record SandboxStatus(Path dir, Flavor flavor, List<InstanceStatus> instances, List<String> notes) {

  public boolean allRunning() {
    return instances.stream().allMatch(InstanceStatus::running);
  }

  public boolean noneRunning() {
    return instances.stream().noneMatch(InstanceStatus::running);
  }

  /** A fixed-width table: one row per instance, then any problems. */
  public String render() {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"ROLE", "NAME", "ADDRESS", "SERVER_ID", "RUNNING", "IO", "SQL", "LAG", "SERVER_UUID"});
    List<String> problems = new ArrayList<>();
    for (InstanceStatus s : instances) {
      Instance i = s.instance();
      String io = "-";
      String sql = "-";
      String lag = "-";
      if (s.replication().isPresent()) {
        io = s.replication().get().ioThread();
        sql = s.replication().get().sqlThread();
        lag = s.replication().get().lagSeconds().isPresent() ? s.replication().get().lagSeconds().getAsLong() + "s"
            : "NULL";
        String ioErr = s.replication().get().lastIoError();
        String sqlErr = s.replication().get().lastSqlError();
        if (!ioErr.isEmpty()) {
          problems.add(i.name() + ": last IO error: " + ioErr);
        }
        if (!sqlErr.isEmpty()) {
          problems.add(i.name() + ": last SQL error: " + sqlErr);
        }
      }
      s.problem().ifPresent(p -> problems.add(i.name() + ": " + p));
      rows.add(new String[] {i.role().word(), i.name(), i.address(), Long.toString(i.serverId()),
          s.running() ? "yes (pid " + s.pid().getAsLong() + ")" : "no", io, sql, lag, i.serverUuid().orElse("-")});
    }
    int[] widths = new int[rows.get(0).length];
    for (String[] r : rows) {
      for (int c = 0; c < r.length; c++) {
        widths[c] = Math.max(widths[c], r[c].length());
      }
    }
    StringBuilder b = new StringBuilder();
    b.append("sandbox ").append(dir).append(" (").append(flavor.id()).append(")\n");
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < r.length; c++) {
        line.append(String.format("%-" + widths[c] + "s", r[c]));
        if (c < r.length - 1) {
          line.append("  ");
        }
      }
      b.append(line.toString().stripTrailing()).append('\n');
    }
    for (String p : problems) {
      b.append(p).append('\n');
    }
    for (String n : notes) {
      b.append(n).append('\n');
    }
    return b.toString();
  }
}
