package io.sluice.server.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.sluice.core.cluster.Backend;
import io.sluice.core.cluster.ClusterView;
import io.sluice.core.routing.Route;
import io.sluice.core.session.BackendSessionSnapshot;
import io.sluice.core.session.StatementOutcome;
import io.sluice.core.sql.Classification;
import io.sluice.core.sql.SqlLiterals;
import io.sluice.protocol.CommandType;
import io.sluice.protocol.ServerStatus;
import io.sluice.protocol.error.ErrorCodes;
import io.sluice.protocol.error.SqlError;
import io.sluice.protocol.packet.ComStmtClose;
import io.sluice.protocol.packet.ComStmtExecute;
import io.sluice.protocol.packet.ComStmtFetch;
import io.sluice.protocol.packet.ComStmtPrepare;
import io.sluice.protocol.packet.ComStmtPrepareOk;
import io.sluice.protocol.packet.ComStmtReset;
import io.sluice.protocol.packet.ComStmtSendLongData;
import io.sluice.protocol.response.ResponseTracker;
import io.sluice.protocol.wire.Packet;
import io.sluice.server.backend.BackendConnection;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Binary prepared statements that run on any backend.
 *
 * <ul>
 *   <li>PREPARE is routed like the statement itself and answered with Sluice's own statement
 *       id; the backend statement goes into that connection's cache.</li>
 *   <li>EXECUTE is routed by the statement's kind (a plain SELECT to a slave). On a connection
 *       that does not have the statement yet it is prepared first, under the schema of the
 *       original PREPARE; buffered long data and the last parameter types are replayed; the
 *       statement id is rewritten to the backend's.</li>
 *   <li>A cursor keeps its connection with the session (held, or parked out of the pool) until
 *       it is read to its end, reset or closed; FETCH goes there, wherever the session's other
 *       statements run meanwhile.</li>
 *   <li>CLOSE forgets the client statement; backend statements stay cached for reuse and are
 *       closed when the bounded cache evicts them.</li>
 * </ul>
 */
final class PreparedStatementHandlers {
  /** Offset of the null bitmap in COM_STMT_EXECUTE: command, id (4), flags, iteration count (4). */
  private static final int EXECUTE_PARAMS_OFFSET = 10;
  /** ER_STMT_HAS_NO_OPEN_CURSOR, as mysqld answers a FETCH without a cursor, then {@code detail}. */
  private static SqlError noOpenCursor(long id, String detail) {
    return new SqlError(1421, "HY000", "The statement (" + id + ") has no open cursor." + detail);
  }

  void prepare(ClientSession s, CommandType type, Packet packet) {
    if (s.statements().isFull()) {
      packet.release();
      s.sendError(ErrorCodes.tooManyPreparedStatements(ClientStatements.MAX_PER_SESSION));
      return;
    }
    String clientBytes = ComStmtPrepare.decode(packet.payload().duplicate(), StandardCharsets.ISO_8859_1).query();
    String sql = ComStmtPrepare.decode(packet.payload().duplicate(), ClientTextCharset.forLexing(s.session().charset().charset()))
        .query();
    Classification c = s.runtime().classifier().classify(sql, s.session().noBackslashEscapes());
    ClusterView view = s.runtime().view();
    Route route = s.runtime().router().route(c, s.session(), view);
    Backend target = route instanceof Route.Local ? view.master() : route.backend(view);
    long id = s.statements().nextId();
    String schema = s.session().schema();
    s.execute(packet, type, target, null, false, new ClientSession.ExecutionCallback() {
      @Override
      public void beforeForward(Packet p, boolean first) {
        if (first && ComStmtPrepareOk.isPrepareOk(p.payload())) {
          ComStmtPrepareOk.rewriteStatementId(p.payload(), id);
        }
      }

      @Override
      public boolean rewritesResponse() {
        return true;
      }

      @Override
      public void completed(ResponseTracker tracker, BackendConnection conn, Consumer<Boolean> finish) {
        ComStmtPrepareOk ok = tracker.prepareOk();
        if (!tracker.isError() && ok != null) {
          // Keyed by the state the connection parsed it under (the session's, synced before it).
          ClientStatement st = new ClientStatement(id, sql, clientBytes, schema, conn.snapshot(), c, ok.numParams());
          conn.remember(st.cacheKey, ok.statementId());
          s.statements().add(st);
        }
        finish.accept(s.mustHoldConnection());
      }

      @Override
      public void failed(SqlError error) {}
    });
  }

