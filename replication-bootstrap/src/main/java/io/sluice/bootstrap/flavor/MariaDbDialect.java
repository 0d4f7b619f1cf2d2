package io.sluice.bootstrap.flavor;

import static io.sluice.bootstrap.registration.SqlText.quote;

/**
 * MariaDB 10.11: MASTER/SLAVE vocabulary like MySQL 5.7, but its own GTIDs
 * (domain-server-sequence), positioned with MASTER_USE_GTID and waited on with MASTER_GTID_WAIT.
 */
final class MariaDbDialect extends MySql57Dialect {
  @Override
  public String changeSource(String host, int port, String user, String password) {
    // slave_pos: resume from the last GTID this replica applied from a source, which is what
    // a replica that has never written anything itself wants. Retry and heartbeat as for MySQL.
    return "CHANGE MASTER TO MASTER_HOST=" + quote(host) + ", MASTER_PORT=" + port
        + ", MASTER_USER=" + quote(user) + ", MASTER_PASSWORD=" + quote(password)
        + ", MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1, MASTER_HEARTBEAT_PERIOD=1";
  }

  @Override
  public String executedGtidsQuery() {
    return "SELECT @@GLOBAL.gtid_binlog_pos";
  }

  @Override
  public String waitForGtidsQuery() {
    // Returns 0 once gtid_slave_pos has reached the position, -1 on timeout.
    return "SELECT MASTER_GTID_WAIT(?, ?)";
  }

  @Override
  public String superReadOnlyVariable() {
    // MariaDB has no super_read_only; read_only does not stop root (it holds READ_ONLY ADMIN).
    return "";
  }
}
