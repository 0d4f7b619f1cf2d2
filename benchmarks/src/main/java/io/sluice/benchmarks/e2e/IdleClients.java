package io.sluice.benchmarks.e2e;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.protocol.Capabilities;
import io.sluice.protocol.auth.AuthPlugin;
import io.sluice.protocol.auth.AuthPlugins;
import io.sluice.protocol.auth.CachingSha2Password;
import io.sluice.protocol.packet.AuthMoreData;
import io.sluice.protocol.packet.AuthSwitchRequest;
import io.sluice.protocol.packet.ErrPacket;
import io.sluice.protocol.packet.HandshakeResponse41;
import io.sluice.protocol.packet.HandshakeV10;
import io.sluice.protocol.packet.OkPacket;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Opens N client connections to a MySQL endpoint, logs each one in (so each is a real idle
 * session, not a half-open socket in the handshake), and holds them until a line arrives on
 * stdin or the hold time ends. Then it pings every 100th connection to show the idle sessions are still
 * served, and closes them all.
 *
 * <p>Blocking sockets with no thread per connection: 10,000 sessions cost this JVM a few MB,
 * so the memory reported is the proxy's. Prints "ready N" on stdout once all are logged in.
 *
 * <pre>java -cp benchmarks.jar io.sluice.benchmarks.e2e.IdleClients HOST PORT USER PASSWORD COUNT HOLD_SECONDS</pre>
 */
public final class IdleClients {
  private static final long CAPABILITIES = Capabilities.CLIENT_PROTOCOL_41 | Capabilities.CLIENT_SECURE_CONNECTION
      | Capabilities.CLIENT_PLUGIN_AUTH | Capabilities.CLIENT_TRANSACTIONS | Capabilities.CLIENT_LONG_PASSWORD
      | Capabilities.CLIENT_DEPRECATE_EOF;
  private static final int UTF8MB4_GENERAL_CI = 45;
  private static final byte COM_PING = 0x0E;

  private IdleClients() {
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 6) {
      System.err.println("usage: IdleClients HOST PORT USER PASSWORD COUNT HOLD_SECONDS");
      System.exit(2);
    }
    InetSocketAddress address = new InetSocketAddress(args[0], Integer.parseInt(args[1]));
    String user = args[2];
    byte[] password = args[3].getBytes(StandardCharsets.UTF_8);
    int count = Integer.parseInt(args[4]);
    long holdMillis = Long.parseLong(args[5]) * 1000;

