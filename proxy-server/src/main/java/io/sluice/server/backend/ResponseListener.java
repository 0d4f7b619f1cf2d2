package io.sluice.server.backend;

import io.sluice.protocol.error.SqlError;
import io.sluice.protocol.response.ResponseTracker;
import io.sluice.protocol.wire.Packet;
import io.sluice.protocol.wire.PacketRun;

/**
 * Receives the backend's answer to one command. Called on the backend channel's event loop,
 * which is also the client's, so implementations need no locks.
 */
public interface ResponseListener {

  /**
   * One packet of the response, in order. The listener owns {@code packet} and must forward or
   * release it.
   */
  void onPacket(Packet packet, ResponseTracker.Outcome outcome);

  /**
   * The packets of {@code run} from the frame at {@code from} through the frame at
   * {@code last}, in order, all of this response; {@code outcome} is the last one's
   * ({@code CONTINUE} for the others). The run stays the caller's: copy or retain what is
   * kept. By default each packet goes to {@link #onPacket} on its own.
   */
  default void onFrames(PacketRun run, int from, int last, ResponseTracker.Outcome outcome) {
    for (int frame = from; frame != last; frame = run.next(frame)) {
      onPacket(run.packet(frame), ResponseTracker.Outcome.CONTINUE);
    }
    onPacket(run.packet(last), outcome);
  }

  /** The backend finished reading a batch of packets: a good moment to flush the client. */
  default void onReadComplete() {}

  /** The response is complete; {@code tracker} holds its final status flags and OK/ERR. */
  void onComplete(ResponseTracker tracker);

  /**
   * The connection failed before the response completed. {@code sent} says whether the
   * command reached the backend, so the caller knows whether it may have had effects.
   */
  void onFailure(SqlError error, boolean sent);
}
