package io.sluice.protocol.error;

import java.util.Objects;

/**
 * A protocol failure that carries the {@link SqlError} a client should see. Thrown by decoders
 * for malformed or oversized packets and by anything else in the protocol layer; the proxy
 * renders {@link #error()} as an ERR packet (and usually closes the connection, as mysqld does).
 */
public class ProtocolException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient SqlError error;

  public ProtocolException(SqlError error) {
    super(error.toString());
    this.error = error;
  }

  public ProtocolException(SqlError error, String detail) {
    super(error + (detail == null ? "" : " [" + detail + "]"));
    this.error = error;
  }

  public ProtocolException(SqlError error, Throwable cause) {
    super(error.toString(), cause);
    this.error = Objects.requireNonNull(error, "error");
  }

  public SqlError error() {
    return error;
  }

  /** A malformed packet, with a detail for logs (the client only sees MySQL's fixed text). */
  public static ProtocolException malformed(String detail) {
    return new ProtocolException(ErrorCodes.malformedPacket(), detail);
  }
}
