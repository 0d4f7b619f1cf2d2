package io.sluice.server.it;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.Capabilities;
import io.sluice.protocol.CommandType;
import io.sluice.protocol.auth.AuthPlugins;
import io.sluice.protocol.auth.CachingSha2Password;
import io.sluice.protocol.packet.AuthMoreData;
import io.sluice.protocol.packet.AuthSwitchRequest;
import io.sluice.protocol.packet.ErrPacket;
import io.sluice.protocol.packet.HandshakeResponse41;
import io.sluice.protocol.packet.HandshakeV10;
import io.sluice.protocol.response.ResponseTracker;
import io.sluice.protocol.wire.Packet;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A minimal blocking MySQL client for commands no JDBC driver exposes (COM_FIELD_LIST,
 * COM_STATISTICS, COM_SET_OPTION, ...), so the same bytes can be sent to a server directly and
 * through Sluice and the answers compared. Logs in without TLS; caching_sha2_password full
 * authentication uses the server's RSA key, as a driver with allowPublicKeyRetrieval does.
 */
final class RawClient implements AutoCloseable {
  static final long CAPABILITIES = Capabilities.CLIENT_LONG_PASSWORD | Capabilities.CLIENT_PROTOCOL_41
      | Capabilities.CLIENT_SECURE_CONNECTION | Capabilities.CLIENT_PLUGIN_AUTH
      | Capabilities.CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA | Capabilities.CLIENT_TRANSACTIONS
      | Capabilities.CLIENT_MULTI_RESULTS | Capabilities.CLIENT_CONNECT_WITH_DB | Capabilities.CLIENT_DEPRECATE_EOF;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  final Capabilities negotiated;

  RawClient(int port, String user, String password, String database) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(10_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
    Packet greeting = read();
    HandshakeV10 hs = HandshakeV10.decode(greeting.payload());
    greeting.release();
    negotiated = Capabilities.of(CAPABILITIES & hs.capabilities().value());
    byte[] pw = password.getBytes(StandardCharsets.UTF_8);
    byte[] nonce = hs.authPluginData();
    String firstPlugin = hs.authPluginName();
    String plugin = firstPlugin;
    byte[] answer = AuthPlugins.byName(plugin).orElseThrow().scramble(pw, nonce);
    int seq = 1;
    write(seq, buf -> new HandshakeResponse41(negotiated, 1 << 24, 45, user, answer, database, firstPlugin, Map.of())
        .encode(buf));
    while (true) {
      Packet p = read();
      seq = p.nextSequenceId();
      try {
        int first = p.firstByte();
        if (first == 0x00) {
          return;
        }
        if (first == ErrPacket.HEADER) {
          throw new IOException("login failed: " + ErrPacket.decode(p.payload(), negotiated));
        }
        if (first == AuthSwitchRequest.HEADER) {
          AuthSwitchRequest sw = AuthSwitchRequest.decode(p.payload());
          plugin = sw.pluginName();
          nonce = sw.nonce();
          byte[] again = AuthPlugins.byName(plugin).orElseThrow().scramble(pw, nonce);
          write(seq, buf -> buf.writeBytes(again));
        } else if (first == AuthMoreData.HEADER) {
          byte[] data = AuthMoreData.decode(p.payload()).data();
          if (data.length == 1 && data[0] == CachingSha2Password.PERFORM_FULL_AUTHENTICATION) {
            write(seq, buf -> buf.writeByte(CachingSha2Password.REQUEST_PUBLIC_KEY));
          } else if (data.length > 1) {
            byte[] n = nonce;
            byte[] enc = CachingSha2Password.rsaEncryptPassword(pw, n, new String(data, StandardCharsets.US_ASCII));
            write(seq, buf -> buf.writeBytes(enc));
          }
        }
      } finally {
        p.release();
      }
    }
  }

  /** Sends one command and returns the payloads of the complete response. */
  List<byte[]> command(CommandType type, Consumer<ByteBuf> body) throws IOException {
    write(0, body);
    ResponseTracker tracker = ResponseTracker.forCommand(type, negotiated);
    List<byte[]> response = new ArrayList<>();
    while (!tracker.isComplete()) {
      Packet p = read();
      try {
        tracker.onPacket(p);
        byte[] bytes = new byte[p.payload().readableBytes()];
        p.payload().getBytes(p.payload().readerIndex(), bytes);
        response.add(bytes);
      } finally {
        p.release();
      }
    }
    return response;
  }

  /** Sends a command without reading its answer (the caller reads it with {@link #readUntilComplete}). */
  void send(Consumer<ByteBuf> body) throws IOException {
    write(0, body);
  }

  /** Reads a response to the end, keeping only the tracker's counts; returns the tracker. */
  ResponseTracker readUntilComplete(CommandType type) throws IOException {
    ResponseTracker tracker = ResponseTracker.forCommand(type, negotiated);
    while (!tracker.isComplete()) {
      Packet p = read();
      try {
        tracker.onPacket(p);
      } finally {
        p.release();
      }
    }
    return tracker;
  }

  /** Sends raw bytes as a command and returns the first packet of the answer. */
  byte[] rawCommand(byte... payload) throws IOException {
    write(0, buf -> buf.writeBytes(payload));
    Packet p = read();
    try {
      byte[] bytes = new byte[p.payload().readableBytes()];
      p.payload().getBytes(p.payload().readerIndex(), bytes);
      return bytes;
    } finally {
      p.release();
    }
  }

  /** Writes several commands in one send, as a client that does not wait between them (COM_STMT_CLOSE has no answer). */
  void sendTogether(List<Consumer<ByteBuf>> bodies) throws IOException {
    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
    for (Consumer<ByteBuf> body : bodies) {
      io.sluice.protocol.wire.BlockingFrames.write(all, 0, body);
    }
    out.write(all.toByteArray());
    out.flush();
  }

  private void write(int seq, Consumer<ByteBuf> body) throws IOException {
    io.sluice.protocol.wire.BlockingFrames.write(out, seq, body);
  }

  private Packet read() throws IOException {
    return io.sluice.protocol.wire.BlockingFrames.read(in);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
