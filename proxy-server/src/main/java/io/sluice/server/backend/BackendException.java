package io.sluice.server.backend;

import io.sluice.protocol.error.SqlError;

/** A backend could not be reached or refused us; carries the error the client should see. */
public final class BackendException extends RuntimeException {
  private final SqlError error;

  public BackendException(SqlError error) {
    super(error.message(), null, false, false);
    this.error = error;
  }

  public SqlError error() {
    return error;
  }
}