  void execute(ClientSession s, CommandType type, Packet packet) {
    ClientStatement st = statement(s, type, packet, ComStmtExecute.statementId(packet.payload()));
    if (st == null) {
      return;
    }
    rememberParamTypes(st, packet.payload());
    boolean cursor = ComStmtExecute.opensCursor(packet.payload());
    Classification c = st.classification;
    ClusterView view = s.runtime().view();
    Route route = s.runtime().router().route(c, s.session(), view);
    s.runtime().metrics().route(route);
    if (st.numParams == 0 && CommandHandlers.answeredLocally(s, route, c, packet)) {
      return; // with parameters the values are not in the classification: the master answers
    }
    SqlError refused = CommandHandlers.refusedOnSlave(s, route, c);
    if (refused != null) {
      packet.release();
      st.longData.clear(); // the server forgets long data after any execution, a failed one too
      s.sendError(refused);
      return;
    }
    Backend target = route instanceof Route.Local ? view.master() : route.backend(view);
    s.session().beforeStatement(c, target);
    long[] backendId = {-1};
    ClientSession.CommandBinder binder = (conn, cmd) -> bind(s, st, conn, cmd, backendId);
    if (route instanceof Route.Slave slave && slave.waitForGtid() != null) {
      binder = GtidWait.before(s, slave.waitForGtid(), binder);
    }
    s.execute(packet, type, target, c, false, binder,
        new ClientSession.ExecutionCallback() {
          @Override
          public void completed(ResponseTracker tracker, BackendConnection conn, Consumer<Boolean> finish) {
            s.logStatement(st.sql, conn.backendName(), tracker.isError());
            StatementOutcome outcome = Outcomes.of(tracker, conn.tracksSessionState());
            s.session().afterStatement(c, outcome);
            s.activeSnapshotAfter(outcome);
            st.longData.clear(); // the server forgets long data after an execution
            if (cursor && tracker.cursorOpened()) {
              s.cursorOpened(st, conn, backendId[0]);
            }
            GtidWait.learnAfterWrite(s, c, outcome, conn).addListener(g -> finish.accept(s.mustHoldConnection()));
          }

          @Override
          public void failed(SqlError error) {
            s.session().afterStatement(c, StatementOutcome.error());
          }
        }, CommandHandlers.retryFor(s, route));
  }

  void fetch(ClientSession s, CommandType type, Packet packet) {
    ClientStatement st = statement(s, type, packet, ComStmtFetch.statementId(packet.payload()));
    if (st == null) {
      return;
    }
    if (!st.hasOpenCursor()) {
      packet.release();
      s.sendError(noOpenCursor(st.id, ""));
      return;
    }
    ClientStatement.Cursor cursor = st.cursor;
    if (!s.cursorUsable(cursor)) {
      packet.release();
      s.cursorLost(cursor);
      s.sendError(noOpenCursor(st.id, " Sluice: backend '" + cursor.connection().backendName()
          + "' closed the connection the cursor was open on."));
      return;
    }
    ComStmtFetch.rewriteStatementId(packet.payload(), cursor.backendId());
    s.executeOnCursor(cursor, packet, type, ClientSession.ExecutionCallback.of(tracker -> {
      if (tracker.isError() || ServerStatus.lastRowSent(tracker.lastStatusFlags())) {
        s.cursorEnded(st); // read to its end (or failed): mysqld closed the cursor
      }
      // The session keeps the connection only if it was its held one (a transaction, pins).
      return cursor.connection() == s.heldConnection() && s.mustHoldConnection();
    }));
  }

  void reset(ClientSession s, CommandType type, Packet packet) {
    ClientStatement st = statement(s, type, packet, ComStmtReset.statementId(packet.payload()));
    if (st == null) {
      return;
    }
    st.longData.clear();
    if (st.hasOpenCursor()) {
      s.closeCursor(st); // what RESET does on the server; the rest (long data) is the proxy's
    }
    packet.release();
    s.sendOk(0, 0);
  }

