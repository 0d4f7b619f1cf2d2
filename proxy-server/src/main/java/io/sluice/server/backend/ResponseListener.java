package io.sluice.server.backend;

import io.sluice.protocol.error.SqlError;
import io.sluice.protocol.response.ResponseTracker;
import io.sluice.protocol.wire.Packet;

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
