package io.sluice.bootstrap.flavor;

import static io.sluice.bootstrap.registration.SqlText.quote;

/** MySQL 5.7: MASTER/SLAVE vocabulary, GTID auto-positioning, mysql_native_password accounts. */
class MySql57Dialect implements ReplicationDialect {
  @Override
  public String stopReplica() {
    return "STOP SLAVE";
  }

  @Override
  public String startReplica() {
    return "START SLAVE";
  }

  @Override
  public String stopIoThread() {
    return "STOP SLAVE IO_THREAD";
  }

  @Override
  public String startIoThread() {
    return "START SLAVE IO_THREAD";
  }

  @Override
  public String changeSource(String host, int port, String user, String password) {
    // MASTER_CONNECT_RETRY=1: reconnect within a second after a source restart (default 60).
    // MASTER_HEARTBEAT_PERIOD=1: an idle source still sends a heartbeat every second, so a replica
    // whose source vanished without closing the connection gives up after the short net timeout
    // in its option file (MyCnfRenderer) rather than after a minute.
    return "CHANGE MASTER TO MASTER_HOST=" + quote(host) + ", MASTER_PORT=" + port
        + ", MASTER_USER=" + quote(user) + ", MASTER_PASSWORD=" + quote(password)
        + ", MASTER_AUTO_POSITION=1, MASTER_CONNECT_RETRY=1, MASTER_HEARTBEAT_PERIOD=1";
  }

  @Override
  public String showReplicaStatus() {
    return "SHOW SLAVE STATUS";
  }

  @Override
  public String ioRunningColumn() {
    return "Slave_IO_Running";
  }

  @Override
  public String sqlRunningColumn() {
    return "Slave_SQL_Running";
  }

  @Override
  public String lagColumn() {
    return "Seconds_Behind_Master";
  }

  @Override
  public String sourceHostColumn() {
    return "Master_Host";
  }

  @Override
  public String sourcePortColumn() {
    return "Master_Port";
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
