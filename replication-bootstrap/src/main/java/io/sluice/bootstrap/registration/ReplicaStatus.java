package io.sluice.bootstrap.registration;

import io.sluice.bootstrap.flavor.ReplicationDialect;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One row of SHOW REPLICA/SLAVE STATUS, flavor-neutral.
 *
 * @param ioThread Yes, No or Connecting
 * @param sqlThread Yes or No
 * @param lagSeconds Seconds_Behind_Source/Master; empty when the server cannot tell (NULL)
 */
public record ReplicaStatus(
    String sourceHost, int sourcePort, String ioThread, String sqlThread, OptionalLong lagSeconds,
    String lastIoError, String lastSqlError) {

  public boolean running() {
    return "Yes".equalsIgnoreCase(ioThread) && "Yes".equalsIgnoreCase(sqlThread);
  }

  /** A replication thread has stopped on an error: waiting longer will not help. */
  public boolean brokenOnError() {
    return ("No".equalsIgnoreCase(ioThread) && !lastIoError.isEmpty())
        || ("No".equalsIgnoreCase(sqlThread) && !lastSqlError.isEmpty());
  }

  /** Replication status of the server behind {@code session}; empty if it is not a replica. */
  public static Optional<ReplicaStatus> read(AdminSession session, ReplicationDialect d) {
    return session.firstRow(d.showReplicaStatus()).map(row -> new ReplicaStatus(
        text(row, d.sourceHostColumn()),
        Integer.parseInt(row.getOrDefault(d.sourcePortColumn(), "0")),
        text(row, d.ioRunningColumn()),
        text(row, d.sqlRunningColumn()),
        row.get(d.lagColumn()) == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(row.get(d.lagColumn()))),
        text(row, d.lastIoErrorColumn()),
        text(row, d.lastSqlErrorColumn())));
  }

  private static String text(Map<String, String> row, String column) {
    String v = row.get(column);
    return v == null ? "" : v;
  }

  @Override
  public String toString() {
    return "source " + sourceHost + ":" + sourcePort + ", IO thread " + ioThread + ", SQL thread " + sqlThread
        + ", lag " + (lagSeconds.isPresent() ? lagSeconds.getAsLong() + "s" : "unknown")
        + (lastIoError.isEmpty() ? "" : ", last IO error: " + lastIoError)
        + (lastSqlError.isEmpty() ? "" : ", last SQL error: " + lastSqlError);
  }
}
