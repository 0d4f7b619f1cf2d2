package io.sluice.server.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.sluice.core.cluster.Backend;
import io.sluice.core.cluster.ClusterView;
import io.sluice.core.session.SessionState;
import io.sluice.core.sql.Classification;
import io.sluice.core.sql.SqlLiterals;
import io.sluice.server.backend.BackendException;
import io.sluice.server.backend.Collations;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.sluice.protocol.Capabilities;
import io.sluice.protocol.CommandType;
import io.sluice.protocol.ServerStatus;
import io.sluice.protocol.error.ErrorCodes;
import io.sluice.protocol.error.ProtocolException;
import io.sluice.protocol.error.SqlError;
import io.sluice.protocol.packet.ColumnDefinition41;
import io.sluice.protocol.packet.EofPacket;
import io.sluice.protocol.packet.ErrPacket;
import io.sluice.protocol.packet.HandshakeResponse41;
import io.sluice.protocol.packet.HandshakeV10;
import io.sluice.protocol.packet.OkPacket;
import io.sluice.protocol.response.ResponseTracker;
import io.sluice.protocol.wire.Packet;
import io.sluice.protocol.wire.PacketRun;
import io.sluice.server.ProxyRuntime;
import io.sluice.server.backend.BackendConnection;
import io.sluice.server.backend.BackendCredentials;
import io.sluice.server.backend.BackendPool;
import io.sluice.server.backend.PoolKey;
import io.sluice.server.config.ProxyConfig.UserConfig;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One application connection: the login, then one command at a time.
 *
 * <pre>
 *  GREETED --HandshakeResponse41--> AUTHENTICATING --ok--> READY <--------------+
 *     | SSLRequest: TLS starts, still GREETED     | denied: ERR, close          |
 *                                                 v                             |
 *                          READY --command--> EXECUTING --response complete-----+
 *                                                 | LOCAL INFILE request
 *                                                 v
 *                                      SENDING_FILE --empty packet--> EXECUTING
 * </pre>
 *
 * <p>Commands are dispatched by type to {@link CommandHandler}s; this class owns the
 * connection-level mechanics they share: sending packets with the right sequence ids, the
 * backend connection the session holds (transaction or pin), and backpressure between the
 * client and that backend. Everything runs on the channel's event loop.
 */
