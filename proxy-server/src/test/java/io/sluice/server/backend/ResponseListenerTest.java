package io.sluice.server.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.sluice.protocol.error.SqlError;
import io.sluice.protocol.response.ResponseTracker;
import io.sluice.protocol.wire.Packet;
import io.sluice.protocol.wire.PacketRun;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResponseListenerTest {

  /** Listeners that want packets (Sluice's own queries, prepares) get a run's packets one by one. */
  @Test
  void aRunReachesAPacketListenerAsItsPacketsWithTheLastOnesOutcome() {
    List<String> seen = new ArrayList<>();
    List<Packet> kept = new ArrayList<>();
    ResponseListener listener = new ResponseListener() {
      @Override
      public void onPacket(Packet packet, ResponseTracker.Outcome outcome) {
        seen.add(packet.sequenceId() + ":" + ByteBufUtil.hexDump(packet.payload()) + ":" + outcome);
        kept.add(packet);
      }

      @Override
      public void onComplete(ResponseTracker tracker) {}

      @Override
      public void onFailure(SqlError error, boolean sent) {}
    };
    PacketRun run = new PacketRun(Unpooled.wrappedBuffer(ByteBufUtil.decodeHexDump(
        "01000000" + "ff" + "01000001" + "01" + "02000002" + "0131" + "07000003" + "fe000002000000")));
    int second = run.next(run.start());
    int last = run.next(run.next(second));
    assertEquals(run.end(), run.next(last));
    listener.onFrames(run, second, last, ResponseTracker.Outcome.COMPLETE);
    assertEquals(List.of("1:01:CONTINUE", "2:0131:CONTINUE", "3:fe000002000000:COMPLETE"), seen);
    assertEquals(4, run.refCnt(), "each packet holds the run's bytes until its listener releases it");
    kept.forEach(Packet::release);
    assertEquals(1, run.refCnt());
    run.release();
  }
}
