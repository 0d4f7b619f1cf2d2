package io.sluice.server.frontend;

import io.sluice.protocol.error.SqlError;
import io.sluice.protocol.response.ResponseTracker;
import io.sluice.protocol.wire.Packet;
import io.sluice.protocol.wire.PacketRun;
import io.sluice.server.backend.BackendConnection;
import io.sluice.server.backend.ResponseListener;

/**
 * Streams one backend response to the client without buffering it: each packet is written
 * as it arrives and flushed once per backend read. When the client's outbound buffer passes
 * its high-water mark the backend channel stops reading (the session resumes it when the
 * client drains), so a huge result set needs memory for one socket buffer, not for the result.
 */
final class ResponseForwarder implements ResponseListener {
  private final ClientSession session;
  private final BackendConnection backend;
  private final ClientSession.ExecutionCallback callback;
  /** Whether a packet of this response went out yet (the first one may be rewritten). */
  private boolean forwardedAny;

  ResponseForwarder(ClientSession session, BackendConnection backend, ClientSession.ExecutionCallback callback) {
    this.session = session;
    this.backend = backend;
    this.callback = callback;
  }

  @Override
  public void onPacket(Packet packet, ResponseTracker.Outcome outcome) {
    callback.beforeForward(packet, !forwardedAny);
    forwardedAny = true;
    session.forward(packet);
    afterForward(outcome);
  }

  private void afterForward(ResponseTracker.Outcome outcome) {
    if (!session.ctx().channel().isWritable()) {
      backend.setAutoRead(false);
    }
    if (outcome == ResponseTracker.Outcome.AWAIT_LOCAL_INFILE_DATA) {
      session.startSendingFile();
    }
  }

  /** The usual case: the packets go into the client's batch as they are, no packet by packet. */
  @Override
  public void onFrames(PacketRun run, int from, int last, ResponseTracker.Outcome outcome) {
    if (callback.rewritesResponse()) {
      ResponseListener.super.onFrames(run, from, last, outcome);
      return;
    }
    forwardedAny = true;
    session.forwardFrames(run, from, last, outcome == ResponseTracker.Outcome.COMPLETE);
    afterForward(outcome);
  }

  @Override
  public void onReadComplete() {
    session.flush();
  }

  @Override
  public void onComplete(ResponseTracker tracker) {
    session.recordStatement(backend.backendName(), tracker.isError());
    callback.completed(tracker, backend, keep -> session.executionFinished(keep, false));
  }

  @Override
  public void onFailure(SqlError error, boolean sent) {
    if (!forwardedAny && session.retryElsewhere(error)) {
      return; // a read that had not answered yet runs again elsewhere; the app sees nothing
    }
    // The backend connection died mid-command. The client gets an ERR (which the protocol
    // allows in place of the next row too) and, if the session had a transaction or pinned
    // state on that connection, the client connection is closed: that state is gone, and
    // carrying on would run the next statements outside the transaction the app believes in.
    session.recordStatement(backend.backendName(), true);
    // A connection other than the held one (a cursor's, parked) takes no transaction with it.
    boolean hadState = session.mustHoldConnection()
        && (session.heldConnection() == null || session.heldConnection() == backend);
    callback.failed(error);
    session.sendError(error);
    if (hadState) {
      session.ctx().close();
    }
    session.executionFinished(false, true);
  }
}
