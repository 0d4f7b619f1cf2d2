package io.sluice.protocol.error;

/**
 * The one table of errors Sluice sends to clients. Codes, SQLSTATEs and message formats are
 * MySQL's own (from {@code share/messages_to_clients.txt}), so drivers classify them exactly as
 * they would a direct connection. The SQLSTATE class is what most drivers and pools act on:
 * <ul>
 *   <li>{@code 08xxx}: connection exceptions. Connector/J raises a
 *       {@code SQLNonTransientConnectionException}; HikariCP and most pools evict the
 *       connection. Use it only when the client connection is really unusable or the outcome
 *       of the statement is unknown.</li>
 *   <li>{@code 28000}: authentication failure ({@code SQLInvalidAuthorizationSpecException}).</li>
 *   <li>{@code HY000}: general error; the connection stays usable.</li>
 * </ul>
 *
 * <p>Proxy-specific errors follow what existing proxies do. ProxySQL answers "no backend
 * reachable" with 9001/HY000 ("Max connect timeout reached while reaching hostgroup"): the
 * statement was never sent, so it is safe to retry on the same client connection, and HY000
 * keeps pools from discarding a connection that is fine. MaxScale answers a backend lost in the
 * middle of a statement with an 08S01 error: the statement may or may not have executed, so the
 * driver must treat it like a dropped connection. Sluice uses 08S01 with the server code 1158
 * (ER_NET_READ_ERROR) and says in the message that the statement may have executed.
 */
public final class ErrorCodes {

  public static final int ER_CON_COUNT_ERROR = 1040;
  public static final int ER_OUT_OF_RESOURCES = 1041;
  public static final int ER_HANDSHAKE_ERROR = 1043;
  public static final int ER_ACCESS_DENIED_ERROR = 1045;
  public static final int ER_NO_DB_ERROR = 1046;
  public static final int ER_UNKNOWN_COM_ERROR = 1047;
  public static final int ER_BAD_DB_ERROR = 1049;
  public static final int ER_SERVER_SHUTDOWN = 1053;
  public static final int ER_NO_SUCH_THREAD = 1094;
  public static final int ER_UNKNOWN_ERROR = 1105;
  public static final int ER_HOST_NOT_PRIVILEGED = 1130;
  public static final int ER_NET_PACKET_TOO_LARGE = 1153;
  public static final int ER_NET_PACKETS_OUT_OF_ORDER = 1156;
  public static final int ER_TOO_MANY_USER_CONNECTIONS = 1203;
  public static final int ER_LOCK_WAIT_TIMEOUT = 1205;
  public static final int ER_NOT_SUPPORTED_YET = 1235;
  public static final int ER_UNKNOWN_STMT_HANDLER = 1243;
  public static final int ER_NOT_SUPPORTED_AUTH_MODE = 1251;
  public static final int ER_OPTION_PREVENTS_STATEMENT = 1290;
  public static final int ER_QUERY_INTERRUPTED = 1317;
  public static final int ER_MAX_PREPARED_STMT_COUNT_REACHED = 1461;
  public static final int ER_MALFORMED_PACKET = 1835;
  /**
   * ER_NET_READ_ERROR (08S01), "Got an error reading communication packets": a server code for
   * "backend lost mid-statement" and "the connection holding the session's state is gone".
   * Not the client-library codes 2013/2006 with the same meaning: libmariadb (the mariadb
   * command-line client, and the C connectors built on it) takes a client-range code in a
   * server's ERR packet for a corrupt packet and reports 2027 "Received malformed packet".
   * The messages keep those client errors' words ("MySQL server has gone away", "Lost connection
   * to MySQL server during query") rather than 1158's own text on purpose: frameworks decide to
   * reconnect by matching them in the message (Laravel's DetectsLostConnections, for one).
   */
  public static final int ER_NET_READ_ERROR = 1158;
  /** ProxySQL's code for "no backend could be reached"; outside MySQL's server range. */
  public static final int SLUICE_NO_BACKEND = 9001;

  private ErrorCodes() {}

  public static SqlError tooManyConnections() {
    return new SqlError(ER_CON_COUNT_ERROR, "08004", "Too many connections");
  }

  public static SqlError outOfResources() {
    return new SqlError(ER_OUT_OF_RESOURCES, "HY000",
        "Out of memory; check if mysqld or some other process uses all available memory; if not,"
            + " you may have to use 'ulimit' to allow mysqld to use more memory or you can add more"
            + " swap space");
  }

  public static SqlError handshakeError() {
    return new SqlError(ER_HANDSHAKE_ERROR, "08S01", "Bad handshake");
  }

  public static SqlError accessDenied(String user, String host, boolean usingPassword) {
    return new SqlError(ER_ACCESS_DENIED_ERROR, "28000", String.format(
        "Access denied for user '%s'@'%s' (using password: %s)", user, host, usingPassword ? "YES" : "NO"));
  }

  public static SqlError noDatabaseSelected() {
    return new SqlError(ER_NO_DB_ERROR, "3D000", "No database selected");
  }

  public static SqlError unknownCommand() {
    return new SqlError(ER_UNKNOWN_COM_ERROR, "08S01", "Unknown command");
  }

  public static SqlError unknownDatabase(String schema) {
    return new SqlError(ER_BAD_DB_ERROR, "42000", "Unknown database '" + schema + "'");
  }

