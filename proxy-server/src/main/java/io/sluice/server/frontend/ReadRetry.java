package io.sluice.server.frontend;

import io.sluice.core.cluster.Backend;
import io.sluice.core.cluster.ClusterView;
import io.sluice.protocol.wire.Packet;
import java.util.HashSet;
import java.util.Set;

/**
 * An autocommit read that may run again elsewhere when its backend fails before a byte of the
 * answer reached the client: the slave refused the connection, died, or was found hung by the
 * health checker. A read has no effects, so running it twice is invisible to the app. Keeps a
 * copy of the command for the next attempt and the backends already tried; each slave is tried
 * once, then the master.
 */
final class ReadRetry {
  /** The first backend tried; almost every read has only this one, so no set is made for it. */
  private String firstTried;
  /** The backends tried after the first, once a retry happens. */
  private Set<String> laterTried;
  private Packet copy;

  /** Called as an attempt starts on {@code target} with {@code command} (which the attempt consumes). */
  void attempt(Backend target, Packet command) {
    if (firstTried == null) {
      firstTried = target.name();
    } else {
      if (laterTried == null) {
        laterTried = new HashSet<>(4);
      }
      laterTried.add(target.name());
    }
    release();
    copy = new Packet(command.sequenceId(), command.payload().retainedDuplicate());
  }

  /** The backend for the next attempt, or null when every candidate has been tried. */
  Backend next(ClusterView view) {
    for (Backend slave : view.usableSlaves()) {
      if (!tried(slave.name())) {
        return slave;
      }
    }
    return tried(view.master().name()) ? null : view.master();
  }

  private boolean tried(String backend) {
    return backend.equals(firstTried) || (laterTried != null && laterTried.contains(backend));
  }

  /** The kept command, handed to the next attempt. */
  Packet takeCommand() {
    Packet p = copy;
    copy = null;
    return p;
  }

  void release() {
    if (copy != null) {
      copy.release();
      copy = null;
    }
  }
}
