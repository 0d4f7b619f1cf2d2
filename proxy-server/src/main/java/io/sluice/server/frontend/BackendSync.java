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

  static SqlError errorOf(Throwable cause) {
    return cause instanceof BackendException be ? be.error() : ErrorCodes.backendLost("backend", cause);
  }
}
