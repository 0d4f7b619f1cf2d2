package io.sluice.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * A set of CLIENT_* capability flags, as sent in the server greeting and the client's
 * handshake response. The effective set of a connection is the intersection of the two; a
 * proxy negotiates twice (with the client and with each backend) and must only forward bytes
 * whose format both sides agreed on, so the comment on each flag says what it means for Sluice.
 */
public final class Capabilities {

  /** New, more secure passwords (4.1+). Always set by modern peers; no effect on framing. */
  public static final long CLIENT_LONG_PASSWORD = 1L;
  /** OK packets report rows matched instead of rows changed. Changes affected_rows semantics: a backend connection's setting must match the client's. */
  public static final long CLIENT_FOUND_ROWS = 1L << 1;
  /** Longer column flags in column definitions; harmless, always on in 4.1+. */
  public static final long CLIENT_LONG_FLAG = 1L << 2;
  /** The handshake response carries an initial schema. The proxy must apply it on whichever backend it uses. */
  public static final long CLIENT_CONNECT_WITH_DB = 1L << 3;
  /** Server: disallow db.table.column syntax. Deprecated; passed through, no wire effect. */
  public static final long CLIENT_NO_SCHEMA = 1L << 4;
  /** zlib compression of the whole stream. Sluice does not implement compression, so never advertise it. */
  public static final long CLIENT_COMPRESS = 1L << 5;
  /** Historical ODBC marker; no effect. */
  public static final long CLIENT_ODBC = 1L << 6;
  /** LOAD DATA LOCAL INFILE allowed: the server may answer a query with a 0xFB file request, and the proxy must relay the file. */
  public static final long CLIENT_LOCAL_FILES = 1L << 7;
  /** Parser ignores spaces before '(' (sql_mode IGNORE_SPACE for the session). Session semantics, not framing. */
  public static final long CLIENT_IGNORE_SPACE = 1L << 8;
  /** The 4.1 protocol: OK/EOF carry status and warnings, ERR carries SQLSTATE. Sluice requires it. */
  public static final long CLIENT_PROTOCOL_41 = 1L << 9;
  /** wait_timeout is interactive_timeout for this session. Session semantics only. */
  public static final long CLIENT_INTERACTIVE = 1L << 10;
  /** The client will send an SslRequest and switch to TLS; negotiated separately on each hop. */
  public static final long CLIENT_SSL = 1L << 11;
  /** Client-side only: do not install SIGPIPE handlers. Never on the wire in practice. */
  public static final long CLIENT_IGNORE_SIGPIPE = 1L << 12;
  /** Status flags in OK packets (pre-4.1 meaning); implied by PROTOCOL_41. */
  public static final long CLIENT_TRANSACTIONS = 1L << 13;
  /** Unused (was the 4.1 protocol marker). */
  public static final long CLIENT_RESERVED = 1L << 14;
  /** 4.1 authentication: auth response prefixed by a 1-byte length (also "CLIENT_RESERVED2"). */
  public static final long CLIENT_SECURE_CONNECTION = 1L << 15;
  /** Several statements per COM_QUERY. Changes what the classifier must look at; a multi-statement query can mix reads and writes. */
  public static final long CLIENT_MULTI_STATEMENTS = 1L << 16;
  /** The client can read several result sets per command (SERVER_MORE_RESULTS_EXISTS); needed for CALL. */
  public static final long CLIENT_MULTI_RESULTS = 1L << 17;
  /** Several result sets from COM_STMT_EXECUTE (CALL through prepared statements). */
  public static final long CLIENT_PS_MULTI_RESULTS = 1L << 18;
  /** Auth plugin names in the handshake and AuthSwitchRequest. Sluice requires it. */
  public static final long CLIENT_PLUGIN_AUTH = 1L << 19;
  /** Connection attributes (program name, driver version) in the handshake response. */
  public static final long CLIENT_CONNECT_ATTRS = 1L << 20;
  /** Auth response length as a length-encoded integer (allows responses longer than 255 bytes). */
  public static final long CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA = 1L << 21;
  /** Client can handle "password expired" sandbox mode instead of being refused. */
  public static final long CLIENT_CAN_HANDLE_EXPIRED_PASSWORDS = 1L << 22;
  /** OK packets may carry session-state changes (schema, variables, GTIDs, transaction state): the proxy's best source of truth for session state. */
  public static final long CLIENT_SESSION_TRACK = 1L << 23;
  /** EOF packets are replaced by OK packets with a 0xFE header; no EOF after column definitions. Changes result-set framing: must be equal on both hops of a forwarded result. */
  public static final long CLIENT_DEPRECATE_EOF = 1L << 24;
  /** Result sets may omit column definitions (resultset_metadata=NONE): adds a byte to the column-count packet. Sluice does not advertise it. */
  public static final long CLIENT_OPTIONAL_RESULTSET_METADATA = 1L << 25;
  /** zstd compression (docs: CLIENT_ZSTD_COMPRESSION_ALGORITHM); adds a level byte to the handshake response. Not supported by Sluice. */
  public static final long CLIENT_ZSTD_COMPRESSION = 1L << 26;
  /** The name used in the MySQL docs for {@link #CLIENT_ZSTD_COMPRESSION}. */
  public static final long CLIENT_ZSTD_COMPRESSION_ALGORITHM = CLIENT_ZSTD_COMPRESSION;
  /** COM_QUERY/COM_STMT_EXECUTE carry query attributes. Changes the COM_QUERY layout; Sluice does not advertise it. */
  public static final long CLIENT_QUERY_ATTRIBUTES = 1L << 27;
  /** Multi-factor authentication (AuthNextFactor packets). Not supported by Sluice. */
  public static final long CLIENT_MULTI_FACTOR_AUTH = 1L << 28;
  /** Reserved for extending the flags beyond 32 bits. */
  public static final long CLIENT_CAPABILITY_EXTENSION = 1L << 29;
  /** Client-side only: verify the server certificate. Never meaningful on the wire. */
  public static final long CLIENT_SSL_VERIFY_SERVER_CERT = 1L << 30;
  /** Client-side only: keep options after a failed connect. Never meaningful on the wire. */
  public static final long CLIENT_REMEMBER_OPTIONS = 1L << 31;

