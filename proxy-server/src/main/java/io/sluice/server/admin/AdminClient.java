package io.sluice.server.admin;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.Capabilities;
import io.sluice.protocol.auth.MysqlNativePassword;
import io.sluice.protocol.packet.ColumnDefinition41;
import io.sluice.protocol.packet.ComQuery;
import io.sluice.protocol.packet.ErrPacket;
import io.sluice.protocol.packet.HandshakeResponse41;
import io.sluice.protocol.packet.HandshakeV10;
import io.sluice.protocol.packet.OkPacket;
import io.sluice.protocol.packet.TextResultRow;
import io.sluice.protocol.wire.BlockingFrames;
import io.sluice.protocol.wire.Wire;
import io.sluice.protocol.error.SqlError;
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
 * A small blocking client for the admin port, used by {@code sluice admin} and
 * {@code sluice switchover} so operators need no MySQL client installed. It speaks only what
 * the admin port speaks: a mysql_native_password login and text queries.
 */
public final class AdminClient implements AutoCloseable {
  private static final long CAPABILITIES = Capabilities.CLIENT_LONG_PASSWORD | Capabilities.CLIENT_PROTOCOL_41
      | Capabilities.CLIENT_SECURE_CONNECTION | Capabilities.CLIENT_PLUGIN_AUTH | Capabilities.CLIENT_TRANSACTIONS
      | Capabilities.CLIENT_DEPRECATE_EOF;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private Capabilities caps;

  public AdminClient(String host, int port, String user, String password) throws IOException {
    socket = new Socket();
    socket.connect(new InetSocketAddress(host, port), 5000);
    socket.setSoTimeout(120_000); // a switchover may wait for a replica to catch up
    in = socket.getInputStream();
    out = socket.getOutputStream();
    HandshakeV10 hs = HandshakeV10.decode(read());
    caps = Capabilities.of(CAPABILITIES & hs.capabilities().value());
    byte[] answer = MysqlNativePassword.scramblePassword(password.getBytes(StandardCharsets.UTF_8), hs.authPluginData());
    write(1, b -> new HandshakeResponse41(caps, 1 << 24, 45, user, answer, null, "mysql_native_password", Map.of())
        .encode(b));
    ByteBuf reply = read();
    if (reply.getUnsignedByte(0) == 0xFF) {
      throw new IOException(ErrPacket.decode(reply, caps).message());
    }
  }

  /** Runs one admin statement; throws AdminException with the server's error. */
  public AdminResult query(String sql) throws IOException {
    write(0, b -> new ComQuery(sql).encode(b));
    ByteBuf first = read();
    int header = first.getUnsignedByte(0);
    if (header == 0xFF) {
      ErrPacket e = ErrPacket.decode(first, caps);
      return new AdminResult.Error(new SqlError(e.errorCode(), e.sqlState(), e.message()));
    }
    if (header == 0x00) {
      OkPacket ok = OkPacket.decode(first, caps);
      return new AdminResult.Ok(ok.affectedRows(), ok.info());
    }
    int columns = (int) Wire.readIntLenenc(first);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < columns; i++) {
      names.add(ColumnDefinition41.decode(read()).name());
    }
    List<List<String>> rows = new ArrayList<>();
    while (true) {
      ByteBuf p = read();
      if (p.getUnsignedByte(0) == 0xFE && p.readableBytes() < 0xFFFFFF) {
        break; // the OK that ends the rows (DEPRECATE_EOF)
      }
      List<String> row = new ArrayList<>();
      for (byte[] v : TextResultRow.decode(p, columns).values()) {
        row.add(v == null ? null : new String(v, StandardCharsets.UTF_8));
      }
      rows.add(row);
    }
    return new AdminResult.Table(names, rows);
  }

  private ByteBuf read() throws IOException {
    return BlockingFrames.read(in).payload();
  }

  private void write(int sequenceId, Consumer<ByteBuf> body) throws IOException {
    BlockingFrames.write(out, sequenceId, body);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
