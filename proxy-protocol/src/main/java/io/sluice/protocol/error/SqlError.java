package io.sluice.protocol.error;

import io.sluice.protocol.packet.ErrPacket;
import java.util.Objects;

/**
 * The one error type of Sluice: what a MySQL server would put in an ERR packet. Whatever goes
 * wrong inside the proxy ends up as one of these and is rendered to the client with
 * {@link #toErrPacket()}, so drivers see the codes and SQLSTATEs they already know how to handle.
 *
 * @param code the MySQL error number (1045, 1047, ...)
 * @param sqlState five characters; the class ("08", "28", "HY", ...) is what drivers and pools act on
 * @param message the human-readable text, already formatted
 */
public record SqlError(int code, String sqlState, String message) {

  public SqlError {
    if (code < 0 || code > 0xFFFF) {
      throw new IllegalArgumentException("error code must fit in 2 bytes: " + code);
    }
    Objects.requireNonNull(sqlState, "sqlState");
    Objects.requireNonNull(message, "message");
    if (sqlState.length() != 5) {
      throw new IllegalArgumentException("SQLSTATE must have 5 characters: '" + sqlState + "'");
    }
  }

  public ErrPacket toErrPacket() {
    return new ErrPacket(code, sqlState, message);
  }

  @Override
  public String toString() {
    return "ERROR " + code + " (" + sqlState + "): " + message;
  }
}
