package io.sluice.bootstrap.flavor;

/**
 * The statements and status columns that differ between flavors for the same replication
 * step. MySQL 8.0.22+ renamed MASTER/SLAVE to SOURCE/REPLICA; 5.7 and MariaDB keep the old
 * words; MariaDB also has its own GTID format and wait function.
 */
public interface ReplicationDialect {
  String stopReplica();

  String startReplica();

  /** Stops only the thread that receives from the source; the applier keeps applying. */
  String stopIoThread();

  String startIoThread();

  /** Starts only the applier (SQL) thread, e.g. to apply a relay log while receiving stays off. */
  default String startSqlThread() {
    return startIoThread().replace("IO_THREAD", "SQL_THREAD");
  }

  /** Points a replica at its source using GTID auto-positioning. Arguments are raw values, not SQL. */
  String changeSource(String host, int port, String user, String password);

  String showReplicaStatus();

  String ioRunningColumn();

  String sqlRunningColumn();

  String lagColumn();

  String sourceHostColumn();

  String sourcePortColumn();

  default String lastIoErrorColumn() {
    return "Last_IO_Error";
  }

  default String lastSqlErrorColumn() {
    return "Last_SQL_Error";
  }

  /** A single-value query returning what this server has written to its binary log, as GTIDs. */
  String executedGtidsQuery();

  /**
   * A single-value query with two parameters (GTID set, timeout in seconds) that blocks until
   * this replica has applied the set; returns 0 when it has.
   */
  String waitForGtidsQuery();

  /** The dynamic variable that, when on, keeps even SUPER users from writing; empty if none. */
  default String superReadOnlyVariable() {
    return "super_read_only";
  }
}
