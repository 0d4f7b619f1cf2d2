package io.sluice.server.frontend;

import io.sluice.core.sql.Classification;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.TreeMap;

/**
 * A binary prepared statement as the client knows it: Sluice's own statement id, the SQL and
 * what it learned when preparing it. The backend statements live in each backend connection's
 * cache, prepared lazily wherever an execution is routed.
 */
final class ClientStatement {
  final long id;
  /** The SQL as decoded in the client's charset: for classification and the SQL log. */
  final String sql;
  /**
   * The SQL exactly as the client sent it, one char per byte (ISO-8859-1): what a backend
   * connection prepares, and the cache key, so no charset round trip alters a literal and two
   * texts differing only in bytes a decoding would merge never share a backend statement.
   */
  final String clientBytes;
  /** The schema current at PREPARE: table names in the statement resolve against it. */
  final String schema;
  /**
   * The state of the connection the PREPARE ran on: what the statement was parsed under
   * (charset, sql_mode), which a direct server keeps for the statement's whole life, so every
   * connection that prepares it later does so under these settings.
   */
  final io.sluice.core.session.BackendSessionSnapshot parsedUnder;
  /** The key of the backend statement: {@link #schema}, {@link #parsedUnder} and the text. */
  final String cacheKey;
  final Classification classification;
  final int numParams;
  /** The parameter types the client last sent (2 bytes each), replayed for new backends. */
  byte[] paramTypes;
  /** COM_STMT_SEND_LONG_DATA chunks per parameter, sent where the next execution runs. */
  final Map<Integer, ByteArrayOutputStream> longData = new TreeMap<>();
  /** The statement's open cursor, or null. */
  Cursor cursor;

  /**
   * An open cursor: the backend connection it lives on and the backend statement id to fetch
   * with. The connection stays with the session until the cursor closes, whatever the session's
   * other statements do (see ClientSession's parked connections).
   */
  record Cursor(io.sluice.server.backend.BackendConnection connection, long backendId) {}

  ClientStatement(long id, String sql, String clientBytes, String schema,
      io.sluice.core.session.BackendSessionSnapshot parsedUnder, Classification classification, int numParams) {
    this.id = id;
    this.sql = sql;
    this.clientBytes = clientBytes;
    this.schema = schema;
    this.parsedUnder = parsedUnder;
    this.cacheKey = io.sluice.server.backend.BackendStatements.key(schema, parsedUnder, clientBytes);
    this.classification = classification;
    this.numParams = numParams;
  }

  boolean hasOpenCursor() {
    return cursor != null;
  }
}
