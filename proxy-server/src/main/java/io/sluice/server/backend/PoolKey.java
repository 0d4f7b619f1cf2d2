package io.sluice.server.backend;

import io.sluice.protocol.Capabilities;

/**
 * What makes two backend connections interchangeable: the same server, the same account, and
 * the same capability flags that change the bytes on the wire (DEPRECATE_EOF, SESSION_TRACK,
 * FOUND_ROWS, ...) and the same handshake collation. Responses are forwarded to clients
 * verbatim, so a connection may only serve a client that negotiated the same wire format; the
 * collation is part of the key so a fresh connection already has the session's character set.
 */
public record PoolKey(String backendName, String user, long wireCapabilities, int collationId) {

  /** Capability flags that change the format or meaning of what a server sends back. */
  public static final long WIRE_FORMAT_FLAGS =
      Capabilities.CLIENT_DEPRECATE_EOF
          | Capabilities.CLIENT_SESSION_TRACK
          | Capabilities.CLIENT_FOUND_ROWS
          | Capabilities.CLIENT_LOCAL_FILES
          | Capabilities.CLIENT_IGNORE_SPACE
          | Capabilities.CLIENT_INTERACTIVE
          | Capabilities.CLIENT_MULTI_STATEMENTS
          | Capabilities.CLIENT_MULTI_RESULTS
          | Capabilities.CLIENT_PS_MULTI_RESULTS
          | Capabilities.CLIENT_LONG_FLAG
          | Capabilities.CLIENT_NO_SCHEMA;

  public static PoolKey of(String backendName, String user, Capabilities clientCapabilities, int collationId) {
    return new PoolKey(backendName, user, clientCapabilities.value() & WIRE_FORMAT_FLAGS, collationId);
  }
}