public final class ClientSession extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ClientSession.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** What Sluice offers clients. No COMPRESS, QUERY_ATTRIBUTES or OPTIONAL_RESULTSET_METADATA. */
  static final long SERVER_CAPABILITIES =
      Capabilities.CLIENT_LONG_PASSWORD | Capabilities.CLIENT_FOUND_ROWS | Capabilities.CLIENT_LONG_FLAG
          | Capabilities.CLIENT_CONNECT_WITH_DB | Capabilities.CLIENT_NO_SCHEMA | Capabilities.CLIENT_LOCAL_FILES
          | Capabilities.CLIENT_IGNORE_SPACE | Capabilities.CLIENT_PROTOCOL_41 | Capabilities.CLIENT_INTERACTIVE
          | Capabilities.CLIENT_IGNORE_SIGPIPE | Capabilities.CLIENT_TRANSACTIONS
          | Capabilities.CLIENT_SECURE_CONNECTION | Capabilities.CLIENT_MULTI_STATEMENTS
          | Capabilities.CLIENT_MULTI_RESULTS | Capabilities.CLIENT_PS_MULTI_RESULTS
          | Capabilities.CLIENT_PLUGIN_AUTH | Capabilities.CLIENT_CONNECT_ATTRS
          | Capabilities.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA | Capabilities.CLIENT_SESSION_TRACK
          | Capabilities.CLIENT_DEPRECATE_EOF;

  /** Commands a pipelining client may queue before Sluice stops reading from it. */
  private static final int MAX_QUEUED_COMMANDS = 16;

  enum State { GREETED, AUTHENTICATING, READY, EXECUTING, SENDING_FILE, CLOSED }

  private final ProxyRuntime runtime;
  private final CommandHandlers handlers;
  private final long connectionId;
  private final byte[] nonce = new byte[20];
  private final ArrayDeque<Packet> queued = new ArrayDeque<>();

  private ChannelHandlerContext ctx;
  private State state = State.GREETED;
  private Capabilities capabilities;
  private UserConfig user;
  private SessionState session;
  private FrontendAuthenticator authenticator;
  private int nextSequenceId;
  private HandshakeResponse41 login;

  /** Binary prepared statements (see PreparedStatementHandlers). */
  private final ClientStatements statements = new ClientStatements();
  private boolean discardHeldOnRelease;
  private boolean closeWhenIdle;
  /** Between COM_CHANGE_USER and its authentication's end: its schema applies whatever the capabilities. */
  private boolean changingUser;
  /** When the current command arrived, for the latency metrics (and wait_timeout). */
  private long commandStartNanos;
  /** When the session last finished a command (or logged in): idle since then or since a newer command. */
  private long readySinceNanos;
  /**
   * Answers the command held at the master gate, or waiting for the health checks' verdict on
   * a master it could not reach, with the given error, if one is (see execute); with null it
   * only drops the command, for a client that left.
   */
  private Consumer<SqlError> waitingAtGate;

  /** Sets {@link #waitingAtGate}; the proxy counts such statements (sluice_master_waiting_statements). */
  private void startWaiting(Consumer<SqlError> answer) {
    waitingAtGate = answer;
    runtime.statementsWaitingForMaster().incrementAndGet();
  }

  /** Clears {@link #waitingAtGate}, which is set, and returns what it held. */
  private Consumer<SqlError> stopWaiting() {
    Consumer<SqlError> answer = waitingAtGate;
    waitingAtGate = null;
    runtime.statementsWaitingForMaster().decrementAndGet();
    return answer;
  }

  /**
   * Holds {@code command} for the master (see waitingAtGate) and returns what answers it with
   * an error, or with null drops it.
   */
  private Consumer<SqlError> holdForMaster(Packet command, ExecutionCallback callback) {
    Consumer<SqlError> answer = error -> {
      command.release();
      if (error != null) { // null: the client left (see channelInactive)
        finishWithError(error, callback);
      }
    };
    startWaiting(answer);
    return answer;
  }

  /**
   * Ends the hold {@code answer} set, when the wait is over: whether the held command may run
   * now. Not if it was answered meanwhile (KILL QUERY, shutdown, the other of two wake-ups),
   * nor if the session failed meanwhile (a malformed packet) and is closing.
   */
  private boolean resumeHeld(Consumer<SqlError> answer, Packet command) {
    if (waitingAtGate != answer) {
      return false;
    }
    stopWaiting();
    if (state == State.CLOSED) {
      command.release();
      return false;
    }
    return true;
  }

  /** How often the current command waited for a health verdict (see Attempt.awaitHealthVerdict). */
  private int verdictWaits;
  /** The pending wait_timeout check (one per session, not one per command). */
  private io.netty.util.concurrent.ScheduledFuture<?> idleCheck;
  /** The session's variable changes when the check was scheduled: a SET wait_timeout reschedules it. */
  private int variablesAtIdleCheck = -1;
  /** Whether this session counts against the total connection limit. */
  private boolean countedTotal;
  /** The user whose connection limit this session counts against, once counted. */
  private String countedUser;

  /** The backend connection the session keeps between statements (transaction, pins). */
  private BackendConnection held;
  private BackendPool heldPool;
  /**
   * Connections kept only for open cursors (ClientStatement.Cursor), out of their pools while
   * the session's other statements run elsewhere, as a direct connection's cursor outlives the
   * statements run beside it. Each goes back when its last cursor closes: to its pool, or
   * closed if it was released with state no other session may see (a transaction still open).
   */
  private final java.util.Map<BackendConnection, Parked> parked = new java.util.IdentityHashMap<>(2);

  private record Parked(BackendPool pool, boolean discard) {}

  /** The connection serving the current command, held or borrowed. */
  private BackendConnection active;
  private BackendPool activePool;
  /** Pools by backend, see poolOf. */
  private final java.util.IdentityHashMap<Backend, BackendPool> poolCache = new java.util.IdentityHashMap<>(8);
  /** Read-your-writes: the last GTID of this session each slave was seen to have applied. */
  private final java.util.Map<String, String> gtidApplied = new java.util.HashMap<>(4);
  /** Per slave, the last GTID it had not applied within the wait: asked again without waiting. */
  private final java.util.Map<String, String> gtidMissed = new java.util.HashMap<>(4);
  /** The current read's retry, if it may run again elsewhere; null otherwise. */
  private ReadRetry retry;
  /** The current command's try on its backend, which a retry repeats elsewhere. */
  private Attempt attempt;
  /** Small forwarded packets not yet written (see forward). */
  private final ForwardBatch forwarded = new ForwardBatch();
  /** The connection that served the previous command but a FETCH, already back in its pool (or parked). */
  private BackendConnection last;
  private BackendPool lastPool;

  ClientSession(ProxyRuntime runtime, CommandHandlers handlers) {
    this.runtime = runtime;
    this.handlers = handlers;
    this.connectionId = runtime.nextConnectionId();
    for (int i = 0; i < nonce.length; i++) {
      // Printable bytes only: some clients treat the nonce as a C string.
      nonce[i] = (byte) (0x21 + RANDOM.nextInt(0x7e - 0x21));
    }
  }

  // ---- login ----

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    // Refused before the greeting, as MySQL refuses a host it does not know or one too many.
    java.net.SocketAddress remote = ctx.channel().remoteAddress();
    if (remote instanceof InetSocketAddress a && !runtime.clients().allows(a.getAddress())) {
      fatal(new SqlError(1130, "HY000", "Host '" + clientHost() + "' is not allowed to connect to this Sluice proxy"));
      return;
    }
    if (!runtime.connectionLimits().tryAcquireTotal(runtime.clients().maxConnections())) {
      fatal(new SqlError(1040, "08004", "Too many connections"));
      return;
    }
    countedTotal = true;
    runtime.kills().register(this);
    long caps = SERVER_CAPABILITIES | (runtime.tls().isPresent() ? Capabilities.CLIENT_SSL : 0);
    ProxyRuntime.ServerIdentity id = runtime.identity();
    HandshakeV10 greeting = new HandshakeV10(id.serverVersion(), connectionId, nonce, Capabilities.of(caps),
        id.characterSet(), ServerStatus.SERVER_STATUS_AUTOCOMMIT, id.defaultAuthPlugin());
    nextSequenceId = 0;
    send(greeting::encode);
    flush();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == SslRequestDetector.TlsStarted.INSTANCE) {
      nextSequenceId = 2; // SSLRequest was #1; the HandshakeResponse41 over TLS is #2
      return;
    }
    if (evt == io.sluice.server.ProxyServer.ShutdownNow.INSTANCE) {
      shutdownNow();
      return;
    }
    if (evt == io.sluice.server.ProxyServer.ShutdownRequested.INSTANCE) {
      // Drain: a session between commands closes now; one mid-command closes when it is done.
      closeWhenIdle = true;
      if (state != State.EXECUTING && state != State.SENDING_FILE) {
        ctx.close();
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  /**
   * The proxy's drain time is over and this session still runs a command: the client gets
   * 1053/08S01 "Server shutdown in progress", as from a server shutting down, then the
   * connection closes. The backend connection is closed with it (its statement may run on).
   */
  private void shutdownNow() {
    closeWhenIdle = true;
    if (state == State.CLOSED) {
      return;
    }
    endRetry();
    if (waitingAtGate != null && state == State.EXECUTING) {
      // Held for a new master that did not come within the drain: it never ran.
      Consumer<SqlError> cancel = stopWaiting();
      cancel.accept(ErrorCodes.serverShutdown());
      ctx.close();
    } else if (active != null && active.isUsable() && !active.isIdle()) {
      active.abort(ErrorCodes.serverShutdown()); // the forwarder sends it and finishes the command
    } else if (state == State.EXECUTING || state == State.SENDING_FILE) {
      fatal(ErrorCodes.serverShutdown()); // not sent to a backend yet: no forwarder to answer
    } else {
      ctx.close();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Packet packet = (Packet) msg;
    try {
      switch (state) {
        case GREETED -> onHandshakeResponse(packet);
        case AUTHENTICATING -> onAuthAnswer(packet);
        case READY -> onCommand(packet);
        case EXECUTING -> {
          // MySQL clients wait for each response; a pipelining client's next command waits here.
          queued.add(packet);
          if (queued.size() >= MAX_QUEUED_COMMANDS) {
            ctx.channel().config().setAutoRead(false);
          }
          return;
        }
        case SENDING_FILE -> {
          onLocalInfileData(packet);
          return;
        }
        case CLOSED -> {}
      }
    } catch (ProtocolException e) {
      fatal(e.error());
    } catch (RuntimeException e) {
      // Malformed input is a ProtocolException (above); anything else is the proxy's own fault.
      log.warn("session {}: unexpected failure", connectionId, e);
      fatal(ErrorCodes.unknownError("Sluice: internal error (" + e.getClass().getSimpleName() + "); see the proxy's log"));
    }
    if (state != State.SENDING_FILE) {
      ReferenceCountUtil.release(packet);
    }
  }

  private void onHandshakeResponse(Packet packet) {
    nextSequenceId = packet.nextSequenceId();
    if (packet.payload().readableBytes() == 32 && runtime.tls().isEmpty()) {
      fatal(ErrorCodes.handshakeError());
      return;
    }
    HandshakeResponse41 r = HandshakeResponse41.decodeFromClient(packet.payload());
    if (!r.capabilities().protocol41()) {
      fatal(ErrorCodes.handshakeError());
      return;
    }
    login = r;
    capabilities = Capabilities.of(r.capabilities().value() & (SERVER_CAPABILITIES | Capabilities.CLIENT_SSL));
    UserConfig u = runtime.config().user(r.username()).orElse(null);
    if (u == null) {
      fatal(ErrorCodes.accessDenied(r.username(), clientHost(), r.authResponse().length > 0));
      return;
    }
    user = u;
    beginAuthentication(u, r.authPluginName(), r.authResponse());
  }

  private void beginAuthentication(UserConfig u, String clientPlugin, byte[] answer) {
    state = State.AUTHENTICATING;
    String plugin = u.authPlugin() != null ? u.authPlugin() : runtime.identity().defaultAuthPlugin();
    authenticator = new FrontendAuthenticator(u, plugin, clientHost(), nonce, ctx.pipeline().get(SslHandler.class) != null,
        runtime.authCache(), runtime.rsaKeys().getPrivate(), runtime.rsaPublicKeyPem(),
        new FrontendAuthenticator.Outcome() {
          @Override
          public void send(Consumer<ByteBuf> body) {
            ClientSession.this.send(body);
            flush();
          }

          @Override
          public void succeeded() {
            authenticator = null;
            onAuthenticated();
          }

          @Override
          public void denied(SqlError error) {
            fatal(error);
          }
        });
    authenticator.start(clientPlugin, answer);
  }

  private void onAuthAnswer(Packet packet) {
    nextSequenceId = packet.nextSequenceId();
    byte[] answer = new byte[packet.payload().readableBytes()];
    packet.payload().readBytes(answer);
    authenticator.onAnswer(answer);
  }

  private void onAuthenticated() {
    // Like MySQL, the per-user limit is checked once the password is known to be right.
    if (user.maxConnections() > 0 && !user.name().equals(countedUser)) {
      if (countedUser != null) {
        runtime.connectionLimits().release(countedUser);
        countedUser = null;
      }
      if (!runtime.connectionLimits().tryAcquire(user.name(), user.maxConnections())) {
        fatal(ErrorCodes.tooManyUserConnections(user.name()));
        return;
      }
      countedUser = user.name();
    }
    session = new SessionState(null, Collations.charsetSetting(login.characterSet()), user.consistency());
    // COM_CHANGE_USER always carries a schema the server applies; a login's counts only with CONNECT_WITH_DB.
    boolean schemaGiven = capabilities.connectsWithDb() || changingUser;
    changingUser = false;
    if (login.database() != null && !login.database().isEmpty() && schemaGiven) {
      // The schema must exist, as on a direct connection: check it on the master before OK.
      handlers.initialSchema(this, login.database());
      return;
    }
    ready();
    sendOk(0, 0);
  }

  /** Ready for the next command: the idle clock starts. */
  private void ready() {
    if (state == State.CLOSED) {
      return; // an answer arriving after the client left (a KILL's callback): nothing to restart
    }
    state = State.READY;
    readySinceNanos = System.nanoTime();
    if (session != null && session.variablesChanges() != variablesAtIdleCheck) {
      scheduleIdleCheck(); // logged in, or the variables changed: perhaps wait_timeout
    }
  }

  /**
   * Closes the session once it has been idle for its wait_timeout, as a server closes a
   * connection: the session's own {@code SET wait_timeout = n}, else clients.wait-timeout. One
   * timer per session, moved on only when it fires, so a busy session costs no timer work per
   * command.
   */
  private void scheduleIdleCheck() {
    variablesAtIdleCheck = session.variablesChanges();
    if (idleCheck != null) {
      idleCheck.cancel(false);
    }
    checkIdleIn(waitTimeoutNanos() - idleNanos());
  }

  private void checkIdleIn(long nanos) {
    idleCheck = ctx.executor().schedule(this::checkIdle, Math.max(1, nanos), java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /** Since the last command arrived or was answered, whichever came later. */
  private long idleNanos() {
    return System.nanoTime() - Math.max(readySinceNanos, commandStartNanos);
  }

  private void checkIdle() {
    idleCheck = null;
    if (state == State.CLOSED) {
      return;
    }
    long wait = waitTimeoutNanos();
    long idle = idleNanos();
    if (state != State.READY || !queued.isEmpty() || idle < wait) {
      checkIdleIn(state == State.READY ? wait - idle : wait);
      return;
    }
    if (runtime.identity().isMariaDb()) {
      state = State.CLOSED; // MariaDB closes without a word
      ctx.close();
    } else {
      nextSequenceId = 0; // unsolicited, as MySQL 8.0.24 and later send it
      fatal(ErrorCodes.clientInteractionTimeout());
    }
  }

  private long waitTimeoutNanos() {
    String own = session.variables().get("wait_timeout");
    if (own != null) {
      try {
        long seconds = Long.parseLong(own);
        if (seconds >= 1) {
          return java.util.concurrent.TimeUnit.SECONDS.toNanos(Math.min(seconds, io.sluice.server.config.ProxyConfig.ClientsConfig.MAX_WAIT_TIMEOUT.toSeconds()));
        }
      } catch (NumberFormatException e) {
        // not a number we can read: the configured timeout applies
      }
    }
    return runtime.clients().waitTimeout().toNanos();
  }

  /** Called by the CONNECT_WITH_DB check. */
  void loginFinished(SqlError error) {
    if (error != null) {
      fatal(error);
      return;
    }
    ready();
    sendOk(0, 0);
  }

  // ---- commands ----

  private void onCommand(Packet packet) {
    commandStartNanos = System.nanoTime();
    verdictWaits = 0;
    nextSequenceId = packet.nextSequenceId();
    CommandType type = CommandType.fromCode(packet.firstByte());
    CommandHandler handler = type == null ? null : handlers.get(type);
    if (handler == null) {
      sendError(ErrorCodes.unknownCommand());
      return;
    }
    handler.handle(this, type, packet.retain());
  }

  private void onLocalInfileData(Packet packet) {
    boolean last = packet.payload().readableBytes() == 0;
    active.sendLocalInfileData(packet);
    if (last) {
      state = State.EXECUTING;
    }
  }

  /**
   * Runs {@code command} on a backend connection and streams the response to the client. The
   * connection is the held one if the session holds one on {@code target}, else one borrowed
   * from {@code target}'s pool; either way it is first given the session's state (schema,
   * charset, variables) with only the statements that differ. {@code statement} is the
   * classified COM_QUERY text, or null for other commands.
   */
  void execute(Packet command, CommandType type, Backend target, Classification statement,
      boolean aboutPreviousStatement, ExecutionCallback callback) {
    execute(command, type, target, statement, aboutPreviousStatement, AS_IS, callback);
  }

  /** The binder for commands that run unchanged on any connection. */
  static final CommandBinder AS_IS = (c, cmd) -> c.channel().eventLoop().newSucceededFuture(cmd);

  /** Makes a command fit the connection chosen for it (statement ids, a lazy PREPARE, ...). */
  interface CommandBinder {
    Future<Packet> bind(BackendConnection connection, Packet command);
  }

  /** As above, with {@code binder} run on the chosen connection after the session sync. */
  void execute(Packet command, CommandType type, Backend target, Classification statement,
      boolean aboutPreviousStatement, CommandBinder binder, ExecutionCallback callback) {
    execute(command, type, target, statement, aboutPreviousStatement, binder, callback, null);
  }

  /**
   * As above; with a {@code retry}, a failure before any answer reached the client runs the
   * command again on another backend (see {@link ReadRetry}).
   */
  void execute(Packet command, CommandType type, Backend target, Classification statement,
      boolean aboutPreviousStatement, CommandBinder binder, ExecutionCallback callback, ReadRetry retry) {
    state = State.EXECUTING;
    java.util.concurrent.CompletableFuture<Void> switching = runtime.masterGate().whenOpen();
    if (switching != null && target.name().equals(runtime.view().master().name())) {
      // The master is being replaced (a switchover fenced it read-only, or it is down and the
      // automatic failover is due): the command waits for the new master instead of failing
      // on the old one (see MasterGate). A transaction held on the old master then ends with
      // 08S01, below, as for any master change under it. A KILL QUERY meanwhile answers it
      // 1317 at once and it never runs (see killRunningStatement).
      Consumer<SqlError> cancel = holdForMaster(command, callback);
      switching.whenComplete((done, e) -> ctx.channel().eventLoop().execute(() -> {
        if (resumeHeld(cancel, command)) {
          execute(command, type, runtime.view().master(), statement, aboutPreviousStatement, binder, callback, retry);
        }
      }));
      return;
    }
    if (retry != null) {
      retry.attempt(target, command);
      this.retry = retry;
    }
    Attempt attempt = new Attempt(command, type, target, statement, aboutPreviousStatement, binder, callback);
    this.attempt = attempt;
    if (held != null && !held.isUsable() && mustHoldConnection()) {
      // The connection with this session's transaction or pinned state closed while the client
      // was idle (wait_timeout, a KILL, the network): that state is gone. Running on would put
      // this statement outside the transaction the app believes in, so the session ends, as a
      // direct connection would have.
      command.release();
      String backend = held.backendName();
      releaseHeld(true);
      fatal(ErrorCodes.heldConnectionGone(backend));
      return;
    }
    if (held != null && session.holdsMasterConnection() && !held.backendName().equals(target.name())) {
      // The master changed (switchover, failover) under a transaction, autocommit=0 or pinned
      // state held on the old one. Running on at the new master would commit half a
      // transaction as if it were whole, or miss the session's temporary tables: the session
      // ends instead, and closing the held connection rolls the transaction back there.
      command.release();
      String oldMaster = held.backendName();
      releaseHeld(true);
      fatal(ErrorCodes.masterChangedUnderSession(oldMaster, target.name()));
      return;
    }
    if (held != null && (!held.isUsable() || !held.backendName().equals(target.name()))) {
      // e.g. an implicit commit on the master ends a READ ONLY transaction held on a slave
      releaseHeld(true);
    }
    if (runtime.view().isDown(target.name())) {
      // Confirmed down by the health checks: answer now rather than wait for a dead server.
      command.release();
      failAttempt(ErrorCodes.backendUnavailable(target.name(), "health checks find it down"), target.name(), callback);
      return;
    }
    boolean reclaimed = false;
    BackendConnection ready;
    if (held != null) {
      ready = held;
      activePool = heldPool;
    } else if (aboutPreviousStatement && last != null && last.backendName().equals(target.name()) && lastPool.reclaim(last)) {
      ready = last;
      activePool = lastPool;
      reclaimed = true;
    } else if ((ready = parkedOn(target)) != null) {
      // The session's own connection there, kept for a cursor: no second pooled one for this
      // statement (a session with several cursors open would otherwise take one each).
      activePool = parked.get(ready).pool();
      // Parked, it served no other session: if it ran the previous statement, its
      // diagnostics are that statement's.
      reclaimed = ready == last;
    } else {
      activePool = poolOf(target);
      ready = activePool.pollIdle(session.schema() == null);
    }
    attempt.clearDiagnostics = aboutPreviousStatement && !reclaimed && held == null;
    if (ready != null) {
      attempt.connected(ready); // the usual case, an idle pooled connection: no future, no listener
    } else {
      activePool.acquire(session.schema() == null).addListener(attempt::connected);
    }
  }

  /**
   * One try of a command on one backend: connection, session sync, binding, send. Each step
   * that is already complete (an idle pooled connection, nothing to sync, a command that needs
   * no binding) runs straight on, so a plain read costs no future or listener.
   */
  private final class Attempt {
    private final Packet command;
    private final CommandType type;
    private final Backend target;
    private final Classification statement;
    private final boolean aboutPreviousStatement;
    private final CommandBinder binder;
    private final ExecutionCallback callback;
    /** Set once the connection is chosen: see execute. */
    private boolean clearDiagnostics;
    /**
     * Whether the connection first gets the session's state. Not for a FETCH: the cursor's
     * connection serves only it, and a sync there could fail (USE of a schema dropped since)
     * where the server would simply fetch.
     */
    private boolean syncsSession = true;
    private BackendConnection c;

    Attempt(Packet command, CommandType type, Backend target, Classification statement, boolean aboutPreviousStatement,
        CommandBinder binder, ExecutionCallback callback) {
      this.command = command;
      this.type = type;
      this.target = target;
      this.statement = statement;
      this.aboutPreviousStatement = aboutPreviousStatement;
      this.binder = binder;
      this.callback = callback;
    }

    void connected(Future<?> f) {
      if (!f.isSuccess()) {
        if (awaitHealthVerdict(f.cause())) {
          return;
        }
        command.release();
        failAttempt(unavailable(target, f.cause()), target.name(), callback);
        return;
      }
      connected((BackendConnection) f.getNow());
    }

    void connected(BackendConnection connection) {
      c = connection;
      active = c;
      List<String> sync = syncsSession ? session.statementsToSync(c.snapshot(), statement) : List.of();
      if (clearDiagnostics) {
        // The connection that ran the previous statement was taken by another session: do not
        // show this session that session's warnings or row counts.
        sync = new ArrayList<>(sync);
        sync.add("DO 0");
      }
      if (sync.isEmpty()) {
        synced();
      } else {
        BackendSync.run(c, sync).addListener(s -> {
          if (!s.isSuccess()) {
            command.release();
            failAttempt(BackendSync.errorOf(target.name(), s.cause()), target.name(), callback);
            return;
          }
          synced();
        });
      }
    }

    private void synced() {
      if (syncsSession) {
        if (session.syncsNextTransactionSettings(statement)) {
          c.nextTransactionPending(true); // until the statement succeeds: see activeSnapshotAfter
        }
        c.snapshot(session.snapshotAfterSync(c.snapshot(), statement));
      }
      if (binder == AS_IS) {
        c.execute(command, type, new ResponseForwarder(ClientSession.this, c, callback));
        return;
      }
      binder.bind(c, command).addListener(this::bound);
    }

    /**
     * The master could not be reached (nothing was sent) and the health checks have not found
     * it down yet: it died a moment ago. With automatic failover on, a statement arriving a
     * second later waits at the gate for the failover; this one waits for the health checks'
     * verdict instead of failing with 9001. If they find the master down it goes on to wait at
     * the gate; if not, it tries the master again. Twice at most, since a round under way may
     * have probed before the master went; and never longer than a round can take.
     */
    private boolean awaitHealthVerdict(Throwable cause) {
      if (!(cause instanceof BackendException be) || !be.unreachable() || verdictWaits >= 2 || retry != null
          || !runtime.config().failover().auto() || !target.name().equals(runtime.view().master().name())
          || runtime.view().isDown(target.name()) || state != State.EXECUTING) {
        return false;
      }
      verdictWaits++;
      active = null;
      activePool = null;
      Consumer<SqlError> cancel = holdForMaster(command, callback); // a KILL QUERY or a shutdown answers it meanwhile
      io.netty.channel.EventLoop loop = ctx.channel().eventLoop();
      Runnable resume = () -> { // by the round or the timer, whichever comes first
        if (resumeHeld(cancel, command)) {
          execute(command, type, afterVerdict(statement), statement, aboutPreviousStatement, binder, callback, null);
        }
      };
      var monitor = runtime.config().monitor();
      long boundMs = monitor.interval().plus(monitor.timeout().multipliedBy(2)).toMillis() + 1_000;
      var bound = loop.schedule(resume, boundMs, java.util.concurrent.TimeUnit.MILLISECONDS);
      runtime.nextHealthRound().whenComplete((done, e) -> loop.execute(() -> {
        bound.cancel(false);
        resume.run();
      }));
      return true;
    }

    /**
     * Where a statement that waited for a verdict goes: the master (the gate holds it if the
     * master was found down), except a session command any server runs (SET, USE), which goes
     * to a slave once the master is known down, as it would have had it arrived then.
     */
    private Backend afterVerdict(Classification statement) {
      ClusterView view = runtime.view();
      if (statement != null && view.isDown(view.master().name())) {
        io.sluice.core.routing.Route again = runtime.router().route(statement, session, view);
        if (again.reason() == io.sluice.core.routing.RouteReason.SESSION_COMMAND_MASTER_DOWN) {
          Backend slave = again.backend(view);
          session.beforeStatement(statement, slave);
          return slave;
        }
      }
      return view.master();
    }

    /** The same command again on {@code next}, with the read retry it belongs to. */
    void rerunOn(Backend next) {
      // The slave this read stayed on failed it or is behind the session: the next read chooses again.
      session.slaveAffinity().forget();
      if (statement != null) {
        session.beforeStatement(statement, next);
      }
      execute(retry.takeCommand(), type, next, statement, false, binder, callback, retry);
    }

    private void bound(Future<?> b) {
      if (!b.isSuccess()) {
        if (b.cause() instanceof GtidWait.NotYetApplied && retry != null && c.isIdle()
            && !target.name().equals(runtime.view().master().name())) {
          // Read-your-writes: the slave is behind the session's last write; read from the master.
          activePool.release(c);
          active = null;
          activePool = null;
          rerunOn(runtime.view().master());
          return;
        }
        failAttempt(BackendSync.errorOf(target.name(), b.cause()), target.name(), callback);
        return;
      }
      c.execute((Packet) b.getNow(), type, new ResponseForwarder(ClientSession.this, c, callback));
    }
  }

  /** An attempt on {@code backend} failed before anything reached the client: retry if allowed, else report. */
  private void failAttempt(SqlError error, String backend, ExecutionCallback callback) {
    if (!retryElsewhere(error)) {
      recordStatement(backend, true);
      finishWithError(error, callback);
    }
  }

  /** The SQL log's line for a statement answered by {@code backend} (a no-op when the log is off). */
  void logStatement(String sql, String backend, boolean error) {
    var sqlLog = runtime.sqlLog();
    if (sqlLog.enabled()) {
      sqlLog.statement(connectionId, user.name(), clientHost(), backend, System.nanoTime() - commandStartNanos, error,
          sql);
    }
  }

  /** Metrics for the command now answered by {@code backend}. */
  void recordStatement(String backend, boolean error) {
    runtime.metrics().statement(backend, System.nanoTime() - commandStartNanos, error);
  }

  /**
   * Runs the current read again on another backend, if it is retryable and a candidate is
   * left. The failed connection is discarded: whatever broke it, its state is unknown.
   */
  boolean retryElsewhere(SqlError error) {
    ReadRetry r = retry;
    if (r == null || state == State.CLOSED) {
      return false;
    }
    Backend next = r.next(runtime.view());
    if (next == null) {
      return false;
    }
    log.info("session {}: read failed on {} ({}); retrying on {}", connectionId,
        active == null ? "its backend" : active.backendName(), error.message(), next.name());
    if (active != null) {
      activePool.discard(active);
      if (active == held) {
        held = null;
        heldPool = null;
      }
      active = null;
      activePool = null;
    }
    runtime.metrics().retry();
    attempt.rerunOn(next);
    return true;
  }

  String gtidAppliedOn(String backend) {
    return gtidApplied.get(backend);
  }

  /** Whether some slave had not applied {@code gtid} within the wait. */
  boolean gtidMissedAnywhere(String gtid) {
    return gtidMissed.containsValue(gtid);
  }

  void gtidMissed(String backend, String gtid) {
    gtidMissed.put(backend, gtid);
  }

  void gtidApplied(String backend, String gtid) {
    gtidMissed.remove(backend);
    gtidApplied.put(backend, gtid);
  }

  /**
   * KILL from another session of the same user, run on this session's event loop: the statement
   * running now is killed on its backend (KILL QUERY of that connection's server thread, sent on
   * another connection to the same server); with {@code closeSession} this session ends too.
   */
  void killRunningStatement(boolean closeSession, Consumer<SqlError> done) {
    if (waitingAtGate != null && state == State.EXECUTING) {
      Consumer<SqlError> cancel = stopWaiting();
      cancel.accept(new SqlError(1317, "70100", "Query execution was interrupted")); // never sent: it never will be
      if (closeSession) {
        ctx.close();
      }
      done.accept(null);
      return;
    }
    BackendConnection running = state == State.EXECUTING ? active : null;
    if (running == null) {
      if (closeSession) {
        ctx.close();
      }
      done.accept(null);
      return;
    }
    long thread = running.serverConnectionId();
    // Until the KILL lands the statement may end and its connection go back to the pool, to run
    // another session's statement, which the KILL would then interrupt: the pool closes it instead.
    running.markKillQuerySent();
    // The pool the running connection came from: the same server, even if it has left the view
    // since (REMOVE BACKEND). Looked up by name, a removed slave would have been taken for the
    // master, and the thread id there is another connection's.
    BackendPool pool = activePool;
    pool.acquire().addListener(f -> {
      if (!f.isSuccess()) {
        done.accept(f.cause() instanceof BackendException be
            ? be.error() : ErrorCodes.backendUnavailable(running.backendName(), String.valueOf(f.cause())));
        return;
      }
      BackendConnection killer = (BackendConnection) f.getNow();
      killer.query("KILL QUERY " + thread).addListener(q -> {
        pool.release(killer);
        if (closeSession) {
          ctx.close();
        }
        SqlError error = q.isSuccess() && ((ResponseTracker) q.getNow()).isError()
            ? ((ResponseTracker) q.getNow()).error().toSqlError() : null;
        // Unknown thread: the statement ended and its connection was closed before the KILL
        // arrived. Directly, a KILL QUERY just after the statement ended answers OK.
        done.accept(error != null && error.code() == ErrorCodes.ER_NO_SUCH_THREAD ? null : error);
      });
    });
  }

  /** Why no connection to {@code backend} could be had: the server's own error, or "unavailable". */
  private static SqlError unavailable(Backend backend, Throwable cause) {
    return cause instanceof BackendException be
        ? be.error() : ErrorCodes.backendUnavailable(backend.name(), String.valueOf(cause));
  }

  /**
   * The backend {@code c} (from {@code pool}) runs on, as the current view knows it; one removed
   * from the view since (REMOVE BACKEND, a reload) is still that server, never the master, so
   * its errors name it and its statements stay where the session's state is.
   */
  private Backend backendOf(BackendConnection c, BackendPool pool) {
    ClusterView view = runtime.view();
    String name = c.backendName();
    if (view.master().name().equals(name)) {
      return view.master();
    }
    return view.replica(name).map(io.sluice.core.cluster.BackendStatus::backend)
        .orElseGet(() -> new Backend(name, pool.host(), pool.port(), io.sluice.core.cluster.BackendRole.SLAVE, 0));
  }

  String userName() {
    return user == null ? "" : user.name();
  }

  /** Runs a KILL statement or COM_PROCESS_KILL of this session's user. */
  void kill(Kills.Request request) {
    if (request.connectionId() == connectionId && !request.queryOnly()) {
      // KILL of its own connection: the server answers with the error that ends it, then closes.
      boolean mariaDb = runtime.identity().isMariaDb();
      fatal(mariaDb ? new SqlError(1927, "70100", "Connection was killed")
          : new SqlError(1317, "70100", "Query execution was interrupted"));
      return;
    }
    state = State.EXECUTING;
    runtime.kills().kill(this, request, error -> {
      ready();
      if (error != null) {
        sendError(error);
      } else {
        sendOk(0, 0);
      }
      drainQueued();
    });
  }

  private void endRetry() {
    if (retry != null) {
      retry.release();
      retry = null;
    }
  }

  private Future<BackendConnection> borrow(Backend target) {
    BackendPool pool = poolOf(target);
    activePool = pool;
    return pool.acquire();
  }

  /**
   * The pool for {@code target} on this session's event loop. Looked up once per backend and
   * kept (by the view's Backend instance, which health rounds reuse and reloads replace);
   * forgotten when what the key is made of changes (user, multi-statements) or the pool closes.
   */
  private BackendPool poolOf(Backend target) {
    BackendPool p = poolCache.get(target);
    if (p == null || p.isClosed()) {
      p = runtime.pools().pool(ctx.channel().eventLoop(),
          PoolKey.of(target.name(), user.name(), capabilities, login.characterSet()), target.host(), target.port(),
          new BackendCredentials(user.name(), user.password()));
      if (poolCache.size() >= 16) {
        poolCache.clear(); // views replaced many times by reloads: start over
      }
      poolCache.put(target, p);
    }
    return p;
  }

  /**
   * Runs a question of Sluice's own on another master connection, leaving the session's
   * connections (and their warnings and row counts) untouched.
   */
  Future<List<List<String>>> queryMasterAside(String sql) {
    BackendPool pool = poolOf(runtime.view().master());
    io.netty.util.concurrent.Promise<List<List<String>>> done = ctx.channel().eventLoop().newPromise();
    pool.acquire().addListener(f -> {
      if (!f.isSuccess()) {
        done.setFailure(f.cause());
        return;
      }
      BackendConnection c = (BackendConnection) f.getNow();
      c.queryRows(sql).addListener(q -> {
        if (q.isSuccess()) {
          pool.release(c);
          @SuppressWarnings("unchecked")
          List<List<String>> rows = (List<List<String>>) q.getNow();
          done.setSuccess(rows);
        } else {
          pool.discard(c);
          done.setFailure(q.cause());
        }
      });
    });
    return done;
  }

  /** The response forwarder finished; decide whether the session keeps the connection. */
  void executionFinished(boolean keepConnection, boolean connectionBroken) {
    endRetry();
    BackendConnection c = active;
    BackendPool pool = activePool;
    active = null;
    activePool = null;
    if (attempt == null || attempt.type != CommandType.COM_STMT_FETCH) {
      // A FETCH leaves the server's diagnostics area as it was: SHOW WARNINGS after it is
      // about the statement before, so that one's connection stays the one to go back to.
      last = c;
      lastPool = pool;
    }
    if (c != null) {
      if (connectionBroken) {
        discardConnection(c, pool);
        if (c == held) {
          held = null;
          heldPool = null;
        }
      } else if (keepConnection && (held == null || held == c) && mayHoldOn(c)) {
        held = c;
        heldPool = pool;
        parked.remove(c);
      } else {
        // Kept for the session but not allowed to hold it (see mayHoldOn): it may carry a
        // transaction (COMMIT AND CHAIN), so it is closed rather than handed to another session.
        boolean discard = keepConnection && (held == null || held == c) && !mayHoldOn(c);
        if (c == held) {
          held = null;
          heldPool = null;
          discard |= discardHeldOnRelease; // set for the held connection only (see discardHeldWhenReleased)
          discardHeldOnRelease = false;
        }
        giveBack(c, pool, discard);
      }
    }
    ready();
    flush();
    if (closeWhenIdle) {
      ctx.close();
      return;
    }
    drainQueued();
  }

  /**
   * Whether {@code c} may become the session's held connection. While the master is down, a
   * slave only for the session's READ ONLY transaction there: what else makes a session hold a
   * connection (autocommit=0, pinned state) belongs on the master. A SET autocommit = 0 run on
   * a slave then (RouteReason.SESSION_COMMAND_MASTER_DOWN) goes back to the pool, so the next
   * write gets "master down", not "the master changed under this session".
   */
  private boolean mayHoldOn(BackendConnection c) {
    ClusterView view = runtime.view();
    if (c.backendName().equals(view.master().name()) || !view.isDown(view.master().name())) {
      // A former master's connection after a switchover stays held too: its transaction is
      // ended there by the session's next statement (2006), never handed to another session.
      return true;
    }
    return session.readOnlyTransactionBackend().map(b -> b.name().equals(c.backendName())).orElse(false);
  }

  /**
   * The statement failed before it was sent (no connection, or preparing one failed: the
   * session sync, a GTID wait, a lazy prepare). A held connection stays held: the transaction
   * or state on it is intact, as on a direct connection where only the statement fails. Any
   * other is discarded, not pooled: a sync that failed half-way left it in a state its
   * snapshot does not describe.
   */
  private void finishWithError(SqlError err, ExecutionCallback callback) {
    endRetry();
    if (active != null) {
      if (active != held) {
        discardConnection(active, activePool);
      }
      active = null;
      activePool = null;
    }
    callback.failed(err);
    sendError(err);
    ready();
    flush();
    drainQueued();
  }

  void startSendingFile() {
    state = State.SENDING_FILE;
    flush();
  }

  /**
   * Runs commands a client sent before the previous one was answered. Reading from the client
   * stays on while a command runs (switching it off and on costs two epoll_ctl calls per
   * statement); only a client that piles up commands is paused until they have run.
   */
  private void drainQueued() {
    while (state == State.READY && !queued.isEmpty()) {
      channelRead(ctx, queued.poll());
    }
    if (queued.isEmpty() && !ctx.channel().config().isAutoRead()) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  /**
   * Releases the held connection (COM_RESET_CONNECTION, COM_CHANGE_USER, unpinning); one with
   * an open cursor stays parked until the cursor closes.
   */
  void releaseHeld(boolean discard) {
    if (held != null) {
      BackendConnection c = held;
      BackendPool pool = heldPool;
      held = null;
      heldPool = null;
      giveBack(c, pool, discard || !c.isIdle());
    }
  }

  /**
   * A connection the session no longer needs for itself: parked while a cursor is open on it,
   * else back to its pool, or closed if {@code discard} (or when it was parked so).
   */
  private void giveBack(BackendConnection c, BackendPool pool, boolean discard) {
    if (c.hasOpenCursor() && c.isUsable()) {
      parked.merge(c, new Parked(pool, discard), (was, now) -> new Parked(was.pool(), was.discard() || now.discard()));
      return;
    }
    statements.forgetCursorsOn(c);
    Parked p = parked.remove(c);
    if (discard || (p != null && p.discard())) {
      pool.discard(c);
    } else {
      pool.release(c);
    }
  }

  /** Closes {@code c} for good: the cursors on it go with it, and it is parked no more. */
  private void discardConnection(BackendConnection c, BackendPool pool) {
    pool.discard(c);
    statements.forgetCursorsOn(c);
    parked.remove(c);
  }

  /** {@code st}'s execution opened a cursor on {@code c}: the connection stays with the session until it closes. */
  void cursorOpened(ClientStatement st, BackendConnection c, long backendId) {
    st.cursor = new ClientStatement.Cursor(c, backendId);
    c.cursorOpened(backendId);
  }

  /**
   * The server closed {@code st}'s cursor itself (its last row was fetched, or a fetch failed).
   * Called while the fetch's connection is still active: executionFinished gives it back.
   */
  void cursorEnded(ClientStatement st) {
    ClientStatement.Cursor cursor = st.cursor;
    st.cursor = null;
    if (cursor != null) {
      cursor.connection().cursorClosed(cursor.backendId());
    }
  }

  /**
   * {@code st}'s cursor is no longer wanted (the statement is reset, closed, or runs again on
   * another connection): it is closed on its connection, and a connection parked only for it
   * goes back.
   */
  void closeCursor(ClientStatement st) {
    ClientStatement.Cursor cursor = st.cursor;
    st.cursor = null;
    BackendConnection c = cursor.connection();
    c.closeCursor(cursor.backendId());
    Parked p = parked.get(c);
    if (p != null && c != active && !c.hasOpenCursor()) {
      giveBack(c, p.pool(), p.discard());
    }
  }

  /**
   * {@code cursor}'s connection closed while the client was idle (wait_timeout, a KILL, the
   * server restarting): its cursors are gone, and a parked connection is discarded, once.
   */
  void cursorLost(ClientStatement.Cursor cursor) {
    BackendConnection c = cursor.connection();
    statements.forgetCursorsOn(c);
    Parked p = parked.remove(c);
    if (p != null) {
      p.pool().discard(c);
    }
  }

  /** Whether {@code cursor}'s connection is still there to fetch from. */
  boolean cursorUsable(ClientStatement.Cursor cursor) {
    BackendConnection c = cursor.connection();
    return c.isUsable() && (c == held || parked.containsKey(c));
  }

  /**
   * Runs a command on the connection of an open cursor (COM_STMT_FETCH), held or parked,
   * wherever the session's other statements go.
   */
  void executeOnCursor(ClientStatement.Cursor cursor, Packet command, CommandType type, ExecutionCallback callback) {
    BackendConnection c = cursor.connection();
    state = State.EXECUTING;
    activePool = c == held ? heldPool : parked.get(c).pool();
    Attempt a = new Attempt(command, type, backendOf(c, activePool), null, false, AS_IS, callback);
    a.syncsSession = false;
    attempt = a;
    a.connected(c);
  }

  /** A connection parked for a cursor on {@code target}, idle and usable, or null. */
  private BackendConnection parkedOn(Backend target) {
    if (parked.isEmpty()) {
      return null;
    }
    for (BackendConnection c : parked.keySet()) {
      if (c.isIdle() && c.backendName().equals(target.name())) {
        return c;
      }
    }
    return null;
  }

  /** Closes the connections parked for cursors (the session ends or forgets its statements). */
  private void discardParked() {
    for (Map.Entry<BackendConnection, Parked> e : parked.entrySet()) {
      statements.forgetCursorsOn(e.getKey());
      e.getValue().pool().discard(e.getKey());
    }
    parked.clear();
  }

  void changeUser(UserConfig newUser, String clientPlugin, byte[] answer, int characterSet, String database) {
    changingUser = true;
    releaseHeld(true);
    poolCache.clear();
    if (countedUser != null && !countedUser.equals(newUser.name())) {
      runtime.connectionLimits().release(countedUser);
      countedUser = null;
    }
    user = newUser;
    login = new HandshakeResponse41(capabilities, login.maxPacketSize(), characterSet, newUser.name(), answer,
        database, clientPlugin, login.connectAttributes());
    beginAuthentication(newUser, clientPlugin, answer);
  }

  /**
   * Whether the connection that just served a command must stay with this session. Open cursors
   * do not count: their connections are parked (see parked), not held.
   */
  boolean mustHoldConnection() {
    return session.holdsMasterConnection() || session.readOnlyTransactionBackend().isPresent();
  }

  ClientStatements statements() {
    return statements;
  }

  /** The backend of the held connection, as the current cluster view knows it. */
  Backend heldBackend() {
    return held == null ? runtime.view().master() : backendOf(held, heldPool);
  }

  /** After a statement: the connection that ran it now has the session's new state. */
  void activeSnapshotAfter(io.sluice.core.session.StatementOutcome outcome) {
    if (active != null) {
      active.snapshot(session.snapshotAfterStatement(active.snapshot(), outcome));
      if (outcome.ok()) {
        active.nextTransactionPending(false); // the statement started the transaction the settings were for
      }
    }
  }

  io.sluice.core.session.CharsetSetting initialCharset() {
    return Collations.charsetSetting(login.characterSet());
  }

  void preparedStatementsCleared() {
    statements.clear();
    discardParked();
  }

  void multiStatements(boolean on) {
    poolCache.clear();
    capabilities = on
        ? capabilities.with(Capabilities.CLIENT_MULTI_STATEMENTS)
        : capabilities.without(Capabilities.CLIENT_MULTI_STATEMENTS);
  }

  void discardHeldWhenReleased() {
    discardHeldOnRelease = true;
  }

  /**
   * CONNECT_WITH_DB: runs USE on a master connection before the login's OK; on a slave while
   * the master is down, so an application that connects to read still can.
   */
  void checkSchema(String schema) {
    io.sluice.core.cluster.ClusterView view = runtime.view();
    boolean masterDown = view.isDown(view.master().name()) && !view.usableSlaves().isEmpty();
    checkSchemaOn(schema, masterDown ? view.usableSlaves().get(0) : view.master());
  }

  private void checkSchemaOn(String schema, Backend checker) {
    borrow(checker).addListener(f -> {
      BackendPool pool = activePool;
      activePool = null;
      if (!f.isSuccess()) {
        ClusterView now = runtime.view();
        if (f.cause() instanceof BackendException be && be.unreachable() && checker.name().equals(now.master().name())
            && !now.usableSlaves().isEmpty()) {
          // The master died a moment ago and the health checks have not found it down yet:
          // a slave knows the same schemas, and the application may only want to read.
          checkSchemaOn(schema, now.usableSlaves().get(0));
          return;
        }
        loginFinished(unavailable(checker, f.cause()));
        return;
      }
      BackendConnection c = (BackendConnection) f.getNow();
      c.query("USE " + SqlLiterals.quoteIdentifier(schema)).addListener(q -> {
        if (!q.isSuccess()) {
          pool.discard(c);
          loginFinished(BackendSync.errorOf(checker.name(), q.cause()));
          return;
        }
        io.sluice.protocol.response.ResponseTracker t = (io.sluice.protocol.response.ResponseTracker) q.getNow();
        if (t.isError()) {
          pool.release(c);
          loginFinished(t.error().toSqlError());
          return;
        }
        session.reset(schema, session.charset());
        // Only the USE ran: what another session left on the connection (variables, charset)
        // is still there, and the next sync must reset it.
        c.snapshot(c.snapshot().withSchema(schema));
        pool.release(c);
        loginFinished(null);
      });
    });
  }

  // ---- output ----

  void send(Consumer<ByteBuf> body) {
    writeForwarded();
    ByteBuf buf = ctx.alloc().buffer();
    body.accept(buf);
    ctx.write(new Packet(nextSequenceId, buf));
    nextSequenceId = (nextSequenceId + 1) & 0xFF;
  }

  /**
   * Forwards a backend packet unchanged (sequence ids already match the client's command):
   * small ones into the {@link ForwardBatch} of this backend read, large ones as they are.
   */
  void forward(Packet packet) {
    nextSequenceId = packet.nextSequenceId();
    if (!ForwardBatch.fits(packet)) {
      writeForwarded();
      ctx.write(packet);
    } else if (forwarded.add(ctx, packet)) {
      writeForwarded();
    }
  }

  /**
   * Forwards the whole packets of {@code run} from the frame at {@code from} through the one at
   * {@code last} unchanged, through the batch; {@code endsResponse} when they are the response's last.
   */
  void forwardFrames(PacketRun run, int from, int last, boolean endsResponse) {
    nextSequenceId = run.nextSequenceId(last);
    if (forwarded.addFrames(ctx, run.frames(), from, run.next(last), endsResponse)) {
      writeForwarded();
    }
  }

  /** Writes the packets {@link #forward} batched so far; every other write and flush comes after them. */
  private void writeForwarded() {
    forwarded.writeTo(ctx);
  }

  /** Sends everything written so far. */
  void flush() {
    writeForwarded();
    ctx.flush();
  }

  void sendOk(long affectedRows, long lastInsertId) {
    int status = session == null ? ServerStatus.SERVER_STATUS_AUTOCOMMIT : session.statusFlags();
    send(buf -> OkPacket.of(affectedRows, lastInsertId, status, 0).encode(buf, capabilities));
    flush();
  }

  /**
   * The answer to SELECT CONNECTION_ID() with this session's id, in the column the backends'
   * server sends: BIGINT UNSIGNED on MySQL, INT UNSIGNED on MariaDB.
   */
  void sendConnectionId(String column) {
    boolean mariaDb = runtime.identity().isMariaDb();
    io.sluice.protocol.packet.ColumnType type = mariaDb
        ? io.sluice.protocol.packet.ColumnType.MYSQL_TYPE_LONG : io.sluice.protocol.packet.ColumnType.MYSQL_TYPE_LONGLONG;
    sendOneValue(new ColumnDefinition41("def", "", "", "", column, "", ColumnDefinition41.BINARY_COLLATION,
        mariaDb ? 10 : 21, type.code(),
        ColumnDefinition41.NOT_NULL_FLAG | ColumnDefinition41.UNSIGNED_FLAG | ColumnDefinition41.BINARY_FLAG, 0),
        Long.toString(connectionId).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
  }

  /**
   * {@code SELECT @@sluice_consistency}: a string column as MySQL 8.0 describes a string
   * variable (utf8mb3_general_ci, id 33, which every client knows; the value is ASCII).
   */
  void sendConsistency(String column) {
    byte[] value = session.consistency().configName().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    sendOneValue(new ColumnDefinition41("def", "", "", "", column, "", 33, 65535,
        io.sluice.protocol.packet.ColumnType.MYSQL_TYPE_VAR_STRING.code(), 0, 31), value);
  }

  /** A result set of one column and one row. */
  private void sendOneValue(ColumnDefinition41 column, byte[] value) {
    int status = session.statusFlags();
    send(buf -> io.sluice.protocol.packet.ColumnCount.of(1).encode(buf, capabilities));
    send(column::encode);
    if (!capabilities.deprecatesEof()) {
      send(buf -> new EofPacket(0, status).encode(buf, capabilities));
    }
    send(buf -> new io.sluice.protocol.packet.TextResultRow(java.util.List.of(value)).encode(buf));
    sendEof(); // the end of the rows
  }

  /**
   * EOF, or an OK with the EOF header when the client deprecates EOF: the reply to
   * COM_SET_OPTION, and the end of a result set's rows.
   */
  void sendEof() {
    int status = session.statusFlags();
    if (capabilities.deprecatesEof()) {
      send(buf -> new OkPacket(0xFE, 0, 0, status, 0, "", java.util.List.of()).encode(buf, capabilities));
    } else {
      send(buf -> new EofPacket(0, status).encode(buf, capabilities));
    }
    flush();
  }

  void sendError(SqlError error) {
    Capabilities caps = capabilities == null ? Capabilities.of(Capabilities.CLIENT_PROTOCOL_41) : capabilities;
    send(buf -> error.toErrPacket().encode(buf, caps));
    flush();
  }

  /** Sends ERR and closes: for failed logins and protocol violations. */
  void fatal(SqlError error) {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    sendError(error);
    ctx.close();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    // Backpressure: while the client cannot take more, stop reading from the backend.
    if (active != null) {
      active.setAutoRead(ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    state = State.CLOSED;
    if (idleCheck != null) {
      idleCheck.cancel(false);
      idleCheck = null;
    }
    forwarded.release();
    endRetry();
    if (waitingAtGate != null) {
      // The client left while its statement waited for the master: it never ran and never
      // will, and it no longer counts as waiting.
      stopWaiting().accept(null);
    }
    runtime.kills().unregister(this);
    Packet p;
    while ((p = queued.poll()) != null) {
      p.release();
    }
    if (active != null && activePool != null) {
      // The client vanished mid-response: the backend connection's state is unknown.
      discardConnection(active, activePool);
      if (active == held) {
        held = null;
      }
      active = null;
    }
    releaseHeld(session != null && mustHoldConnection());
    discardParked();
    if (countedUser != null) {
      runtime.connectionLimits().release(countedUser);
      countedUser = null;
    }
    if (countedTotal) {
      runtime.connectionLimits().releaseTotal();
      countedTotal = false;
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof ProtocolException pe) {
      fatal(pe.error());
    } else if (cause.getCause() instanceof ProtocolException pe) {
      fatal(pe.error());
    } else {
      log.debug("session {}: {}", connectionId, cause.toString());
      ctx.close();
    }
  }

  /** A snapshot for the admin interface (read from another thread; a moment stale at worst). */
  public io.sluice.server.admin.AdminContext.SessionInfo describe() {
    UserConfig u = user;
    SessionState st = session;
    BackendConnection h = held;
    return new io.sluice.server.admin.AdminContext.SessionInfo(connectionId, u == null ? "" : u.name(),
        ctx == null ? "" : clientHost(), state.name().toLowerCase(java.util.Locale.ROOT),
        h == null ? "" : h.backendName(), st == null ? "" : st.consistency().configName());
  }

  // ---- accessors for handlers ----

  ProxyRuntime runtime() {
    return runtime;
  }

  SessionState session() {
    return session;
  }

  Capabilities capabilities() {
    return capabilities;
  }

  UserConfig user() {
    return user;
  }

  long connectionId() {
    return connectionId;
  }

  byte[] nonce() {
    return nonce;
  }

  boolean holdsConnection() {
    return held != null;
  }

  BackendConnection heldConnection() {
    return held;
  }

  ChannelHandlerContext ctx() {
    return ctx;
  }

  String clientHost() {
    return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : "localhost";
  }

  /** What the handlers learn when a forwarded command completes. */
  interface ExecutionCallback {
    /**
     * The response is complete and forwarded. Call {@code finish} exactly once, with whether
     * the session must keep {@code connection}; it may be called later, after follow-up work on
     * that connection (the client's next command waits until then).
     */
    void completed(ResponseTracker tracker, BackendConnection connection, Consumer<Boolean> finish);

    void failed(SqlError error);

    /**
     * Called for each response packet before it is forwarded, if {@link #rewritesResponse};
     * may rewrite it in place.
     */
    default void beforeForward(Packet packet, boolean first) {}

    /** Whether {@link #beforeForward} must see the response packet by packet. */
    default boolean rewritesResponse() {
      return false;
    }

    /** A callback whose completion needs no follow-up work. */
    static ExecutionCallback of(java.util.function.Function<ResponseTracker, Boolean> onComplete) {
      return new ExecutionCallback() {
        @Override
        public void completed(ResponseTracker tracker, BackendConnection connection, Consumer<Boolean> finish) {
          finish.accept(onComplete.apply(tracker));
        }

        @Override
        public void failed(SqlError error) {}
      };
    }
  }
}
