package io.sluice.protocol.packet;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.wire.Wire;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * ProtocolText::ResultsetRow: one length-encoded string per column, or 0xFB for SQL NULL.
 *
 * @param values one entry per column; {@code null} is SQL NULL (distinct from an empty value)
 */
public record TextResultRow(List<byte[]> values) {

  public TextResultRow {
    Objects.requireNonNull(values, "values");
    // List.copyOf refuses nulls, and null is how SQL NULL is represented here.
    values = Collections.unmodifiableList(new ArrayList<>(values));
  }

  public static TextResultRow decode(ByteBuf payload, int columnCount) {
    List<byte[]> values = new ArrayList<>(columnCount);
    for (int i = 0; i < columnCount; i++) {
      if (Wire.isNullLenenc(payload)) {
        payload.skipBytes(1);
        values.add(null);
      } else {
        values.add(Wire.readBytesLenenc(payload));
      }
    }
    return new TextResultRow(values);
  }

  public void encode(ByteBuf out) {
    for (byte[] value : values) {
      if (value == null) {
        Wire.writeNullLenenc(out);
      } else {
        Wire.writeBytesLenenc(out, value);
      }
    }
  }
}
