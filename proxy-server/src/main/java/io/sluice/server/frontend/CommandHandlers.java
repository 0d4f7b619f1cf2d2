package io.sluice.server.frontend;

import io.netty.util.concurrent.Future;
import io.sluice.core.cluster.Backend;
import io.sluice.core.cluster.ClusterView;
import io.sluice.core.routing.Route;
import io.sluice.core.routing.RouteReason;
import io.sluice.core.session.SessionState;
import io.sluice.core.session.StatementOutcome;
import io.sluice.core.sql.Classification;
import io.sluice.core.sql.SqlLiterals;
import io.sluice.protocol.CommandType;
import io.sluice.protocol.error.ErrorCodes;
import io.sluice.protocol.error.SqlError;
import io.sluice.protocol.packet.ComChangeUser;
import io.sluice.protocol.packet.ComInitDb;
import io.sluice.protocol.packet.ComQuery;
import io.sluice.protocol.packet.ComSetOption;
import io.sluice.protocol.packet.ComStmtClose;
import io.sluice.protocol.response.ResponseTracker;
import io.sluice.protocol.wire.Packet;
import io.sluice.server.config.ProxyConfig.UserConfig;
import io.sluice.server.backend.BackendConnection;
import java.util.EnumMap;
import java.util.function.Consumer;
import java.util.Map;

/**
 * The enum-keyed dispatch table: one small handler per client command. Commands not listed
 * get ER_UNKNOWN_COM_ERROR, as from a server that does not know them.
 */
final class CommandHandlers {
  /** ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION, worded as the master's flavor words it. */
  static SqlError readOnlyTransaction(ClientSession s) {
    boolean mariaDb = s.runtime().identity().isMariaDb();
    return new SqlError(1792, "25006",
        "Cannot execute statement in a READ ONLY transaction" + (mariaDb ? "" : "."));
  }
  /**
   * A statement that would leave state (a user variable, a temporary table, a lock, a prepared
   * statement) on the slave connection of a READ ONLY transaction: the session is back on the
   * master after the transaction, where that state would be missing, so it is refused before it
   * runs. The transaction goes on.
   */
  private static final SqlError STATE_IN_SLAVE_TRANSACTION = new SqlError(ErrorCodes.ER_NOT_SUPPORTED_YET, "42000",
      "Sluice: user variables, temporary tables, locks and prepared statements are not supported in a"
          + " READ ONLY transaction, which runs on a slave: they would stay on the slave's connection. Start the"
          + " transaction without READ ONLY, or as /*master*/ START TRANSACTION READ ONLY");
  /**
   * GET DIAGNOSTICS about a statement a slave ran: the diagnostics are on the slave's
   * connection, but the user variables it sets must be where the session goes on, the master.
   */
  private static final SqlError DIAGNOSTICS_ON_SLAVE = new SqlError(ErrorCodes.ER_NOT_SUPPORTED_YET, "42000",
      "Sluice: GET DIAGNOSTICS about a statement that ran on a slave is not supported: the variables it sets would"
          + " stay on the slave's connection. Send that statement as /*master*/ to read its diagnostics");
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(CommandHandlers.class);
  private final Map<CommandType, CommandHandler> handlers = new EnumMap<>(CommandType.class);

  CommandHandlers() {
    handlers.put(CommandType.COM_QUERY, CommandHandlers::query);
    handlers.put(CommandType.COM_INIT_DB, CommandHandlers::initDb);
    handlers.put(CommandType.COM_PING, (s, t, p) -> {
      p.release();
      s.sendOk(0, 0);
    });
    handlers.put(CommandType.COM_QUIT, (s, t, p) -> {
      p.release();
      s.ctx().close();
    });
    handlers.put(CommandType.COM_FIELD_LIST, CommandHandlers::onMaster);
    handlers.put(CommandType.COM_STATISTICS, CommandHandlers::onMaster);
    handlers.put(CommandType.COM_REFRESH, CommandHandlers::onMaster);
    handlers.put(CommandType.COM_PROCESS_INFO, CommandHandlers::onMaster);
    handlers.put(CommandType.COM_DEBUG, CommandHandlers::onMaster);
    handlers.put(CommandType.COM_SET_OPTION, CommandHandlers::setOption);
    handlers.put(CommandType.COM_RESET_CONNECTION, CommandHandlers::resetConnection);
    handlers.put(CommandType.COM_CHANGE_USER, CommandHandlers::changeUser);
    handlers.put(CommandType.COM_PROCESS_KILL, (s, t, p) -> {
      // COM_PROCESS_KILL: the command byte, then the connection id as int<4>.
      long id = p.payload().getUnsignedIntLE(p.payload().readerIndex() + 1);
      p.release();
      s.kill(new Kills.Request(id, false));
    });
    PreparedStatementHandlers ps = new PreparedStatementHandlers();
    handlers.put(CommandType.COM_STMT_PREPARE, ps::prepare);
    handlers.put(CommandType.COM_STMT_EXECUTE, ps::execute);
    handlers.put(CommandType.COM_STMT_FETCH, ps::fetch);
    handlers.put(CommandType.COM_STMT_RESET, ps::reset);
    handlers.put(CommandType.COM_STMT_SEND_LONG_DATA, ps::sendLongData);
    handlers.put(CommandType.COM_STMT_CLOSE, ps::close);
  }

