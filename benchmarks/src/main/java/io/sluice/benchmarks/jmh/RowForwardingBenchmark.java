package io.sluice.benchmarks.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.protocol.Capabilities;
import io.sluice.protocol.CommandType;
import io.sluice.protocol.codec.PacketDecoder;
import io.sluice.protocol.codec.PacketEncoder;
import io.sluice.protocol.response.ResponseTracker;
import io.sluice.protocol.wire.Packet;
import io.sluice.protocol.wire.PacketRun;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the proxy does with each backend packet of a result set: decode the frame, let the
 * ResponseTracker look at it, encode it for the client, release it. The rows are sysbench's
 * sbtest rows (id, k, c CHAR(120), pad CHAR(60): about 200 bytes as text), the connection
 * negotiated CLIENT_DEPRECATE_EOF as Connector/J and libmysqlclient do.
 */
// Event-loop threads get a pooled-allocator thread cache; JMH's threads are plain threads, which
// by default do not and would measure the arena's lock instead of the proxy's path.
@Fork(jvmArgsAppend = "-Dio.netty.allocator.useCacheForAllThreads=true")
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RowForwardingBenchmark {
  static final int ROWS = 1000;
  /** Bytes per backend read: a response arrives in socket reads of at most this much (Netty's largest guess). */
  private static final int READ = 64 * 1024;
  private static final int COLUMNS = 4;
  private static final Capabilities NEGOTIATED = Capabilities.of(Capabilities.CLIENT_PROTOCOL_41
      | Capabilities.CLIENT_TRANSACTIONS | Capabilities.CLIENT_SECURE_CONNECTION | Capabilities.CLIENT_PLUGIN_AUTH
      | Capabilities.CLIENT_MULTI_RESULTS | Capabilities.CLIENT_DEPRECATE_EOF);

  private ByteBuf bigResult;
  private ByteBuf pointSelectResult;
  private EmbeddedChannel fromBackend;
  private EmbeddedChannel runsFromBackend;
  private EmbeddedChannel toClient;

  @Setup(Level.Trial)
  public void setUp() {
    bigResult = resultSet(ROWS, COLUMNS);
    pointSelectResult = resultSet(1, 1);
    fromBackend = WireBytes.pooledChannel();
    fromBackend.pipeline().addLast(new PacketDecoder(64 * 1024 * 1024));
    runsFromBackend = WireBytes.pooledChannel();
    runsFromBackend.pipeline().addLast(PacketDecoder.withRuns(64 * 1024 * 1024));
    toClient = WireBytes.pooledChannel();
    toClient.pipeline().addLast(new PacketEncoder());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    fromBackend.finishAndReleaseAll();
    runsFromBackend.finishAndReleaseAll();
    toClient.finishAndReleaseAll();
    bigResult.release();
    pointSelectResult.release();
  }

  /** Per row of a 1,000-row result (the column count, definitions and final OK are amortised). */
  @Benchmark
  @OperationsPerInvocation(ROWS)
  public long forwardRows() {
    return forward(bigResult);
  }

  /** One whole point-select response: column count, one definition, one row, OK. */
  @Benchmark
  public long forwardPointSelectResponse() {
    return forward(pointSelectResult);
  }

  /** As {@link #forwardRows}, the way the proxy does it: small packets as runs, copied into the client's batch. */
  @Benchmark
  @OperationsPerInvocation(ROWS)
  public long forwardRowsAsRuns() {
    return forwardRuns(bigResult);
  }

  /** As {@link #forwardPointSelectResponse}, the way the proxy does it: one run, written as a slice of it. */
  @Benchmark
  public long forwardPointSelectResponseAsRun() {
    return forwardRuns(pointSelectResult);
  }

  /**
   * What the session does with runs (ClientSession.forwardFrames, ForwardBatch): the tracker looks
   * at each packet in place; a run that ends the response with nothing batched before it is
   * written as a slice, others are copied into one batch buffer.
   */
  private long forwardRuns(ByteBuf response) {
    receive(runsFromBackend, response);
    ResponseTracker tracker = ResponseTracker.forCommand(CommandType.COM_QUERY, NEGOTIATED);
    ByteBuf batch = null;
    for (Object m; (m = runsFromBackend.readInbound()) != null; ) {
      PacketRun run = (PacketRun) m;
      for (int f = run.start(); f < run.end(); f = run.next(f)) {
        tracker.onFrame(run, f);
      }
      if (batch == null && tracker.isComplete()) {
        toClient.write(run.frames().retainedSlice());
      } else {
        if (batch == null) {
          batch = toClient.alloc().buffer(run.frames().readableBytes());
        }
        batch.writeBytes(run.frames(), run.start(), run.frames().readableBytes());
      }
      run.release();
    }
    if (batch != null) {
      toClient.write(batch);
    }
    toClient.flush();
    if (!tracker.isComplete()) {
      throw new IllegalStateException("response not complete: " + tracker);
    }
    return WireBytes.drainOutbound(toClient);
  }

  private long forward(ByteBuf response) {
    receive(fromBackend, response);
    ResponseTracker tracker = ResponseTracker.forCommand(CommandType.COM_QUERY, NEGOTIATED);
    for (Packet packet; (packet = fromBackend.readInbound()) != null; ) {
      tracker.onPacket(packet);
      toClient.write(packet); // the encoder releases the packet once framed
    }
    toClient.flush();
    if (!tracker.isComplete()) {
      throw new IllegalStateException("response not complete: " + tracker);
    }
    return WireBytes.drainOutbound(toClient);
  }

  /** Hands {@code response} to the decoder the way the socket would: in reads of at most {@link #READ} bytes. */
  private static void receive(EmbeddedChannel channel, ByteBuf response) {
    for (int at = 0; at < response.writerIndex(); at += READ) {
      channel.writeInbound(response.retainedSlice(at, Math.min(READ, response.writerIndex() - at)));
    }
  }

  /** A text result set as mysqld sends it under CLIENT_DEPRECATE_EOF. */
  private static ByteBuf resultSet(int rows, int columns) {
    byte[] columnCount = {(byte) columns}; // length-encoded integer < 251: one byte
    byte[] definition = columnDefinition();
    byte[] row = sbtestRow(columns);
    // OK with 0xFE header ends the rows: affected rows 0, last insert id 0,
    // status SERVER_STATUS_AUTOCOMMIT (0x0002, little endian), 0 warnings.
    byte[] ok = {(byte) 0xFE, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00};
    ByteBuf out = WireBytes.directBuffer(WireBytes.framedSize(columnCount.length)
        + columns * WireBytes.framedSize(definition.length) + rows * WireBytes.framedSize(row.length)
        + WireBytes.framedSize(ok.length));
    int seq = 1;
    WireBytes.writePacket(out, seq++, columnCount);
    for (int i = 0; i < columns; i++) {
      WireBytes.writePacket(out, seq++ & 0xFF, definition);
    }
    for (int i = 0; i < rows; i++) {
      WireBytes.writePacket(out, seq++ & 0xFF, row);
    }
    WireBytes.writePacket(out, seq & 0xFF, ok);
    return out;
  }

  /** ColumnDefinition41 for sbtest1.c; the tracker only counts definitions, but the size is real. */
  private static byte[] columnDefinition() {
    ByteBuf buf = Unpooled.buffer();
    for (String s : new String[] {"def", "app", "sbtest1", "sbtest1", "c", "c"}) {
      lenencString(buf, s);
    }
    buf.writeByte(0x0C);          // length of the fixed-length fields
    buf.writeShortLE(255);        // character set: utf8mb4_0900_ai_ci
    buf.writeIntLE(480);          // column length: CHAR(120) * 4 bytes
    buf.writeByte(0xFE);          // type: MYSQL_TYPE_STRING
    buf.writeShortLE(0x0001);     // flags: NOT_NULL
    buf.writeByte(0);             // decimals
    buf.writeShortLE(0);          // filler
    byte[] bytes = new byte[buf.readableBytes()];
    buf.readBytes(bytes).release();
    return bytes;
  }

  /** One text row of sbtest values, c first (a point select returns only c). */
  private static byte[] sbtestRow(int columns) {
    String[] values = {"5018", "4993",
        "83868641912-28773972837-60736120486-75162659906-27563526494-20381887404-41576422241-93426793964-56405065102-33518432330",
        "67847967377-48000963322-62604785301-91415491898-96926520291"};
    ByteBuf buf = Unpooled.buffer();
    for (int i = 0; i < columns; i++) {
      lenencString(buf, values[(i + 2) % values.length]);
    }
    byte[] bytes = new byte[buf.readableBytes()];
    buf.readBytes(bytes).release();
    return bytes;
  }

  private static void lenencString(ByteBuf buf, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    buf.writeByte(bytes.length); // every value here is shorter than 251 bytes
    buf.writeBytes(bytes);
  }
}
