package io.sluice.server.admin;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.sluice.protocol.Capabilities;
import io.sluice.protocol.CommandType;
import io.sluice.protocol.ServerStatus;
import io.sluice.protocol.error.ErrorCodes;
import io.sluice.protocol.error.ProtocolException;
import io.sluice.protocol.error.SqlError;
import io.sluice.protocol.packet.ColumnCount;
import io.sluice.protocol.packet.ColumnDefinition41;
import io.sluice.protocol.packet.ColumnType;
import io.sluice.protocol.packet.ComQuery;
import io.sluice.protocol.packet.EofPacket;
import io.sluice.protocol.packet.HandshakeResponse41;
import io.sluice.protocol.packet.HandshakeV10;
import io.sluice.protocol.packet.OkPacket;
import io.sluice.protocol.packet.TextResultRow;
import io.sluice.protocol.wire.Packet;
import io.sluice.server.config.ProxyConfig;
import io.sluice.server.frontend.AuthCache;
import io.sluice.server.frontend.FrontendAuthenticator;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to the admin port: a MySQL login with the admin account
 * (mysql_native_password, which every client speaks without TLS), then admin statements as
 * COM_QUERY, answered with text result sets or OK/ERR. Runs on its channel's event loop.
 */
final class AdminSession extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(AdminSession.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final long CAPABILITIES = Capabilities.CLIENT_LONG_PASSWORD | Capabilities.CLIENT_PROTOCOL_41
      | Capabilities.CLIENT_SECURE_CONNECTION | Capabilities.CLIENT_PLUGIN_AUTH
      | Capabilities.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA | Capabilities.CLIENT_TRANSACTIONS
      | Capabilities.CLIENT_CONNECT_WITH_DB | Capabilities.CLIENT_MULTI_RESULTS | Capabilities.CLIENT_DEPRECATE_EOF
      | Capabilities.CLIENT_LONG_FLAG | Capabilities.CLIENT_CONNECT_ATTRS | Capabilities.CLIENT_INTERACTIVE;
  private static final int UTF8MB4_GENERAL_CI = 45;

  private enum State { GREETED, AUTHENTICATING, READY, CLOSED }

  private final ProxyConfig.AdminConfig admin;
  private final AdminCommands commands;
  private final java.util.concurrent.Executor commandThread;
  private final long connectionId;
  private final byte[] nonce = new byte[20];
  private ChannelHandlerContext ctx;
  private State state = State.GREETED;
  private Capabilities capabilities = Capabilities.of(Capabilities.CLIENT_PROTOCOL_41);
  private FrontendAuthenticator authenticator;
  private int nextSequenceId;

  AdminSession(ProxyConfig.AdminConfig admin, AdminCommands commands, java.util.concurrent.Executor commandThread,
      long connectionId) {
    this.admin = admin;
    this.commandThread = commandThread;
    this.commands = commands;
    this.connectionId = connectionId;
    for (int i = 0; i < nonce.length; i++) {
      nonce[i] = (byte) (0x21 + RANDOM.nextInt(0x7e - 0x21));
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    HandshakeV10 greeting = new HandshakeV10("8.0.31-sluice-admin", connectionId, nonce, Capabilities.of(CAPABILITIES),
        UTF8MB4_GENERAL_CI, ServerStatus.SERVER_STATUS_AUTOCOMMIT, "mysql_native_password");
    send(greeting::encode);
    ctx.flush();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Packet packet = (Packet) msg;
    try {
      nextSequenceId = packet.nextSequenceId();
      switch (state) {
        case GREETED -> onHandshakeResponse(packet);
        case AUTHENTICATING -> {
          byte[] answer = new byte[packet.payload().readableBytes()];
          packet.payload().readBytes(answer);
          authenticator.onAnswer(answer);
        }
        case READY -> onCommand(packet);
        case CLOSED -> {}
      }
    } catch (ProtocolException e) {
      fatal(e.error());
    } catch (RuntimeException e) {
      // Malformed input is a ProtocolException (above); anything else is the proxy's own fault.
      log.warn("admin session {}: unexpected failure", connectionId, e);
      fatal(ErrorCodes.unknownError("Sluice: internal error (" + e.getClass().getSimpleName() + "); see the proxy's log"));
    } finally {
      ReferenceCountUtil.release(packet);
    }
  }

  private void onHandshakeResponse(Packet packet) {
    HandshakeResponse41 r = HandshakeResponse41.decodeFromClient(packet.payload());
    capabilities = Capabilities.of(r.capabilities().value() & CAPABILITIES);
    if (!r.capabilities().protocol41()) {
      fatal(ErrorCodes.handshakeError());
      return;
    }
    if (!admin.user().equals(r.username())) {
      fatal(ErrorCodes.accessDenied(r.username(), host(), r.authResponse().length > 0));
      return;
    }
    state = State.AUTHENTICATING;
    ProxyConfig.UserConfig account = new ProxyConfig.UserConfig(admin.user(), admin.password(), "mysql_native_password", 0);
    authenticator = new FrontendAuthenticator(account, "mysql_native_password", host(), nonce, false, new AuthCache(),
        null, null, new FrontendAuthenticator.Outcome() {
          @Override
          public void send(Consumer<ByteBuf> body) {
            AdminSession.this.send(body);
            ctx.flush();
          }

          @Override
          public void succeeded() {
            state = State.READY;
            sendOk(0, "");
          }

          @Override
          public void denied(SqlError error) {
            fatal(error);
          }
        });
    authenticator.start(r.authPluginName(), r.authResponse());
  }

  private void onCommand(Packet packet) {
    CommandType type = CommandType.fromCode(packet.firstByte());
    if (type == null) {
      sendError(ErrorCodes.unknownCommand());
      return;
    }
    switch (type) {
      case COM_QUERY -> {
        // Off the event loop: a switchover waits on servers for seconds.
        String sql = ComQuery.decode(packet.payload()).query();
        commandThread.execute(() -> {
          AdminResult result;
          try {
            result = commands.run(sql);
          } catch (RuntimeException e) {
            // Never leave the client waiting for an answer that will not come.
            log.error("admin statement failed: {}", sql, e);
            result = AdminResult.error("the statement failed: " + e);
          }
          AdminResult answer = result;
          if (AdminCommands.changesSomething(sql)) {
            audit(sql, answer);
          }
          ctx.executor().execute(() -> answer(answer));
        });
      }
      case COM_PING, COM_INIT_DB -> sendOk(0, "");
      case COM_QUIT -> {
        state = State.CLOSED;
        ctx.close();
      }
      default -> sendError(ErrorCodes.unknownCommand());
    }
  }

  private void answer(AdminResult result) {
    if (result instanceof AdminResult.Ok ok) {
      sendOk(ok.affectedRows(), ok.info());
    } else if (result instanceof AdminResult.Error e) {
      sendError(e.error());
    } else if (result instanceof AdminResult.Table t) {
      sendTable(t);
    }
  }

  private void sendTable(AdminResult.Table t) {
    send(buf -> ColumnCount.of(t.columns().size()).encode(buf, capabilities));
    for (String column : t.columns()) {
      send(buf -> new ColumnDefinition41("def", "", "", "", column, column, UTF8MB4_GENERAL_CI, 1024,
          ColumnType.MYSQL_TYPE_VAR_STRING.code(), 0, 0).encode(buf));
    }
    if (!capabilities.deprecatesEof()) {
      send(buf -> new EofPacket(0, ServerStatus.SERVER_STATUS_AUTOCOMMIT).encode(buf, capabilities));
    }
    for (List<String> row : t.rows()) {
      List<byte[]> values = new ArrayList<>(row.size());
      for (String v : row) {
        values.add(v == null ? null : v.getBytes(StandardCharsets.UTF_8));
      }
      send(buf -> new TextResultRow(values).encode(buf));
    }
    if (capabilities.deprecatesEof()) {
      send(buf -> new OkPacket(0xFE, 0, 0, ServerStatus.SERVER_STATUS_AUTOCOMMIT, 0, "", List.of())
          .encode(buf, capabilities));
    } else {
      send(buf -> new EofPacket(0, ServerStatus.SERVER_STATUS_AUTOCOMMIT).encode(buf, capabilities));
    }
    ctx.flush();
  }

  private void send(Consumer<ByteBuf> body) {
    ByteBuf buf = ctx.alloc().buffer();
    body.accept(buf);
    ctx.write(new Packet(nextSequenceId, buf));
    nextSequenceId = (nextSequenceId + 1) & 0xFF;
  }

  private void sendOk(long affected, String info) {
    send(buf -> new OkPacket(0x00, affected, 0, ServerStatus.SERVER_STATUS_AUTOCOMMIT, 0, info, List.of())
        .encode(buf, capabilities));
    ctx.flush();
  }

  private void sendError(SqlError error) {
    send(buf -> error.toErrPacket().encode(buf, capabilities));
    ctx.flush();
  }

  private void fatal(SqlError error) {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    sendError(error);
    ctx.close();
  }

  /** Who changed what, and how it went: the trail an operator reads after an incident. */
  private void audit(String sql, AdminResult result) {
    String who = admin.user() + "@" + host();
    if (result instanceof AdminResult.Error e) {
      log.warn("admin {}: {} refused: {}", who, sql.strip(), e.error().message());
    } else if (result instanceof AdminResult.Ok ok && !ok.info().isEmpty()) {
      log.info("admin {}: {}: {}", who, sql.strip(), ok.info());
    } else {
      log.info("admin {}: {}", who, sql.strip());
    }
  }

  private String host() {
    return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : "localhost";
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("admin session {}: {}", connectionId, cause.toString());
    ctx.close();
  }
}
