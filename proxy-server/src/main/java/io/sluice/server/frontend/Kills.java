package io.sluice.server.frontend;

import io.sluice.protocol.error.ErrorCodes;
import io.sluice.protocol.error.SqlError;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * KILL through the proxy. Applications see Sluice's connection ids (the greeting's), so
 * {@code KILL QUERY n} (what Connector/J's Statement.cancel() and query timeouts send on a
 * second connection) must find session n and kill the statement where it runs: on the backend
 * connection serving it, with KILL QUERY of that connection's own server thread id.
 * {@code KILL [CONNECTION] n} and COM_PROCESS_KILL also close session n. As on a server, a user
 * may kill only their own sessions.
 */
public final class Kills {
  private static final Pattern KILL = Pattern.compile(
      "\\s*KILL\\s+(?:(QUERY|CONNECTION)\\s+)?(\\d+)\\s*;?\\s*", Pattern.CASE_INSENSITIVE);

  private static final java.math.BigInteger MAX_UNSIGNED_64 =
      java.math.BigInteger.ONE.shiftLeft(64).subtract(java.math.BigInteger.ONE);

  private final Map<Long, ClientSession> sessions = new ConcurrentHashMap<>();

  void register(ClientSession s) {
    sessions.put(s.connectionId(), s);
  }

  void unregister(ClientSession s) {
    sessions.remove(s.connectionId(), s);
  }

  /**
   * A parsed KILL statement, or null if {@code sql} is not one. The number is read as the
   * backends' server reads it: unsigned 64-bit, saturating; MySQL then cuts it to its 32-bit
   * thread id (seen on 8.0.31: KILL 5000000000 is "Unknown thread id: 705032704"), MariaDB's
   * ids are 64-bit (KILL 4294967342 is unknown there, not thread 46).
   */
  static Request parse(String sql, boolean mariaDb) {
    Matcher m = KILL.matcher(sql);
    if (!m.matches()) {
      return null;
    }
    boolean queryOnly = m.group(1) != null && m.group(1).toUpperCase(Locale.ROOT).equals("QUERY");
    long n = new java.math.BigInteger(m.group(2)).min(MAX_UNSIGNED_64).longValue();
    return new Request(mariaDb ? n : n & 0xFFFFFFFFL, queryOnly);
  }

  /** @param connectionId unsigned: a MariaDB id past 2^63 reads negative as a long */
  record Request(long connectionId, boolean queryOnly) {
    String idText() {
      return Long.toUnsignedString(connectionId);
    }
  }

  /**
   * Carries out {@code request} for {@code requester}; {@code done} gets null (OK) or the error,
   * on the requester's event loop.
   */
  void kill(ClientSession requester, Request request, Consumer<SqlError> done) {
    ClientSession target = sessions.get(request.connectionId());
    if (target == null) {
      // ER_NO_SUCH_THREAD
      done.accept(new SqlError(ErrorCodes.ER_NO_SUCH_THREAD, "HY000", "Unknown thread id: " + request.idText()));
      return;
    }
    if (!target.userName().equals(requester.userName())) {
      // ER_KILL_DENIED_ERROR
      done.accept(new SqlError(1095, "HY000", "You are not owner of thread " + request.idText()));
      return;
    }
    target.ctx().executor().execute(() -> target.killRunningStatement(!request.queryOnly(),
        error -> requester.ctx().executor().execute(() -> done.accept(error))));
  }
}
