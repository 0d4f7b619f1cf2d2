package io.sluice.benchmarks.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.sluice.protocol.codec.PacketDecoder;
import io.sluice.protocol.codec.PacketEncoder;
import io.sluice.protocol.wire.Packet;
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
 * PacketDecoder and PacketEncoder through a Netty pipeline (EmbeddedChannel, pooled allocator).
 * The small-packet case is reported per packet: one socket read holding 1,000 packets of 100
 * bytes, about what a range-select result looks like. The large case is one 16 MiB + 1,000 byte
 * packet, i.e. two frames joined into one payload without copying.
 */
// Event-loop threads get a pooled-allocator thread cache; JMH's threads are plain threads, which
// by default do not and would measure the arena's lock instead of the proxy's path.
@Fork(jvmArgsAppend = "-Dio.netty.allocator.useCacheForAllThreads=true")
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PacketFramingBenchmark {
  static final int SMALL_PACKETS = 1000;
  static final int SMALL_PAYLOAD = 100;
  static final int LARGE_PAYLOAD = Packet.MAX_FRAME_PAYLOAD + 1000;
  private static final int MAX_PAYLOAD = 64 * 1024 * 1024;

  private ByteBuf manySmall;
  private ByteBuf oneLarge;
  private ByteBuf largePayload;
  private EmbeddedChannel decoder;
  private EmbeddedChannel encoder;

  @Setup(Level.Trial)
  public void setUp() {
    byte[] small = WireBytes.filled(SMALL_PAYLOAD, 'r');
    manySmall = WireBytes.directBuffer(SMALL_PACKETS * WireBytes.framedSize(SMALL_PAYLOAD));
    for (int i = 0; i < SMALL_PACKETS; i++) {
      WireBytes.writePacket(manySmall, (i + 1) & 0xFF, small);
    }
    byte[] large = WireBytes.filled(LARGE_PAYLOAD, 'L');
    oneLarge = Unpooled.directBuffer(WireBytes.framedSize(LARGE_PAYLOAD));
    WireBytes.writePacket(oneLarge, 1, large);
    largePayload = Unpooled.directBuffer(LARGE_PAYLOAD).writeBytes(large);

    decoder = WireBytes.pooledChannel();
    decoder.pipeline().addLast(new PacketDecoder(MAX_PAYLOAD));
    encoder = WireBytes.pooledChannel();
    encoder.pipeline().addLast(new PacketEncoder());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    decoder.finishAndReleaseAll();
    encoder.finishAndReleaseAll();
    manySmall.release();
    oneLarge.release();
    largePayload.release();
  }

  /** Per packet: split one read of 1,000 small frames, then release each packet. */
  @Benchmark
  @OperationsPerInvocation(SMALL_PACKETS)
  public long decodeSmallPackets() {
    decoder.writeInbound(manySmall.retainedDuplicate());
    return WireBytes.drainPackets(decoder);
  }

  /** One 16 MiB + 1,000 byte packet (two frames) from one buffer: a composite of two slices. */
  @Benchmark
  public long decodeLargePacket() {
    decoder.writeInbound(oneLarge.retainedDuplicate());
    return WireBytes.drainPackets(decoder);
  }

  /** The same payload framed again: header buffers plus retained slices, never copied. */
  @Benchmark
  public long encodeLargePacket() {
    encoder.writeOutbound(new Packet(1, largePayload.retainedDuplicate()));
    return WireBytes.drainOutbound(encoder);
  }
}