  CommandHandler get(CommandType type) {
    return handlers.get(type);
  }

  /** CONNECT_WITH_DB: the schema must exist, as on a direct connection. */
  void initialSchema(ClientSession s, String schema) {
    s.checkSchema(schema);
  }

  private static void query(ClientSession s, CommandType type, Packet packet) {
    String sql = ComQuery.decode(packet.payload().duplicate(), ClientTextCharset.forLexing(s.session().charset().charset()))
        .query();
    if (sql.length() < 64 && sql.stripLeading().regionMatches(true, 0, "KILL", 0, 4)) {
      Kills.Request kill = Kills.parse(sql, s.runtime().identity().isMariaDb());
      if (kill != null) {
        // Connection ids the application sees are Sluice's: resolved here, not on a backend.
        packet.release();
        s.kill(kill);
        return;
      }
    }
    LocalSelect.Match local = LocalSelect.match(sql);
    if (local != null) {
      packet.release();
      switch (local.value()) {
        case CONNECTION_ID -> s.sendConnectionId(local.column());
        case SLUICE_CONSISTENCY -> s.sendConsistency(local.column());
      }
      return;
    }
    Classification c = s.runtime().classifier().classify(sql, s.session().noBackslashEscapes());
    ClusterView view = s.runtime().view();
    SessionState session = s.session();
    Route route = s.runtime().router().route(c, session, view);
    s.runtime().metrics().route(route);
    if (answeredLocally(s, route, c, packet)) {
      return;
    }
    SqlError refused = refusedOnSlave(s, route, c);
    if (refused != null) {
      packet.release();
      s.sendError(refused);
      return;
    }
    Backend target = route.backend(view);
    if (log.isDebugEnabled()) {
      log.debug("session {}: {} {} -> {} pins={} consistency={} lastGtid={}", s.connectionId(), c.kind(), c.traits(),
          route, session.pins(), session.consistency(), session.lastWrittenGtid());
    }
    session.beforeStatement(c, target);
    ClientSession.CommandBinder binder = route instanceof Route.Slave slave && slave.waitForGtid() != null
        ? GtidWait.before(s, slave.waitForGtid(), ClientSession.AS_IS) : ClientSession.AS_IS;
    s.execute(packet, type, target, c, route.reason() == RouteReason.PREVIOUS_STATEMENT, binder,
        new ClientSession.ExecutionCallback() {
          @Override
          public void completed(ResponseTracker tracker, BackendConnection conn, Consumer<Boolean> finish) {
            s.logStatement(sql, conn.backendName(), tracker.isError());
            // Both steps are usually complete at once (no SET to read back, no GTID to ask
            // for): then they run straight on, without a listener.
            whenDone(SetFollowUp.outcome(c, tracker, conn), f -> {
              StatementOutcome outcome = f.isSuccess() ? f.getNow() : Outcomes.of(tracker, conn.tracksSessionState());
              session.afterStatement(c, outcome);
              s.activeSnapshotAfter(outcome);
              whenDone(GtidWait.learnAfterWrite(s, c, outcome, conn), g -> finish.accept(s.mustHoldConnection()));
            });
          }

          @Override
          public void failed(SqlError error) {
            s.logStatement(sql, target.name(), true);
            session.afterStatement(c, StatementOutcome.error());
          }
        }, retryFor(s, route));
  }

  /**
   * What the proxy answers itself, text or binary protocol alike: its own settings (SET
   * sluice_consistency), and SET TRANSACTION for the next transaction, remembered and sent
   * before that transaction (run on a pooled connection, it would wait there for another
   * session's transaction). Returns true when answered.
   */
  static boolean answeredLocally(ClientSession s, Route route, Classification c, Packet packet) {
    if (route.reason() == RouteReason.PROXY_SETTING) {
      packet.release();
      SqlError error = ProxySettings.apply(s.session(), c.assignments(), s.user().consistency());
      if (error != null) {
        s.sendError(error);
      } else {
        s.sendOk(0, 0);
      }
      return true;
    }
    if (route instanceof Route.Local) {
      packet.release();
      s.session().absorb(c);
      s.sendOk(0, 0);
      return true;
    }
    return false;
  }

