package io.sluice.protocol.packet;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.wire.Wire;
import java.util.Objects;

/**
 * Protocol::ColumnDefinition41.
 *
 * <pre>
 * string&lt;lenenc&gt; catalog ("def")
 * string&lt;lenenc&gt; schema
 * string&lt;lenenc&gt; table      (alias)
 * string&lt;lenenc&gt; org_table  (physical name)
 * string&lt;lenenc&gt; name       (alias)
 * string&lt;lenenc&gt; org_name   (physical name)
 * int&lt;lenenc&gt;    length of the fixed fields (0x0C)
 * int&lt;2&gt;         character set (collation id)
 * int&lt;4&gt;         column length
 * int&lt;1&gt;         type (see {@link ColumnType})
 * int&lt;2&gt;         flags
 * int&lt;1&gt;         decimals
 * int&lt;2&gt;         filler, zeros
 * </pre>
 *
 * In a COM_FIELD_LIST response a length-encoded default value follows; decode skips it.
 * The first byte of a column definition is always 0x03 (lenenc "def"), which is why it can
 * never be mistaken for OK, ERR or EOF.
 */
public record ColumnDefinition41(String catalog, String schema, String table, String orgTable, String name,
                                 String orgName, int characterSet, long columnLength, int type, int flags,
                                 int decimals) {
  private static final int FIXED_FIELDS_LENGTH = 0x0C;
  /** Column flags, named as in the MySQL source (include/mysql_com.h). */
  public static final int NOT_NULL_FLAG = 1;
  public static final int UNSIGNED_FLAG = 32;
  public static final int BINARY_FLAG = 128;
  /** The collation id of binary data (numbers too): {@code binary}, 63. */
  public static final int BINARY_COLLATION = 63;

  public ColumnDefinition41 {
    Objects.requireNonNull(catalog, "catalog");
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(orgTable, "orgTable");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(orgName, "orgName");
  }

  public static ColumnDefinition41 decode(ByteBuf payload) {
    String catalog = Wire.readStringLenenc(payload);
    String schema = Wire.readStringLenenc(payload);
    String table = Wire.readStringLenenc(payload);
    String orgTable = Wire.readStringLenenc(payload);
    String name = Wire.readStringLenenc(payload);
    String orgName = Wire.readStringLenenc(payload);
    Wire.readIntLenenc(payload);
    int charset = Wire.readInt2(payload);
    long length = Wire.readInt4(payload);
    int type = Wire.readInt1(payload);
    int flags = Wire.readInt2(payload);
    int decimals = Wire.readInt1(payload);
    // The 2-byte filler and, in COM_FIELD_LIST responses, the default value.
    payload.skipBytes(payload.readableBytes());
    return new ColumnDefinition41(catalog, schema, table, orgTable, name, orgName, charset, length, type, flags,
        decimals);
  }

  public void encode(ByteBuf out) {
    Wire.writeStringLenenc(out, catalog);
    Wire.writeStringLenenc(out, schema);
    Wire.writeStringLenenc(out, table);
    Wire.writeStringLenenc(out, orgTable);
    Wire.writeStringLenenc(out, name);
    Wire.writeStringLenenc(out, orgName);
    Wire.writeIntLenenc(out, FIXED_FIELDS_LENGTH);
    Wire.writeInt2(out, characterSet);
    Wire.writeInt4(out, columnLength);
    Wire.writeInt1(out, type);
    Wire.writeInt2(out, flags);
    Wire.writeInt1(out, decimals);
    Wire.writeZeros(out, 2);
  }

  /** The column's type, or null for a code this version does not know. */
  public ColumnType columnType() {
    return ColumnType.fromCode(type);
  }
}
