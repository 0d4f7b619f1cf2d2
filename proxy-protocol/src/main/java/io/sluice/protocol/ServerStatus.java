package io.sluice.protocol;

/**
 * SERVER_STATUS_* flags from OK and EOF packets. The proxy reads them after every response:
 * they are the cheapest reliable signal for "in a transaction" (so the session stays pinned to
 * its backend) and for "more results follow" (so the response is not yet complete).
 */
public final class ServerStatus {
  /** A transaction is open: keep the session on this backend. */
  public static final int SERVER_STATUS_IN_TRANS = 0x0001;
  /** autocommit is on. */
  public static final int SERVER_STATUS_AUTOCOMMIT = 0x0002;
  /** Another result set (or OK) follows this one in the same response. */
  public static final int SERVER_MORE_RESULTS_EXISTS = 0x0008;
  public static final int SERVER_QUERY_NO_GOOD_INDEX_USED = 0x0010;
  public static final int SERVER_QUERY_NO_INDEX_USED = 0x0020;
  /** COM_STMT_EXECUTE opened a read-only cursor: rows come with COM_STMT_FETCH, from this backend only. */
  public static final int SERVER_STATUS_CURSOR_EXISTS = 0x0040;
  /** The last row of a cursor was sent by COM_STMT_FETCH. */
  public static final int SERVER_STATUS_LAST_ROW_SENT = 0x0080;
  public static final int SERVER_STATUS_DB_DROPPED = 0x0100;
  /** sql_mode has NO_BACKSLASH_ESCAPES: changes how a statement classifier must read string literals. */
  public static final int SERVER_STATUS_NO_BACKSLASH_ESCAPES = 0x0200;
  /** A prepared statement's result metadata changed since it was prepared. */
  public static final int SERVER_STATUS_METADATA_CHANGED = 0x0400;
  public static final int SERVER_QUERY_WAS_SLOW = 0x0800;
  /** The result set carries OUT parameters of a CALL through COM_STMT_EXECUTE. */
  public static final int SERVER_PS_OUT_PARAMS = 0x1000;
  /** The open transaction is READ ONLY (and IN_TRANS is also set). */
  public static final int SERVER_STATUS_IN_TRANS_READONLY = 0x2000;
  /** The OK packet carries session-state change information (needs CLIENT_SESSION_TRACK). */
  public static final int SERVER_SESSION_STATE_CHANGED = 0x4000;

  private ServerStatus() {}

  public static boolean inTransaction(int status) {
    return (status & SERVER_STATUS_IN_TRANS) != 0;
  }

  public static boolean autocommit(int status) {
    return (status & SERVER_STATUS_AUTOCOMMIT) != 0;
  }

  public static boolean moreResultsExist(int status) {
    return (status & SERVER_MORE_RESULTS_EXISTS) != 0;
  }

  public static boolean cursorExists(int status) {
    return (status & SERVER_STATUS_CURSOR_EXISTS) != 0;
  }

  public static boolean lastRowSent(int status) {
    return (status & SERVER_STATUS_LAST_ROW_SENT) != 0;
  }

  public static boolean noBackslashEscapes(int status) {
    return (status & SERVER_STATUS_NO_BACKSLASH_ESCAPES) != 0;
  }

  public static boolean inReadOnlyTransaction(int status) {
    return (status & SERVER_STATUS_IN_TRANS_READONLY) != 0;
  }

  public static boolean sessionStateChanged(int status) {
    return (status & SERVER_SESSION_STATE_CHANGED) != 0;
  }
}
