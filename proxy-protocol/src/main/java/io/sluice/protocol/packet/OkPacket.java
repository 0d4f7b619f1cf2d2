package io.sluice.protocol.packet;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.Capabilities;
import io.sluice.protocol.ServerStatus;
import io.sluice.protocol.error.ProtocolException;
import io.sluice.protocol.wire.Packet;
import io.sluice.protocol.wire.Wire;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OK_Packet. With CLIENT_DEPRECATE_EOF the same layout with a 0xFE header replaces the EOF
 * packet that ends a result set.
 *
 * <pre>
 * int&lt;1&gt;       header: 0x00, or 0xFE as a result-set terminator
 * int&lt;lenenc&gt;  affected rows
 * int&lt;lenenc&gt;  last insert id
 * int&lt;2&gt;       status flags  (if CLIENT_PROTOCOL_41, or CLIENT_TRANSACTIONS)
 * int&lt;2&gt;       warnings      (if CLIENT_PROTOCOL_41)
 * if CLIENT_SESSION_TRACK:
 *   string&lt;lenenc&gt; info   (mysqld omits it when empty and no state changed)
 *   if SERVER_SESSION_STATE_CHANGED:
 *     int&lt;lenenc&gt; length of the session state information
 *     entries        see {@link SessionStateChange}
 * else:
 *   string&lt;EOF&gt;   info
 * </pre>
 */
public record OkPacket(int header, long affectedRows, long lastInsertId, int statusFlags, int warnings, String info,
                       List<SessionStateChange> sessionStateChanges) {
  public static final int HEADER = 0x00;
  public static final int EOF_HEADER = 0xFE;

  public OkPacket {
    if (header != HEADER && header != EOF_HEADER) {
      throw new IllegalArgumentException("OK header must be 0x00 or 0xFE: " + header);
    }
    info = info == null ? "" : info;
    sessionStateChanges = sessionStateChanges == null ? List.of() : List.copyOf(sessionStateChanges);
  }

  public static OkPacket of(long affectedRows, long lastInsertId, int statusFlags, int warnings) {
    return new OkPacket(HEADER, affectedRows, lastInsertId, statusFlags, warnings, "", List.of());
  }

  /** A 0x00 packet long enough to be an OK packet (header, 2 lenencs, status, warnings). */
  public static boolean isOk(ByteBuf payload) {
    return payload.readableBytes() >= 7 && payload.getUnsignedByte(payload.readerIndex()) == HEADER;
  }

  /**
   * An OK packet with the 0xFE header, which ends a result set under CLIENT_DEPRECATE_EOF. A row
   * can also start with 0xFE (a value of 2^24 bytes or more, whose lenenc prefix is 0xFE), but
   * then the payload is at least 0xFFFFFF bytes; that length tells them apart.
   */
  public static boolean isEofOk(ByteBuf payload) {
    return payload.isReadable() && payload.getUnsignedByte(payload.readerIndex()) == EOF_HEADER
        && payload.readableBytes() < Packet.MAX_FRAME_PAYLOAD;
  }

  public static OkPacket decode(ByteBuf payload, Capabilities caps) {
    int header = Wire.readInt1(payload);
    if (header != HEADER && header != EOF_HEADER) {
      throw ProtocolException.malformed(String.format("OK packet must start with 0x00 or 0xFE, got 0x%02x", header));
    }
    long affected = Wire.readIntLenenc(payload);
    long insertId = Wire.readIntLenenc(payload);
    int status = 0;
    int warnings = 0;
    if (caps.protocol41()) {
      status = Wire.readInt2(payload);
      warnings = Wire.readInt2(payload);
    } else if (caps.has(Capabilities.CLIENT_TRANSACTIONS)) {
      status = Wire.readInt2(payload);
    }
    String info = "";
    List<SessionStateChange> changes = List.of();
    if (caps.tracksSessionState()) {
      if (payload.isReadable()) {
        info = Wire.readStringLenenc(payload);
      }
      if (ServerStatus.sessionStateChanged(status) && payload.isReadable()) {
        long length = Wire.readIntLenenc(payload);
        if (length > payload.readableBytes()) {
          throw ProtocolException.malformed("session state of " + length + " bytes exceeds the OK packet");
        }
        ByteBuf state = payload.readSlice((int) length);
        List<SessionStateChange> list = new ArrayList<>();
        while (state.isReadable()) {
          list.add(SessionStateChange.decode(state));
        }
        changes = list;
      }
    } else if (payload.isReadable()) {
      // Length-encoded as servers send it; a bare string<EOF> as the docs describe is read too.
      ByteBuf probe = payload.duplicate();
      long length = Wire.readIntLenenc(probe);
      info = length == probe.readableBytes() ? Wire.readStringLenenc(payload) : Wire.readStringEof(payload);
    }
    return new OkPacket(header, affected, insertId, status, warnings, info, changes);
  }

  public void encode(ByteBuf out, Capabilities caps) {
    Wire.writeInt1(out, header);
    Wire.writeIntLenenc(out, affectedRows);
    Wire.writeIntLenenc(out, lastInsertId);
    if (caps.protocol41()) {
      Wire.writeInt2(out, statusFlags);
      Wire.writeInt2(out, warnings);
    } else if (caps.has(Capabilities.CLIENT_TRANSACTIONS)) {
      Wire.writeInt2(out, statusFlags);
    }
    if (caps.tracksSessionState()) {
      boolean stateChanged = ServerStatus.sessionStateChanged(statusFlags);
      if (stateChanged || !info.isEmpty()) {
        Wire.writeStringLenenc(out, info);
      }
      if (stateChanged) {
        // The length prefix comes first, so the entries are encoded aside to measure them.
        ByteBuf state = out.alloc().heapBuffer();
        try {
          sessionStateChanges.forEach(c -> c.encode(state));
          Wire.writeIntLenenc(out, state.readableBytes());
          out.writeBytes(state);
        } finally {
          state.release();
        }
      }
    } else if (!info.isEmpty()) {
      // The docs say string<EOF>, but servers write the message length-encoded and
      // libmariadb reads it so; a plain string there breaks the mariadb client.
      Wire.writeStringLenenc(out, info);
    }
  }

  /** The tracked GTID set, or null if this OK packet does not carry one. */
  public String trackedGtids() {
    for (SessionStateChange c : sessionStateChanges) {
      if (c instanceof SessionStateChange.Gtids g) {
        return g.gtidSet();
      }
    }
    return null;
  }

  /** The new default schema, or null if it did not change. */
  public String trackedSchema() {
    String schema = null;
    for (SessionStateChange c : sessionStateChanges) {
      if (c instanceof SessionStateChange.Schema s) {
        schema = s.schema();
      }
    }
    return schema;
  }

  /** Tracked system variables that changed, in order (a later value wins). */
  public Map<String, String> trackedSystemVariables() {
    Map<String, String> vars = new LinkedHashMap<>();
    for (SessionStateChange c : sessionStateChanges) {
      if (c instanceof SessionStateChange.SystemVariable v) {
        vars.put(v.name(), v.value());
      }
    }
    return Collections.unmodifiableMap(vars);
  }

  /** The 8-character transaction state, or null if not tracked in this packet. */
  public String trackedTransactionState() {
    String state = null;
    for (SessionStateChange c : sessionStateChanges) {
      if (c instanceof SessionStateChange.TransactionState t) {
        state = t.state();
      }
    }
    return state;
  }

  /** True when session_track_state_change reported a change (temp tables, user variables, ...). */
  public boolean trackedStateChange() {
    return sessionStateChanges.stream().anyMatch(c -> c instanceof SessionStateChange.StateChange);
  }
}