  public static SqlError serverShutdown() {
    return new SqlError(ER_SERVER_SHUTDOWN, "08S01", "Server shutdown in progress");
  }

  public static SqlError unknownError(String message) {
    return new SqlError(ER_UNKNOWN_ERROR, "HY000", message == null || message.isEmpty() ? "Unknown error" : message);
  }

  public static SqlError hostNotPrivileged(String host) {
    return new SqlError(ER_HOST_NOT_PRIVILEGED, "HY000",
        "Host '" + host + "' is not allowed to connect to this MySQL server");
  }

  public static SqlError packetTooLarge() {
    return new SqlError(ER_NET_PACKET_TOO_LARGE, "08S01", "Got a packet bigger than 'max_allowed_packet' bytes");
  }

  /** A continuation frame whose sequence id did not follow the previous frame's. */
  public static SqlError packetsOutOfOrder() {
    return new SqlError(ER_NET_PACKETS_OUT_OF_ORDER, "08S01", "Got packets out of order");
  }

  public static SqlError tooManyUserConnections(String user) {
    return new SqlError(ER_TOO_MANY_USER_CONNECTIONS, "42000",
        "User " + user + " already has more than 'max_user_connections' active connections");
  }

  public static SqlError lockWaitTimeout() {
    return new SqlError(ER_LOCK_WAIT_TIMEOUT, "HY000", "Lock wait timeout exceeded; try restarting transaction");
  }

  /** More prepared statements than {@code limit}, worded as mysqld words max_prepared_stmt_count's refusal. */
  public static SqlError tooManyPreparedStatements(long limit) {
    return new SqlError(ER_MAX_PREPARED_STMT_COUNT_REACHED, "42000",
        "Can't create more than max_prepared_stmt_count statements (current value: " + limit + ")");
  }

  /** {@code id} is printed the way mysqld prints it: the statement id as a decimal number. */
  public static SqlError unknownStatementHandler(long id, String command) {
    return new SqlError(ER_UNKNOWN_STMT_HANDLER, "HY000",
        "Unknown prepared statement handler (" + id + ") given to " + command);
  }

  public static SqlError notSupportedAuthMode() {
    return new SqlError(ER_NOT_SUPPORTED_AUTH_MODE, "08004",
        "Client does not support authentication protocol requested by server; consider upgrading MySQL client");
  }

  /** E.g. {@code --read-only} on a replica when a write was routed there. */
  public static SqlError optionPreventsStatement(String option) {
    return new SqlError(ER_OPTION_PREVENTS_STATEMENT, "HY000",
        "The MySQL server is running with the " + option + " option so it cannot execute this statement");
  }

  public static SqlError queryInterrupted() {
    return new SqlError(ER_QUERY_INTERRUPTED, "70100", "Query execution was interrupted");
  }

  public static SqlError malformedPacket() {
    return new SqlError(ER_MALFORMED_PACKET, "HY000", "Malformed communication packet.");
  }

  /**
   * No backend could serve the statement, and nothing was sent to any backend: the client may
   * retry on the same connection. HY000, as ProxySQL does, so pools keep the connection.
   */
  public static SqlError backendUnavailable(String backend, String reason) {
    return new SqlError(SLUICE_NO_BACKEND, "HY000",
        "Sluice: no connection to backend '" + backend + "' available" + (reason == null ? "" : ": " + reason));
  }

  /**
   * The backend connection that held the session's transaction or pinned state (temporary
   * tables, locks, variables) closed while the client was idle: that state is gone and the
   * session ends. 08S01, as drivers expect of a connection that went away; nothing of the
   * statement that found it ran.
   */
  /**
   * The session sat idle longer than its wait_timeout: what MySQL 8.0.24 and later send before
   * closing such a connection (ER_CLIENT_INTERACTION_TIMEOUT), which connectors report as such.
   */
  public static SqlError clientInteractionTimeout() {
    return new SqlError(4031, "HY000", "The client was disconnected by the server because of inactivity. See"
        + " wait_timeout and interactive_timeout for configuring this behavior.");
  }

  public static SqlError heldConnectionGone(String backend) {
    return new SqlError(ER_NET_READ_ERROR, "08S01", "MySQL server has gone away: backend '" + backend
        + "' closed the connection that held this session's transaction or session state; the statement did not run");
  }

  /**
   * The master changed (switchover, failover) while the session had a transaction or session
   * state on the old one: that state cannot follow, so the session ends as if its server had
   * gone; the old master rolls the transaction back.
   */
  public static SqlError masterChangedUnderSession(String oldMaster, String newMaster) {
    return new SqlError(ER_NET_READ_ERROR, "08S01", "MySQL server has gone away: the master changed from '"
        + oldMaster + "' to '" + newMaster + "' while this session's transaction or session state was on '" + oldMaster
        + "' (rolled back there); the statement did not run");
  }

  /**
   * The backend connection broke after the statement was sent: it may have executed. 08S01 so
   * drivers treat the outcome as unknown (as they do for a dropped server connection) and
   * never silently retry a write.
   */
  public static SqlError backendLost(String backend, Throwable cause) {
    String detail = cause == null ? "" : " (" + (cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName()) + ")";
    return new SqlError(ER_NET_READ_ERROR, "08S01",
        "Lost connection to MySQL server during query: backend '" + backend + "'" + detail
            + "; the statement may have executed");
  }
}