  /**
   * What the proxy answers instead of running {@code c} where it is routed, or null to run it:
   * in a READ ONLY transaction on a slave, a write gets the master's
   * ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION (the slave would answer super_read_only's 1290) and
   * a statement that would leave state on the slave's connection is refused; GET DIAGNOSTICS
   * after a read a slave ran is refused. The session goes on in each case, as it would there.
   */
  static SqlError refusedOnSlave(ClientSession s, Route route, Classification c) {
    if (route.reason() == RouteReason.READ_ONLY_TRANSACTION) {
      if (c.kind() == io.sluice.core.sql.StatementKind.WRITE || c.kind() == io.sluice.core.sql.StatementKind.LOAD_DATA) {
        return readOnlyTransaction(s);
      }
      if (io.sluice.core.routing.Router.leavesStateOnConnection(c)) {
        return STATE_IN_SLAVE_TRANSACTION;
      }
    }
    if (route instanceof Route.Slave && io.sluice.core.routing.Router.isGetDiagnostics(c)) {
      return DIAGNOSTICS_ON_SLAVE;
    }
    return null;
  }

  /** Runs {@code then} now if {@code future} is complete, else when it completes. */
  static <T> void whenDone(Future<T> future, Consumer<Future<T>> then) {
    if (future.isDone()) {
      then.accept(future);
    } else {
      future.addListener(f -> then.accept(future));
    }
  }

  /**
   * A plain autocommit read, or the BEGIN of a read-only transaction, may run again elsewhere
   * if its slave fails (or under read-your-writes lags) before answering: neither has effects.
   */
  static ReadRetry retryFor(ClientSession s, Route route) {
    boolean retryable = route instanceof Route.Slave && !s.holdsConnection()
        && (route.reason() == RouteReason.READ || route.reason() == RouteReason.HINT_SLAVE
            || route.reason() == RouteReason.READ_ONLY_TRANSACTION);
    return retryable ? new ReadRetry() : null;
  }

  private static void initDb(ClientSession s, CommandType type, Packet packet) {
    String schema = ComInitDb.decode(packet.payload().duplicate()).schema();
    // COM_INIT_DB is USE by another name: the session tracks it the same way.
    Classification use = s.runtime().classifier().classify("USE " + SqlLiterals.quoteIdentifier(schema));
    s.execute(packet, type, s.heldBackend(), null, false, ClientSession.ExecutionCallback.of(tracker -> {
      StatementOutcome outcome = Outcomes.of(tracker);
      s.session().afterStatement(use, outcome);
      s.activeSnapshotAfter(outcome);
      return s.mustHoldConnection();
    }));
  }

  /**
   * Commands with no routing choice: the held connection (a READ ONLY transaction's slave
   * too, whose transaction must not end by a COM_INIT_DB or COM_STATISTICS), else the master.
   */
  private static void onMaster(ClientSession s, CommandType type, Packet packet) {
    s.execute(packet, type, s.heldBackend(), null, false, keepIfNeeded(s));
  }

  static ClientSession.ExecutionCallback keepIfNeeded(ClientSession s) {
    return ClientSession.ExecutionCallback.of(tracker -> s.mustHoldConnection());
  }

  /**
   * COM_SET_OPTION toggles multi-statements for this connection. It changes which pooled
   * backend connections fit the session (see PoolKey), so without a held connection it is
   * answered here; with one it also goes to that connection, which is then not pooled again.
   */
  private static void setOption(ClientSession s, CommandType type, Packet packet) {
    int option = ComSetOption.decode(packet.payload().duplicate()).option();
    if (option != 0 && option != 1) {
      packet.release();
      s.sendError(ErrorCodes.unknownCommand());
      return;
    }
    s.multiStatements(option == 0);
    if (s.holdsConnection()) {
      s.discardHeldWhenReleased();
      onMaster(s, type, packet);
    } else {
      packet.release();
      s.sendEof();
    }
  }

  /**
   * Forgets all session state. A held backend connection carries that state (temporary
   * tables, locks, variables), so it is closed rather than pooled.
   */
  private static void resetConnection(ClientSession s, CommandType type, Packet packet) {
    packet.release();
    s.releaseHeld(true);
    s.session().reset(s.session().schema(), s.initialCharset()); // MySQL keeps the current schema
    s.preparedStatementsCleared();
    s.sendOk(0, 0);
  }

  private static void changeUser(ClientSession s, CommandType type, Packet packet) {
    ComChangeUser cu;
    try {
      cu = ComChangeUser.decode(packet.payload().duplicate(), s.capabilities());
    } finally {
      packet.release();
    }
    UserConfig u = s.runtime().config().user(cu.user()).orElse(null);
    if (u == null) {
      s.fatal(ErrorCodes.accessDenied(cu.user(), s.clientHost(), cu.authResponse().length > 0));
      return;
    }
    s.preparedStatementsCleared();
    s.changeUser(u, cu.authPluginName(), cu.authResponse(), cu.characterSet(), cu.database());
  }

}
