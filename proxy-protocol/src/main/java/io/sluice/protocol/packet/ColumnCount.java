package io.sluice.protocol.packet;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.Capabilities;
import io.sluice.protocol.error.ProtocolException;
import io.sluice.protocol.wire.Wire;

/**
 * The first packet of a result set: the number of columns, as a length-encoded integer. With
 * CLIENT_OPTIONAL_RESULTSET_METADATA a second byte says whether column definitions follow
 * (0 = RESULTSET_METADATA_NONE, 1 = FULL). Sluice never advertises that flag, but decoding
 * accepts the byte so a tracker for such a connection still frames the response correctly.
 */
public record ColumnCount(long columnCount, boolean metadataFollows) {

  public ColumnCount {
    if (columnCount <= 0) {
      throw new IllegalArgumentException("a result set has at least one column: " + columnCount);
    }
  }

  public static ColumnCount of(long columnCount) {
    return new ColumnCount(columnCount, true);
  }

  public static ColumnCount decode(ByteBuf payload, Capabilities caps) {
    long count = Wire.readIntLenenc(payload);
    if (count <= 0) {
      throw ProtocolException.malformed("column count " + count);
    }
    boolean metadata = true;
    if (caps.optionalResultsetMetadata() && payload.isReadable()) {
      metadata = Wire.readInt1(payload) != 0;
    }
    return new ColumnCount(count, metadata);
  }

  public void encode(ByteBuf out, Capabilities caps) {
    Wire.writeIntLenenc(out, columnCount);
    if (caps.optionalResultsetMetadata()) {
      Wire.writeInt1(out, metadataFollows ? 1 : 0);
    }
  }
}
