package io.sluice.server.backend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.sluice.core.session.BackendSessionSnapshot;
import io.sluice.protocol.Capabilities;
import io.sluice.protocol.CommandType;
import io.sluice.protocol.auth.AuthPlugin;
import io.sluice.protocol.auth.AuthPlugins;
import io.sluice.protocol.auth.CachingSha2Password;
import io.sluice.protocol.auth.MysqlNativePassword;
import io.sluice.protocol.error.ErrorCodes;
import io.sluice.protocol.error.SqlError;
import io.sluice.protocol.packet.AuthMoreData;
import io.sluice.protocol.packet.AuthSwitchRequest;
import io.sluice.protocol.packet.ComQuery;
import io.sluice.protocol.packet.ErrPacket;
import io.sluice.protocol.packet.HandshakeResponse41;
import io.sluice.protocol.packet.HandshakeV10;
import io.sluice.protocol.packet.SslRequest;
import io.sluice.protocol.response.ResponseTracker;
import io.sluice.protocol.wire.Packet;
import io.sluice.protocol.wire.PacketRun;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection from Sluice to a backend MySQL server, and its state machine.
 *
 * <pre>
 *  CONNECTING --HandshakeV10--> AUTHENTICATING --OK--> INITIALIZING --OK--> IDLE
 *                                  |  ^ AuthSwitchRequest / AuthMoreData      |  ^
 *                                  +--+ (switch plugin, fast/full sha2 auth)  v  | response complete
 *                                                                            BUSY
 *  any state --channel closed / error--> CLOSED
 * </pre>
 *
 * <p>It lives on the event loop of the client session that uses it, so nothing here is
 * synchronised. The connection knows nothing of routing: it authenticates, runs one command at
 * a time and hands every response packet to the current {@link ResponseListener}.
 */