  /** Buffered until the next execution: it must reach the connection that execution runs on. */
  void sendLongData(ClientSession s, CommandType type, Packet packet) {
    try {
      ComStmtSendLongData d = ComStmtSendLongData.decode(packet.payload().duplicate());
      ClientStatement st = s.statements().get(d.statementId());
      if (st != null) { // unknown ids are ignored: this command never gets a response
        st.longData.computeIfAbsent(d.paramId(), k -> new ByteArrayOutputStream()).writeBytes(d.data());
      }
    } finally {
      packet.release();
    }
  }

  void close(ClientSession s, CommandType type, Packet packet) {
    long id = ComStmtClose.statementId(packet.payload());
    packet.release();
    ClientStatement st = s.statements().remove(id);
    if (st != null && st.hasOpenCursor()) {
      // The cursor is the only thing the backend would lose with the statement: close it.
      s.closeCursor(st);
    }
  }

  /**
   * The function the backend names in its ER_UNKNOWN_STMT_HANDLER message, so the client reads
   * what a direct connection would say: MySQL 8 checks the id of every statement command in
   * mysql_stmt_precheck (seen on 8.0.31); MariaDB (seen on 10.11) and MySQL 5.7 (5.7.22's binary
   * has these names and no mysql_stmt_precheck) name the command's own handler,
   * mysqld_stmt_execute, _fetch or _reset.
   */
  static String handlerName(String serverVersion, CommandType type) {
    return io.sluice.protocol.ServerVersions.isMysql8OrLater(serverVersion) ? "mysql_stmt_precheck"
        : "mysqld_stmt_" + type.name().substring("COM_STMT_".length()).toLowerCase(java.util.Locale.ROOT);
  }

  /** Looks the client's statement id up; answers ER_UNKNOWN_STMT_HANDLER when it is unknown. */
  private static ClientStatement statement(ClientSession s, CommandType type, Packet packet, long id) {
    ClientStatement st = s.statements().get(id);
    if (st == null) {
      packet.release();
      s.sendError(ErrorCodes.unknownStatementHandler(id, handlerName(s.runtime().identity().serverVersion(), type)));
    }
    return st;
  }

  /**
   * Makes {@code cmd} runnable on {@code conn}: the statement prepared there (under its original
   * schema), long data replayed, the backend's statement id and the parameter types in place.
   */
  private static Future<Packet> bind(ClientSession s, ClientStatement st, BackendConnection conn, Packet cmd,
      long[] backendId) {
    Promise<Packet> done = conn.channel().eventLoop().newPromise();
    // The statement as its PREPARE parsed it: a connection that does not have it prepares it
    // under the PREPARE's charset and sql_mode, which the session may have changed since.
    Long cached = reusable(conn, st, conn.statements().get(st.cacheKey));
    Future<Long> id = cached != null ? conn.channel().eventLoop().newSucceededFuture(cached) : prepareOn(conn, st);
    id.addListener(f -> {
      if (!f.isSuccess()) {
        cmd.release();
        done.setFailure(f.cause());
        return;
      }
      long backend = (Long) f.getNow();
      if (st.cursor != null) {
        // Running again closes the statement's cursor. On this connection the server does it
        // (or, if the cache let that statement go, cursorClosed closes it); elsewhere, close it.
        if (st.cursor.connection() == conn) {
          conn.cursorClosed(st.cursor.backendId());
          st.cursor = null;
        } else {
          s.closeCursor(st);
        }
      }
      backendId[0] = backend;
      for (Map.Entry<Integer, ByteArrayOutputStream> e : st.longData.entrySet()) {
        ByteBuf buf = conn.channel().alloc().buffer();
        new ComStmtSendLongData(backend, e.getKey(), e.getValue().toByteArray()).encode(buf);
        conn.sendWithoutResponse(new Packet(0, buf));
      }
      Packet bound = withParamTypes(st, cmd, conn);
      ComStmtExecute.rewriteStatementId(bound.payload(), backend);
      done.setSuccess(bound);
    });
    return done;
  }