    List<Socket> sockets = new ArrayList<>(count);
    long start = System.nanoTime();
    try {
      for (int i = 0; i < count; i++) {
        sockets.add(login(address, user, password));
      }
      System.out.printf("ready %d (logged in in %.1f s)%n", count, (System.nanoTime() - start) / 1e9);
      System.out.flush();
      waitForStdinCloseOrTimeout(holdMillis);
      int pinged = 0;
      for (int i = 0; i < sockets.size(); i += 100) {
        ping(sockets.get(i));
        pinged++;
      }
      System.out.println("pinged " + pinged + " of the idle connections: all answered OK");
    } finally {
      for (Socket socket : sockets) {
        socket.close();
      }
    }
  }

  private static Socket login(InetSocketAddress address, String user, byte[] password) throws IOException {
    Socket socket = new Socket();
    try {
      socket.connect(address, 10_000);
      socket.setSoTimeout(30_000);
      Frame greetingFrame = read(socket);
      HandshakeV10 greeting = HandshakeV10.decode(greetingFrame.payload());
      String pluginName = greeting.authPluginName();
      byte[] nonce = greeting.authPluginData();
      HandshakeResponse41 response = new HandshakeResponse41(Capabilities.of(CAPABILITIES), 16 * 1024 * 1024,
          UTF8MB4_GENERAL_CI, user, plugin(pluginName).scramble(password, nonce), null, pluginName, Map.of());
      write(socket, greetingFrame.sequenceId() + 1, response::encode);
      while (true) {
        Frame reply = read(socket);
        ByteBuf payload = reply.payload();
        int first = payload.getUnsignedByte(payload.readerIndex());
        int next = reply.sequenceId() + 1;
        if (first == OkPacket.HEADER) {
          return socket;
        }
        if (first == ErrPacket.HEADER) {
          throw new IOException("login refused: " + ErrPacket.decode(payload, Capabilities.of(CAPABILITIES)));
        }
        if (first == AuthSwitchRequest.HEADER) {
          AuthSwitchRequest request = AuthSwitchRequest.decode(payload);
          pluginName = request.pluginName();
          nonce = AuthPlugins.nonce(request.pluginData());
          byte[] scramble = plugin(pluginName).scramble(password, nonce);
          write(socket, next, out -> out.writeBytes(scramble));
          continue;
        }
        if (first != AuthMoreData.HEADER) {
          throw new IOException(String.format("unexpected packet 0x%02x during login", first));
        }
        byte[] data = AuthMoreData.decode(payload).data();
        if (data.length == 1 && data[0] == CachingSha2Password.PERFORM_FULL_AUTHENTICATION) {
          // caching_sha2 full authentication without TLS: ask for the RSA key, send the
          // password encrypted with it (what libmysqlclient does with get-server-public-key).
          write(socket, next, out -> out.writeByte(CachingSha2Password.REQUEST_PUBLIC_KEY));
        } else if (data.length > 1) {
          String pem = new String(data, StandardCharsets.US_ASCII);
          byte[] encrypted = CachingSha2Password.rsaEncryptPassword(password, nonce, pem);
          write(socket, next, out -> out.writeBytes(encrypted));
        }
        // else 0x03, fast authentication success: the OK follows.
      }
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  private static AuthPlugin plugin(String name) {
    return AuthPlugins.byName(name).orElseThrow(() -> new IllegalStateException("unknown auth plugin " + name));
  }

  private static void ping(Socket socket) throws IOException {
    write(socket, 0, out -> out.writeByte(COM_PING));
    ByteBuf reply = read(socket).payload();
    if (reply.getUnsignedByte(reply.readerIndex()) != OkPacket.HEADER) {
      throw new IOException("COM_PING on an idle connection did not answer OK");
    }
  }

  private record Frame(int sequenceId, ByteBuf payload) {
  }

  /** One frame: login packets and OKs are far below 16 MiB. */
  private static void write(Socket socket, int sequenceId, Consumer<ByteBuf> body) throws IOException {
    ByteBuf payload = Unpooled.buffer();
    body.accept(payload);
    int length = payload.readableBytes();
    byte[] frame = new byte[4 + length];
    frame[0] = (byte) length;
    frame[1] = (byte) (length >>> 8);
    frame[2] = (byte) (length >>> 16);
    frame[3] = (byte) sequenceId;
    payload.readBytes(frame, 4, length);
    OutputStream out = socket.getOutputStream();
    out.write(frame);
    out.flush();
  }

  private static Frame read(Socket socket) throws IOException {
    DataInputStream in = new DataInputStream(socket.getInputStream());
    byte[] header = new byte[4];
    in.readFully(header);
    int length = (header[0] & 0xFF) | (header[1] & 0xFF) << 8 | (header[2] & 0xFF) << 16;
    byte[] payload = new byte[length];
    in.readFully(payload);
    return new Frame(header[3] & 0xFF, Unpooled.wrappedBuffer(payload));
  }

  private static void waitForStdinCloseOrTimeout(long holdMillis) throws IOException, InterruptedException {
    InputStream stdin = System.in;
    long deadline = System.currentTimeMillis() + holdMillis;
    while (System.currentTimeMillis() < deadline) {
      if (stdin.available() > 0) {
        return; // any line on stdin: the script has measured what it needed
      }
      Thread.sleep(200);
    }
  }
}