public final class BackendConnection extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(BackendConnection.class);

  enum State { CONNECTING, AUTHENTICATING, INITIALIZING, IDLE, BUSY, CLOSED }

  /** Capabilities Sluice always asks a backend for (the wire-format ones come from the client). */
  private static final long BASE_CAPABILITIES =
      Capabilities.CLIENT_LONG_PASSWORD
          | Capabilities.CLIENT_PROTOCOL_41
          | Capabilities.CLIENT_TRANSACTIONS
          | Capabilities.CLIENT_SECURE_CONNECTION
          | Capabilities.CLIENT_PLUGIN_AUTH
          | Capabilities.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA
          | Capabilities.CLIENT_CONNECT_ATTRS;

  private final String backendName;
  private final BackendCredentials credentials;
  private final long wireCapabilities;
  private final int characterSet;
  private final Promise<BackendConnection> ready;
  private final BackendTls tls;
  private boolean encrypted;
  private BackendSessionSnapshot snapshot;
  /** Bounded per connection so a backend never runs out of max_prepared_stmt_count. */
  private final BackendStatements statements = new BackendStatements(64);
  /**
   * Backend statements with a client's cursor open on them. Such a statement is neither closed
   * when it falls out of the cache nor executed for another client statement (an execution
   * would close the cursor), until the cursor closes.
   */
  private final java.util.Set<Long> openCursors = new java.util.HashSet<>(4);

  private Channel channel;
  private State state = State.CONNECTING;
  private Capabilities negotiated;
  private byte[] nonce;
  private String authPlugin;
  private boolean awaitingPublicKey;
  private String serverVersion;
  private long serverConnectionId;

  private ResponseTracker tracker;
  private ResponseListener listener;
  private boolean killQuerySent;
  /** See {@link #nextTransactionPending()}. */
  private boolean nextTransactionPending;
  private long lastUsedNanos = System.nanoTime();

  BackendConnection(
      String backendName, BackendCredentials credentials, long wireCapabilities, int characterSet,
      BackendTls tls, Promise<BackendConnection> ready) {
    this.tls = tls;
    this.backendName = backendName;
    this.credentials = credentials;
    this.wireCapabilities = wireCapabilities;
    this.characterSet = characterSet;
    this.ready = ready;
  }

  public String backendName() {
    return backendName;
  }

  public Channel channel() {
    return channel;
  }

  /** Whether this connection negotiated session-state information in OK packets. */
  public boolean tracksSessionState() {
    return negotiated != null && negotiated.tracksSessionState();
  }

  public boolean isMariaDb() {
    return io.sluice.protocol.ServerVersions.isMariaDb(serverVersion);
  }

  public String serverVersion() {
    return serverVersion;
  }

  public long serverConnectionId() {
    return serverConnectionId;
  }

  public Capabilities negotiated() {
    return negotiated;
  }

  /** The session state (schema, charset, variables) this connection currently has. */
  public BackendSessionSnapshot snapshot() {
    return snapshot;
  }

  public void snapshot(BackendSessionSnapshot snapshot) {
    this.snapshot = snapshot;
  }

  public boolean isIdle() {
    return state == State.IDLE && channel.isActive();
  }

  /**
   * Whether a SET TRANSACTION sent for a session's next transaction may still be waiting on
   * this connection: the statement it was for failed (a failed statement does not consume it),
   * so the connection must not serve another session. Cleared when that statement succeeds.
   */
  public boolean nextTransactionPending() {
    return nextTransactionPending;
  }

  public void nextTransactionPending(boolean pending) {
    nextTransactionPending = pending;
  }

  /**
   * A KILL QUERY is on its way to this connection's thread: it must not serve another session,
   * where the KILL could land on that session's statement instead. The pool closes it.
   */
  public void markKillQuerySent() {
    killQuerySent = true;
  }

  public boolean killQuerySent() {
    return killQuerySent;
  }

  public boolean isUsable() {
    return (state == State.IDLE || state == State.BUSY) && channel != null && channel.isActive();
  }

  long lastUsedNanos() {
    return lastUsedNanos;
  }

  /**
   * Sends one command and streams its response to {@code listener}. Takes ownership of
   * {@code command}. Commands without a response (COM_STMT_CLOSE, COM_STMT_SEND_LONG_DATA)
   * complete as soon as they are written.
   */
  public void execute(Packet command, CommandType type, ResponseListener listener) {
    if (state != State.IDLE || !channel.isActive()) {
      ReferenceCountUtil.release(command);
      listener.onFailure(ErrorCodes.backendUnavailable(backendName, "connection is " + state.name().toLowerCase()), false);
      return;
    }
    this.tracker = ResponseTracker.forCommand(type, negotiated);
    this.listener = listener;
    this.lastUsedNanos = System.nanoTime();
    if (!channel.config().isAutoRead()) {
      // The previous response ended while its client could not take more (see
      // ResponseForwarder): a held or parked connection is not re-enabled by a pool release.
      channel.config().setAutoRead(true);
    }
    if (tracker.isComplete()) {
      // No response will come: complete once the bytes are out, so a close never races a reuse.
      channel.writeAndFlush(command).addListener(f -> {
        ResponseListener l = this.listener;
        ResponseTracker t = this.tracker;
        this.listener = null;
        this.tracker = null;
        if (f.isSuccess()) {
          l.onComplete(t);
        } else {
          l.onFailure(ErrorCodes.backendLost(backendName, f.cause()), true);
        }
      });
      return;
    }
    state = State.BUSY;
    // A failed write reaches exceptionCaught (the void promise fires it), which fails the
    // listener: no promise and listener per command.
    channel.writeAndFlush(command, channel.voidPromise());
  }

  /** Forwards a client's LOAD DATA LOCAL file packet; an empty packet ends the file. */
  public void sendLocalInfileData(Packet data) {
    boolean last = data.payload().readableBytes() == 0;
    channel.writeAndFlush(data);
    if (last && tracker != null) {
      tracker.onLocalInfileSent();
    }
  }

  /** Runs a statement of Sluice's own (session sync, init) and completes with its tracker. */
  public Future<ResponseTracker> query(String sql) {
    ByteBuf buf = channel.alloc().buffer();
    new ComQuery(sql).encode(buf);
    return run(new Packet(0, buf), CommandType.COM_QUERY);
  }

  /** Runs a command of Sluice's own, discarding the response packets; completes with its tracker. */
  public Future<ResponseTracker> run(Packet command, CommandType type) {
    Promise<ResponseTracker> done = channel.eventLoop().newPromise();
    execute(command, type, new ResponseListener() {
      @Override
      public void onPacket(Packet packet, ResponseTracker.Outcome outcome) {
        packet.release();
      }

      @Override
      public void onComplete(ResponseTracker tracker) {
        done.setSuccess(tracker);
      }

      @Override
      public void onFailure(SqlError error, boolean sent) {
        done.setFailure(new BackendException(error));
      }
    });
    return done;
  }

  /**
   * Runs a SELECT of Sluice's own and returns its rows as text (null for SQL NULL). Used to
   * read back session variables a client set with an expression.
   */
  public Future<java.util.List<java.util.List<String>>> queryRows(String sql) {
    Promise<java.util.List<java.util.List<String>>> done = channel.eventLoop().newPromise();
    java.util.List<java.util.List<String>> rows = new java.util.ArrayList<>();
    ByteBuf buf = channel.alloc().buffer();
    new ComQuery(sql).encode(buf);
    execute(new Packet(0, buf), CommandType.COM_QUERY, new ResponseListener() {
      private long columns = -1;
      private long definitionsLeft;
      private boolean eofAfterDefinitions = !negotiated.deprecatesEof();

      @Override
      public void onPacket(Packet packet, ResponseTracker.Outcome outcome) {
        try {
          if (outcome == ResponseTracker.Outcome.COMPLETE || packet.firstByte() == ErrPacket.HEADER) {
            return;
          }
          if (columns < 0) {
            columns = io.sluice.protocol.wire.Wire.readIntLenenc(packet.payload().duplicate());
            definitionsLeft = columns;
          } else if (definitionsLeft > 0) {
            definitionsLeft--;
          } else if (eofAfterDefinitions) {
            eofAfterDefinitions = false;
          } else {
            java.util.List<String> row = new java.util.ArrayList<>();
            for (byte[] v : io.sluice.protocol.packet.TextResultRow.decode(packet.payload().duplicate(), (int) columns).values()) {
              row.add(v == null ? null : new String(v, StandardCharsets.UTF_8));
            }
            rows.add(row);
          }
        } finally {
          packet.release();
        }
      }

      @Override
      public void onComplete(ResponseTracker tracker) {
        if (tracker.isError()) {
          done.setFailure(new BackendException(tracker.error().toSqlError()));
        } else {
          done.setSuccess(rows);
        }
      }

      @Override
      public void onFailure(SqlError error, boolean sent) {
        done.setFailure(new BackendException(error));
      }
    });
    return done;
  }

  /**
   * Turns the session-state trackers back on after a client's SET changed them (MariaDB
   * Connector/J sets its own list at connect time): Sluice needs them on every connection.
   */
  public Future<ResponseTracker> restoreSessionTracking() {
    return query(trackingStatement());
  }

  public BackendStatements statements() {
    return statements;
  }

  /**
   * Prepares {@code clientBytes} (the client's SQL, one char per byte: ISO-8859-1) on this
   * connection for Sluice's own use (the client already has its metadata from an earlier
   * prepare) and returns the backend's statement id. The id is cached under {@code key}; the
   * statements that fall out of the cache are closed here.
   */
  public Future<Long> prepare(String key, String clientBytes) {
    Promise<Long> done = channel.eventLoop().newPromise();
    ByteBuf buf = channel.alloc().buffer();
    new io.sluice.protocol.packet.ComStmtPrepare(clientBytes).encode(buf, java.nio.charset.StandardCharsets.ISO_8859_1);
    execute(new Packet(0, buf), CommandType.COM_STMT_PREPARE, new ResponseListener() {
      @Override
      public void onPacket(Packet packet, ResponseTracker.Outcome outcome) {
        packet.release();
      }

      @Override
      public void onComplete(ResponseTracker tracker) {
        if (tracker.isError() || tracker.prepareOk() == null) {
          done.setFailure(new BackendException(tracker.isError()
              ? tracker.error().toSqlError() : ErrorCodes.malformedPacket()));
          return;
        }
        long id = tracker.prepareOk().statementId();
        remember(key, id);
        done.setSuccess(id);
      }

      @Override
      public void onFailure(SqlError error, boolean sent) {
        done.setFailure(new BackendException(error));
      }
    });
    return done;
  }

  /**
   * Records a statement prepared on this connection and closes the ones it displaces, except
   * those with an open cursor: {@link #cursorClosed} closes them.
   */
  public void remember(String key, long id) {
    for (long stale : statements.put(key, id)) {
      if (!openCursors.contains(stale)) {
        closeStatement(stale);
      }
    }
  }

  private void closeStatement(long id) {
    ByteBuf close = channel.alloc().buffer(5);
    new io.sluice.protocol.packet.ComStmtClose(id).encode(close);
    channel.writeAndFlush(new Packet(0, close)); // COM_STMT_CLOSE has no response
  }

  /** A client's cursor is now open on backend statement {@code id}. */
  public void cursorOpened(long id) {
    openCursors.add(id);
  }

  /**
   * The cursor on {@code id} is closed (read to its end, reset, or no longer wanted): the
   * statement serves other executions again, or is closed if the cache let it go meanwhile.
   */
  public void cursorClosed(long id) {
    if (openCursors.remove(id) && !statements.contains(id) && isUsable()) {
      closeStatement(id);
    }
  }

  /**
   * Closes a client's cursor that is still open, by closing its statement: COM_STMT_CLOSE has no
   * answer, so this never waits or finds the connection busy. The statement is prepared again
   * when next needed.
   */
  public void closeCursor(long id) {
    openCursors.remove(id);
    statements.remove(id);
    if (isUsable()) {
      closeStatement(id);
    }
  }

  /** Whether a client's cursor is open on backend statement {@code id}. */
  public boolean hasOpenCursor(long id) {
    return openCursors.contains(id);
  }

  /** Whether any client's cursor is open here: the connection must not go back to the pool. */
  public boolean hasOpenCursor() {
    return !openCursors.isEmpty();
  }

  /** Writes a command that has no response (COM_STMT_SEND_LONG_DATA, COM_STMT_CLOSE). */
  public void sendWithoutResponse(Packet command) {
    channel.writeAndFlush(command);
  }

  /** Lets the frontend pause this backend while the client cannot take more bytes. */
  public void setAutoRead(boolean autoRead) {
    if (channel != null) {
      channel.config().setAutoRead(autoRead);
    }
  }

  /**
   * Abandons the command in flight (its server was found hung or dead): the listener gets a
   * lost-connection error now instead of waiting for TCP to notice.
   */
  public void abort(String reason) {
    abort(ErrorCodes.backendLost(backendName, new java.io.IOException(reason)));
  }

  /** As {@link #abort(String)}, the listener getting {@code error}. */
  public void abort(SqlError error) {
    if (state == State.BUSY) {
      closeWithFailure(error);
    }
  }

  public void close() {
    state = State.CLOSED;
    if (channel != null) {
      channel.close();
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    channel = ctx.channel();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof PacketRun run) {
      onRun(ctx, run);
      return;
    }
    Packet packet = (Packet) msg;
    switch (state) {
      case CONNECTING -> onHandshake(packet);
      case AUTHENTICATING -> onAuthPacket(packet);
      case INITIALIZING, BUSY -> onResponsePacket(packet);
      default -> {
        // A server only speaks when asked; anything else (e.g. an ERR before closing an idle
        // connection on wait_timeout) means this connection is finished.
        packet.release();
        closeWithFailure(ErrorCodes.backendLost(backendName, null));
      }
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (listener != null) {
      listener.onReadComplete();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closeWithFailure(ErrorCodes.backendLost(backendName, null));
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    closeWithFailure(ErrorCodes.backendLost(backendName, cause), cause);
  }

  /** Called by the connector when the TCP connection could not be made. */
  void connectFailed(Throwable cause) {
    state = State.CLOSED;
    ready.tryFailure(BackendException.unreachable(
        ErrorCodes.backendUnavailable(backendName, String.valueOf(cause.getMessage()))));
  }

  private void onHandshake(Packet packet) {
    try {
      if (packet.firstByte() == ErrPacket.HEADER) {
        // e.g. "Too many connections" or "Host is blocked" sent instead of a greeting
        SqlError err = ErrPacket.decode(packet.payload(), Capabilities.of(Capabilities.CLIENT_PROTOCOL_41)).toSqlError();
        state = State.CLOSED;
        ready.tryFailure(new BackendException(err));
        channel.close();
        return;
      }
      HandshakeV10 hs = HandshakeV10.decode(packet.payload());
      serverVersion = hs.serverVersion();
      serverConnectionId = hs.connectionId();
      nonce = hs.authPluginData();
      negotiated = Capabilities.of((BASE_CAPABILITIES | wireCapabilities) & hs.capabilities().value());
      int seq = packet.nextSequenceId();
      if (tls.mode() != BackendTls.Mode.DISABLED) {
        if (hs.capabilities().usesSsl()) {
          // SSLRequest, then TLS, then the real HandshakeResponse41 inside it. SslHandler holds
          // our writes until its handshake is done, so no waiting is needed here.
          negotiated = negotiated.with(Capabilities.CLIENT_SSL);
          SslRequest req = new SslRequest(negotiated, 0xFFFFFF, characterSet);
          send(seq, req::encode);
          channel.pipeline().addFirst("tls", tls.context().newHandler(channel.alloc(), tls.hostFor(channel), tls.portFor(channel)));
          encrypted = true;
          seq = (seq + 1) & 0xFF;
        } else if (tls.mode() == BackendTls.Mode.REQUIRED) {
          throw new BackendException(ErrorCodes.backendUnavailable(backendName,
              "backend-tls is required but the server does not offer TLS"));
        }
      }
      authPlugin = AuthPlugins.byName(hs.authPluginName()).isPresent()
          ? hs.authPluginName()
          : MysqlNativePassword.NAME;
      Map<String, String> attrs = new LinkedHashMap<>();
      attrs.put("_client_name", "sluice");
      attrs.put("program_name", "sluice");
      HandshakeResponse41 response = new HandshakeResponse41(
          negotiated, 0xFFFFFF, characterSet, credentials.user(), scramble(authPlugin, nonce),
          null, authPlugin, attrs);
      state = State.AUTHENTICATING;
      send(seq, buf -> response.encode(buf));
    } catch (BackendException e) {
      state = State.CLOSED;
      ready.tryFailure(e);
      channel.close();
    } catch (RuntimeException e) {
      closeWithFailure(ErrorCodes.backendLost(backendName, e), e);
    } finally {
      packet.release();
    }
  }

  private void onAuthPacket(Packet packet) {
    try {
      int seq = packet.nextSequenceId();
      switch (packet.firstByte()) {
        case 0x00 -> startInitialization();
        case ErrPacket.HEADER -> {
          SqlError err = ErrPacket.decode(packet.payload(), negotiated).toSqlError();
          state = State.CLOSED;
          ready.tryFailure(new BackendException(err));
          channel.close();
        }
        case AuthSwitchRequest.HEADER -> {
          AuthSwitchRequest sw = AuthSwitchRequest.decode(packet.payload());
          authPlugin = sw.pluginName();
          nonce = sw.nonce();
          byte[] answer = scramble(authPlugin, nonce);
          send(seq, buf -> buf.writeBytes(answer));
        }
        case AuthMoreData.HEADER -> onAuthMoreData(AuthMoreData.decode(packet.payload()).data(), seq);
        default -> closeWithFailure(ErrorCodes.backendLost(backendName,
            new IllegalStateException("unexpected packet 0x" + Integer.toHexString(packet.firstByte()) + " during authentication")));
      }
    } catch (RuntimeException e) {
      closeWithFailure(ErrorCodes.backendLost(backendName, e), e);
    } finally {
      packet.release();
    }
  }

  /**
   * caching_sha2_password's second round. 0x03: the server had our hash cached (fast path), an
   * OK follows. 0x04: full authentication; with no TLS to the backend we ask for the server's
   * RSA public key and send the password encrypted with it.
   */
  private void onAuthMoreData(byte[] data, int seq) {
    if (awaitingPublicKey) {
      awaitingPublicKey = false;
      String pem = new String(data, StandardCharsets.US_ASCII);
      byte[] encrypted = CachingSha2Password.rsaEncryptPassword(credentials.passwordBytes(), nonce, pem);
      send(seq, buf -> buf.writeBytes(encrypted));
      return;
    }
    if (data.length == 1 && data[0] == CachingSha2Password.FAST_AUTH_SUCCESS) {
      return; // the OK packet follows
    }
    if (data.length == 1 && data[0] == CachingSha2Password.PERFORM_FULL_AUTHENTICATION && encrypted) {
      // Over TLS the password itself is sent, NUL-terminated.
      byte[] pw = credentials.passwordBytes();
      send(seq, buf -> buf.writeBytes(pw).writeByte(0));
      return;
    }
    if (data.length == 1 && data[0] == CachingSha2Password.PERFORM_FULL_AUTHENTICATION) {
      awaitingPublicKey = true;
      send(seq, buf -> buf.writeByte(CachingSha2Password.REQUEST_PUBLIC_KEY));
      return;
    }
    closeWithFailure(ErrorCodes.backendLost(backendName, new IllegalStateException("unexpected AuthMoreData")));
  }

  /**
   * Turns on the server's session-state trackers, so every OK packet tells Sluice what a
   * statement changed (variables, schema, transaction state, the GTID it wrote). Sluice reads
   * the server's own account of session state instead of guessing it from SQL text.
   */
  private void startInitialization() {
    state = State.INITIALIZING;
    if (!negotiated.tracksSessionState()) {
      becomeReady();
      return;
    }
    state = State.IDLE;
    query(trackingStatement()).addListener(f -> {
      if (f.isSuccess() && !((ResponseTracker) f.getNow()).isError()) {
        becomeReady();
      } else if (f.isSuccess()) {
        SqlError err = ((ResponseTracker) f.getNow()).error().toSqlError();
        close();
        ready.tryFailure(new BackendException(err));
      } else {
        close();
        ready.tryFailure(f.cause());
      }
    });
  }

  private String trackingStatement() {
    return isMariaDb()
        ? "SET SESSION session_track_schema=1, session_track_state_change=1,"
            + " session_track_system_variables='*', session_track_transaction_info='CHARACTERISTICS'"
        : serverVersion.startsWith("5.")
            ? "SET SESSION session_track_schema=1, session_track_state_change=1, session_track_gtids='OWN_GTID',"
                + " session_track_transaction_info='CHARACTERISTICS'"
            : "SET SESSION session_track_schema=1, session_track_state_change=1, session_track_gtids='OWN_GTID',"
                + " session_track_system_variables='*', session_track_transaction_info='CHARACTERISTICS'";
  }

  private void becomeReady() {
    state = State.IDLE;
    snapshot = BackendSessionSnapshot.fresh(null, Collations.charsetSetting(characterSet));
    lastUsedNanos = System.nanoTime();
    ready.trySuccess(this);
  }

  /**
   * A run of small whole packets (most of a response, often all of it). While a response is
   * expected the tracker looks at each packet in place and the listener gets the run in
   * pieces: up to each packet that completes the response or asks for a file, and the rest.
   * Otherwise (logging in, or packets after the response) each is handled as a packet.
   */
  private void onRun(ChannelHandlerContext ctx, PacketRun run) {
    try {
      int end = run.end();
      int from = run.start();
      int frame = from;
      while (frame < end) {
        if ((state != State.BUSY && state != State.INITIALIZING) || tracker == null) {
          channelRead(ctx, run.packet(frame));
          from = frame = run.next(frame);
          continue;
        }
        int last = frame;
        ResponseTracker.Outcome outcome = tracker.onFrame(run, frame);
        frame = run.next(frame);
        if (outcome == ResponseTracker.Outcome.CONTINUE && frame < end) {
          continue;
        }
        ResponseListener l = listener;
        if (outcome == ResponseTracker.Outcome.COMPLETE) {
          ResponseTracker t = completeResponse();
          l.onFrames(run, from, last, outcome);
          l.onComplete(t);
        } else {
          l.onFrames(run, from, last, outcome);
        }
        from = frame;
      }
    } finally {
      run.release();
    }
  }

  private void onResponsePacket(Packet packet) {
    ResponseTracker.Outcome outcome = tracker.onPacket(packet);
    ResponseListener l = listener;
    if (outcome == ResponseTracker.Outcome.COMPLETE) {
      ResponseTracker t = completeResponse();
      l.onPacket(packet, outcome);
      l.onComplete(t);
    } else {
      l.onPacket(packet, outcome);
    }
  }

  /** The response is complete: the connection is idle again. Returns the finished tracker. */
  private ResponseTracker completeResponse() {
    ResponseTracker t = tracker;
    tracker = null;
    listener = null;
    state = State.IDLE;
    lastUsedNanos = System.nanoTime();
    return t;
  }

  private void closeWithFailure(SqlError error) {
    closeWithFailure(error, null);
  }

  private void closeWithFailure(SqlError error, Throwable cause) {
    if (cause instanceof java.io.IOException) {
      log.debug("backend {}: connection failed in state {}", backendName, state, cause);
    } else if (cause != null) {
      // Not the network: a bug or a resource limit (out of direct memory) worth an operator's eye.
      log.warn("backend {}: connection failed in state {}", backendName, state, cause);
    }
    State was = state;
    boolean wasConnecting = was == State.CONNECTING || was == State.AUTHENTICATING || was == State.INITIALIZING;
    ResponseListener l = listener;
    listener = null;
    tracker = null;
    state = State.CLOSED;
    if (channel != null) {
      channel.close();
    }
    if (wasConnecting) {
      // Nothing of a client's was sent on a connection still logging in: "unavailable" tells
      // the client it may run its statement again, which "lost during query" would not.
      String detail = cause == null ? "closed by the server" : cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
      ready.tryFailure(new BackendException(ErrorCodes.backendUnavailable(backendName,
          "the connection failed while " + (was == State.INITIALIZING ? "setting it up" : "logging in") + " (" + detail + ")")));
    }
    if (l != null) {
      l.onFailure(error, true);
    }
  }

  private byte[] scramble(String plugin, byte[] nonce) {
    AuthPlugin p = AuthPlugins.byName(plugin).orElseThrow(() -> new BackendException(
        ErrorCodes.backendUnavailable(backendName, "server asks for unsupported auth plugin " + plugin)));
    return p.scramble(credentials.passwordBytes(), nonce);
  }

  private void send(int sequenceId, java.util.function.Consumer<ByteBuf> body) {
    ByteBuf buf = channel.alloc().buffer();
    body.accept(buf);
    channel.writeAndFlush(new Packet(sequenceId, buf));
  }

  @Override
  public String toString() {
    return "BackendConnection[" + backendName + " #" + serverConnectionId + " " + state + "]";
  }
}
