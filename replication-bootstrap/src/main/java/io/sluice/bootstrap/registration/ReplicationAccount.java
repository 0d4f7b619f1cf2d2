package io.sluice.bootstrap.registration;

import static io.sluice.bootstrap.registration.SqlText.quote;

import io.sluice.bootstrap.flavor.Flavor;

/**
 * The account replicas log in to their source with. It is created on every server, replicas
 * included, with the binary log switched off for the session: a replica promoted to source
 * already has it, and no server carries a transaction of its own (an errant GTID) that a
 * source never had, which would break re-pointing replicas after a failover.
 */
public record ReplicationAccount(String user, String password) {
  public static final ReplicationAccount DEFAULT = new ReplicationAccount("repl", "repl");

  /** Creates the account unless it exists; returns whether it created it. Safe on read-only replicas. */
  public boolean ensureOn(AdminSession session, Flavor flavor) {
    long existing = Long.parseLong(session.value(
        "SELECT COUNT(*) FROM mysql.user WHERE user = ? AND host = '%'", user));
    if (existing > 0) {
      return false;
    }
    String superReadOnly = flavor.dialect().superReadOnlyVariable();
    boolean lifted = !superReadOnly.isEmpty() && "1".equals(session.value("SELECT @@GLOBAL." + superReadOnly));
    session.execute("SET SESSION sql_log_bin = 0");
    try {
      if (lifted) {
        // super_read_only stops even root; lift it for the two statements below only.
        session.execute("SET GLOBAL " + superReadOnly + " = OFF");
      }
      session.execute("CREATE USER " + quote(user) + "@'%' IDENTIFIED BY " + quote(password));
      session.execute("GRANT REPLICATION SLAVE ON *.* TO " + quote(user) + "@'%'");
    } finally {
      if (lifted) {
        session.execute("SET GLOBAL " + superReadOnly + " = ON");
      }
      session.execute("SET SESSION sql_log_bin = 1");
    }
    return true;
  }
}