  /**
   * {@code cached}, unless another statement's cursor is open on it (an execution would close
   * that cursor): then null, and the statement is prepared anew.
   */
  private static Long reusable(BackendConnection conn, ClientStatement st, Long cached) {
    boolean ownCursor = st.cursor != null && st.cursor.connection() == conn && cached != null
        && st.cursor.backendId() == cached;
    return cached != null && conn.hasOpenCursor(cached) && !ownCursor ? null : cached;
  }

  /**
   * Prepares on {@code conn} as the PREPARE did: under the statement's schema and parse
   * settings (charset, sql_mode), switched to for the PREPARE and back after it. If switching
   * fails (the schema was dropped since), the statement fails with the server's error and the
   * connection is switched back all the same; one that cannot be switched back is closed: its
   * state is no longer what its snapshot says.
   */
  private static Future<Long> prepareOn(BackendConnection conn, ClientStatement st) {
    BackendSessionSnapshot now = conn.snapshot();
    List<String> before = new ArrayList<>(now.parseSettingsOf(st.parsedUnder));
    List<String> after = new ArrayList<>(st.parsedUnder.parseSettingsOf(now));
    boolean switchSchema = st.schema != null && !st.schema.equals(now.schema());
    // A connection that had no schema cannot go back to none: it keeps the statement's.
    boolean keepsSchema = switchSchema && now.schema() == null;
    if (switchSchema) {
      before.add(0, "USE " + SqlLiterals.quoteIdentifier(st.schema));
      if (!keepsSchema) {
        after.add("USE " + SqlLiterals.quoteIdentifier(now.schema()));
      }
    }
    if (before.isEmpty()) {
      return conn.prepare(st.cacheKey, st.clientBytes);
    }
    Promise<Long> done = conn.channel().eventLoop().newPromise();
    BackendSync.run(conn, before).addListener(b -> {
      if (keepsSchema) {
        if (!b.isSuccess()) {
          // Whether its USE ran is unknown, and no USE goes back to no schema.
          conn.channel().close();
          done.setFailure(b.cause());
          return;
        }
        conn.snapshot(now.withSchema(st.schema));
      }
      Future<Long> prepared = b.isSuccess() ? conn.prepare(st.cacheKey, st.clientBytes)
          : conn.channel().eventLoop().newFailedFuture(b.cause());
      prepared.addListener(p -> BackendSync.run(conn, after).addListener(a -> {
        if (!a.isSuccess()) {
          conn.channel().close();
          done.setFailure(a.cause());
        } else if (p.isSuccess()) {
          done.setSuccess((Long) p.getNow());
        } else {
          done.setFailure(p.cause());
        }
      }));
    });
    return done;
  }

  /** Keeps the types the client sent with new-params-bound, to send them to other backends. */
  private static void rememberParamTypes(ClientStatement st, ByteBuf payload) {
    if (st.numParams == 0) {
      return;
    }
    int flagAt = payload.readerIndex() + EXECUTE_PARAMS_OFFSET + (st.numParams + 7) / 8;
    if (payload.readableBytes() > flagAt - payload.readerIndex() && payload.getByte(flagAt) == 1) {
      byte[] types = new byte[2 * st.numParams];
      payload.getBytes(flagAt + 1, types);
      st.paramTypes = types;
    }
  }

  /**
   * Clients send parameter types only with the first execution; a backend connection that did
   * not see that one would reject the values. Sluice always sends the types it knows.
   */
  private static Packet withParamTypes(ClientStatement st, Packet cmd, BackendConnection conn) {
    if (st.numParams == 0 || st.paramTypes == null) {
      return cmd;
    }
    ByteBuf p = cmd.payload();
    int flagOffset = EXECUTE_PARAMS_OFFSET + (st.numParams + 7) / 8;
    if (p.readableBytes() <= flagOffset || p.getByte(p.readerIndex() + flagOffset) == 1) {
      return cmd;
    }
    ByteBuf out = conn.channel().alloc().buffer(p.readableBytes() + st.paramTypes.length);
    out.writeBytes(p, p.readerIndex(), flagOffset);
    out.writeByte(1);
    out.writeBytes(st.paramTypes);
    out.writeBytes(p, p.readerIndex() + flagOffset + 1, p.readableBytes() - flagOffset - 1);
    int seq = cmd.sequenceId();
    cmd.release();
    return new Packet(seq, out);
  }
}
