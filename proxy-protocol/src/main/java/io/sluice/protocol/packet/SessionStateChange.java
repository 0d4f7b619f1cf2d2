package io.sluice.protocol.packet;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.protocol.error.ProtocolException;
import io.sluice.protocol.wire.Wire;
import java.util.Objects;

/**
 * One entry of the session-state information in an OK packet (CLIENT_SESSION_TRACK and
 * SERVER_SESSION_STATE_CHANGED). On the wire each entry is {@code int<1> type}, {@code
 * int<lenenc> length}, then {@code length} bytes whose layout depends on the type. This is how a
 * proxy learns, without parsing SQL, that the schema, a variable, the transaction state or
 * the GTIDs of the session changed. Unknown types are kept raw so they can be re-encoded.
 */
public sealed interface SessionStateChange {
  int SESSION_TRACK_SYSTEM_VARIABLES = 0x00;
  int SESSION_TRACK_SCHEMA = 0x01;
  int SESSION_TRACK_STATE_CHANGE = 0x02;
  int SESSION_TRACK_GTIDS = 0x03;
  int SESSION_TRACK_TRANSACTION_CHARACTERISTICS = 0x04;
  int SESSION_TRACK_TRANSACTION_STATE = 0x05;

  int type();

  /** Writes the entry's data, without the type byte and length. */
  void encodeData(ByteBuf out);

  /** Writes the whole entry: type, length, data. */
  default void encode(ByteBuf out) {
    ByteBuf data = Unpooled.buffer();
    try {
      encodeData(data);
      Wire.writeInt1(out, type());
      Wire.writeIntLenenc(out, data.readableBytes());
      out.writeBytes(data);
    } finally {
      data.release();
    }
  }

  /** Reads one entry. */
  static SessionStateChange decode(ByteBuf in) {
    int type = Wire.readInt1(in);
    long length = Wire.readIntLenenc(in);
    if (length > in.readableBytes()) {
      throw ProtocolException.malformed("session state entry of " + length + " bytes exceeds the packet");
    }
    ByteBuf data = in.readSlice((int) length);
    return switch (type) {
      case SESSION_TRACK_SYSTEM_VARIABLES -> new SystemVariable(Wire.readStringLenenc(data), Wire.readStringLenenc(data));
      case SESSION_TRACK_SCHEMA -> new Schema(Wire.readStringLenenc(data));
      case SESSION_TRACK_STATE_CHANGE -> new StateChange(Wire.readStringEof(data));
      case SESSION_TRACK_GTIDS -> new Gtids(Wire.readInt1(data), Wire.readStringLenenc(data));
      case SESSION_TRACK_TRANSACTION_CHARACTERISTICS -> new TransactionCharacteristics(Wire.readStringLenenc(data));
      case SESSION_TRACK_TRANSACTION_STATE -> new TransactionState(Wire.readStringLenenc(data));
      default -> new Unknown(type, Wire.readBytesEof(data));
    };
  }

  /** A tracked system variable (session_track_system_variables) got a new value. */
  record SystemVariable(String name, String value) implements SessionStateChange {
    public SystemVariable {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
    }

    @Override
    public int type() {
      return SESSION_TRACK_SYSTEM_VARIABLES;
    }

    @Override
    public void encodeData(ByteBuf out) {
      Wire.writeStringLenenc(out, name);
      Wire.writeStringLenenc(out, value);
    }
  }

  /** The default schema changed (USE, or COM_INIT_DB). */
  record Schema(String schema) implements SessionStateChange {
    public Schema {
      Objects.requireNonNull(schema, "schema");
    }

    @Override
    public int type() {
      return SESSION_TRACK_SCHEMA;
    }

    @Override
    public void encodeData(ByteBuf out) {
      Wire.writeStringLenenc(out, schema);
    }
  }

  /**
   * Some session state changed (session_track_state_change): temporary tables, user
   * variables, prepared statements... The proxy treats it as "pin the session". Quirk: unlike
   * the other entries, mysqld writes the data as the bare character '1' (entry bytes
   * {@code 02 01 31}), not as a length-encoded string, whatever the protocol docs suggest.
   */
  record StateChange(String tracked) implements SessionStateChange {
    public StateChange {
      Objects.requireNonNull(tracked, "tracked");
    }

    @Override
    public int type() {
      return SESSION_TRACK_STATE_CHANGE;
    }

    @Override
    public void encodeData(ByteBuf out) {
      Wire.writeStringEof(out, tracked);
    }
  }

  /**
   * GTIDs (session_track_gtids): the set the transaction wrote (OWN_GTID) or the server has
   * executed (ALL_GTIDS). Encoding specification 0 means a plain text GTID set. This is what
   * read-your-writes routing waits for on replicas.
   */
  record Gtids(int encodingSpecification, String gtidSet) implements SessionStateChange {
    public Gtids {
      Objects.requireNonNull(gtidSet, "gtidSet");
    }

    @Override
    public int type() {
      return SESSION_TRACK_GTIDS;
    }

    @Override
    public void encodeData(ByteBuf out) {
      Wire.writeInt1(out, encodingSpecification);
      Wire.writeStringLenenc(out, gtidSet);
    }
  }

  /** SQL that would restore the transaction's characteristics, e.g. "START TRANSACTION READ ONLY;". */
  record TransactionCharacteristics(String characteristics) implements SessionStateChange {
    public TransactionCharacteristics {
      Objects.requireNonNull(characteristics, "characteristics");
    }

    @Override
    public int type() {
      return SESSION_TRACK_TRANSACTION_CHARACTERISTICS;
    }

    @Override
    public void encodeData(ByteBuf out) {
      Wire.writeStringLenenc(out, characteristics);
    }
  }

  /**
   * Transaction state (session_track_transaction_info=STATE), eight characters such as
   * "T_______": [0] T explicit / I implicit / _ none, [1] r non-transactional read, [2] R
   * transactional read, [3] w non-transactional write, [4] W transactional write, [5] s unsafe
   * statement, [6] S result set sent, [7] L LOCK TABLES.
   */
  record TransactionState(String state) implements SessionStateChange {
    public TransactionState {
      Objects.requireNonNull(state, "state");
    }

    @Override
    public int type() {
      return SESSION_TRACK_TRANSACTION_STATE;
    }

    @Override
    public void encodeData(ByteBuf out) {
      Wire.writeStringLenenc(out, state);
    }

    /** True when a transaction (explicit or implicit) is active. */
    public boolean inTransaction() {
      return !state.isEmpty() && state.charAt(0) != '_';
    }
  }

  /** A type this version does not know; kept as raw bytes. */
  record Unknown(int type, byte[] data) implements SessionStateChange {
    public Unknown {
      Objects.requireNonNull(data, "data");
    }

    @Override
    public void encodeData(ByteBuf out) {
      out.writeBytes(data);
    }
  }
}
