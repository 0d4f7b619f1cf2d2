package io.sluice.server.backend;

import io.sluice.protocol.error.SqlError;

/** A backend could not be reached or refused us; carries the error the client should see. */
public final class BackendException extends RuntimeException {
  private final SqlError error;
  private final boolean unreachable;

  public BackendException(SqlError error) {
    this(error, false);
  }

  private BackendException(SqlError error, boolean unreachable) {
    super(error.message(), null, false, false);
    this.error = error;
    this.unreachable = unreachable;
  }

  /**
   * No connection could be made (refused, timed out, no greeting in time): nothing was sent,
   * and the server may be gone. Not a server that answered with an error (access denied, too
   * many connections), which is up.
   */
  public static BackendException unreachable(SqlError error) {
    return new BackendException(error, true);
  }

  public boolean unreachable() {
    return unreachable;
  }

  public SqlError error() {
    return error;
  }
}
