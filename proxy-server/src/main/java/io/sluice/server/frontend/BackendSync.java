package io.sluice.server.frontend;

import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.sluice.protocol.error.ErrorCodes;
import io.sluice.protocol.error.SqlError;
import io.sluice.protocol.response.ResponseTracker;
import io.sluice.server.backend.BackendConnection;
import io.sluice.server.backend.BackendException;
import java.util.List;

/**
 * Runs the statements that give a backend connection the session's state (USE, SET NAMES,
 * SET SESSION ...), one after another, before the client's own statement. The first ERR
 * stops the sequence and becomes the client's answer: a session whose schema was dropped
 * gets the same "Unknown database" a direct connection would.
 */
final class BackendSync {
  private BackendSync() {}

  static Future<Void> run(BackendConnection c, List<String> statements) {
    Promise<Void> done = c.channel().eventLoop().newPromise();
    next(c, statements, 0, done);
    return done;
  }

  private static void next(BackendConnection c, List<String> statements, int i, Promise<Void> done) {
    if (i == statements.size()) {
      done.setSuccess(null);
      return;
    }
    c.query(statements.get(i)).addListener(f -> {
      if (!f.isSuccess()) {
        done.setFailure(f.cause());
        return;
      }
      ResponseTracker t = (ResponseTracker) f.getNow();
      if (t.isError()) {
        done.setFailure(new BackendException(t.error().toSqlError()));
        return;
      }
      next(c, statements, i + 1, done);
    });
  }

  /**
   * What the client hears when getting {@code backend}'s connection ready for its statement
   * failed (session sync, a GTID wait, a prepare): the server's own error as it is, but a
   * connection lost meanwhile is "unavailable", not "lost during query": the client's statement
   * was never sent, so it may simply run it again.
   */
  static SqlError errorOf(String backend, Throwable cause) {
    String detail;
    if (cause instanceof BackendException be) {
      if (be.error().code() != ErrorCodes.ER_NET_READ_ERROR) {
        return be.error();
      }
      detail = "the connection was lost";
    } else {
      detail = cause == null ? null : cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }
    return ErrorCodes.backendUnavailable(backend,
        "the statement was not sent" + (detail == null ? "" : " (" + detail + ")"));
  }
}
