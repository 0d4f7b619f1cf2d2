package io.sluice.bootstrap.flavor;

import static io.sluice.bootstrap.registration.SqlText.quote;

/** MySQL 8.0.23+: SOURCE/REPLICA vocabulary. */
final class MySql80Dialect implements ReplicationDialect {
  @Override
  public String stopReplica() {
    return "STOP REPLICA";
  }

  @Override
  public String startReplica() {
    return "START REPLICA";
  }

  @Override
  public String stopIoThread() {
    return "STOP REPLICA IO_THREAD";
  }

  @Override
  public String startIoThread() {
    return "START REPLICA IO_THREAD";
  }

  @Override
  public String changeSource(String host, int port, String user, String password) {
    // GET_SOURCE_PUBLIC_KEY: the replication account uses caching_sha2_password, whose first
    // login over a non-TLS link needs the source's RSA key. SOURCE_CONNECT_RETRY=1: after a
    // source restart the replica reconnects within a second instead of the default 60.
    // SOURCE_HEARTBEAT_PERIOD=1: an idle source still sends a heartbeat every second, so a replica
    // whose source vanished without closing the connection gives up after the short net timeout
    // in its option file (MyCnfRenderer) rather than after a minute.
    return "CHANGE REPLICATION SOURCE TO SOURCE_HOST=" + quote(host) + ", SOURCE_PORT=" + port
        + ", SOURCE_USER=" + quote(user) + ", SOURCE_PASSWORD=" + quote(password)
        + ", SOURCE_AUTO_POSITION=1, GET_SOURCE_PUBLIC_KEY=1, SOURCE_CONNECT_RETRY=1, SOURCE_HEARTBEAT_PERIOD=1";
  }

  @Override
  public String showReplicaStatus() {
    return "SHOW REPLICA STATUS";
  }

  @Override
  public String ioRunningColumn() {
    return "Replica_IO_Running";
  }

  @Override
  public String sqlRunningColumn() {
    return "Replica_SQL_Running";
  }

  @Override
  public String lagColumn() {
    return "Seconds_Behind_Source";
  }

  @Override
  public String sourceHostColumn() {
    return "Source_Host";
  }

  @Override
  public String sourcePortColumn() {
    return "Source_Port";
  }

  @Override
  public String executedGtidsQuery() {
    return "SELECT @@GLOBAL.gtid_executed";
  }

  @Override
  public String waitForGtidsQuery() {
    return "SELECT WAIT_FOR_EXECUTED_GTID_SET(?, ?)";
  }
}