  private static final String[] NAMES = {
      "LONG_PASSWORD", "FOUND_ROWS", "LONG_FLAG", "CONNECT_WITH_DB", "NO_SCHEMA", "COMPRESS", "ODBC",
      "LOCAL_FILES", "IGNORE_SPACE", "PROTOCOL_41", "INTERACTIVE", "SSL", "IGNORE_SIGPIPE",
      "TRANSACTIONS", "RESERVED", "SECURE_CONNECTION", "MULTI_STATEMENTS", "MULTI_RESULTS",
      "PS_MULTI_RESULTS", "PLUGIN_AUTH", "CONNECT_ATTRS", "PLUGIN_AUTH_LENENC_CLIENT_DATA",
      "CAN_HANDLE_EXPIRED_PASSWORDS", "SESSION_TRACK", "DEPRECATE_EOF", "OPTIONAL_RESULTSET_METADATA",
      "ZSTD_COMPRESSION", "QUERY_ATTRIBUTES", "MULTI_FACTOR_AUTH", "CAPABILITY_EXTENSION",
      "SSL_VERIFY_SERVER_CERT", "REMEMBER_OPTIONS"};

  private final long value;

  private Capabilities(long value) {
    this.value = value;
  }

  public static Capabilities of(long value) {
    return new Capabilities(value);
  }

  public long value() {
    return value;
  }

  /** True when every bit of {@code flags} is set. */
  public boolean has(long flags) {
    return (value & flags) == flags;
  }

  public Capabilities with(long flags) {
    return new Capabilities(value | flags);
  }

  public Capabilities without(long flags) {
    return new Capabilities(value & ~flags);
  }

  /** The flags both sides have: what a connection actually uses. */
  public Capabilities intersect(Capabilities other) {
    return new Capabilities(value & other.value);
  }

  public boolean deprecatesEof() {
    return has(CLIENT_DEPRECATE_EOF);
  }

  public boolean tracksSessionState() {
    return has(CLIENT_SESSION_TRACK);
  }

  public boolean usesSsl() {
    return has(CLIENT_SSL);
  }

  public boolean connectsWithDb() {
    return has(CLIENT_CONNECT_WITH_DB);
  }

  public boolean pluginAuth() {
    return has(CLIENT_PLUGIN_AUTH);
  }

  public boolean lenencAuthData() {
    return has(CLIENT_PLUGIN_AUTH_LENENC_CLIENT_DATA);
  }

  public boolean connectAttrs() {
    return has(CLIENT_CONNECT_ATTRS);
  }

  public boolean multiStatements() {
    return has(CLIENT_MULTI_STATEMENTS);
  }

  public boolean multiResults() {
    return has(CLIENT_MULTI_RESULTS);
  }

  public boolean psMultiResults() {
    return has(CLIENT_PS_MULTI_RESULTS);
  }

  public boolean localFiles() {
    return has(CLIENT_LOCAL_FILES);
  }

  public boolean protocol41() {
    return has(CLIENT_PROTOCOL_41);
  }

  public boolean secureConnection() {
    return has(CLIENT_SECURE_CONNECTION);
  }

  public boolean optionalResultsetMetadata() {
    return has(CLIENT_OPTIONAL_RESULTSET_METADATA);
  }

  public boolean queryAttributes() {
    return has(CLIENT_QUERY_ATTRIBUTES);
  }

  public boolean zstdCompression() {
    return has(CLIENT_ZSTD_COMPRESSION);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Capabilities c && c.value == value;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(value);
  }

  /** E.g. {@code Capabilities[0x0000a20f PROTOCOL_41|SECURE_CONNECTION|...]}. */
  @Override
  public String toString() {
    List<String> names = new ArrayList<>();
    for (int bit = 0; bit < 64; bit++) {
      if ((value & (1L << bit)) != 0) {
        names.add(bit < NAMES.length ? NAMES[bit] : "bit" + bit);
      }
    }
    return String.format("Capabilities[0x%08x %s]", value, String.join("|", names));
  }
}
