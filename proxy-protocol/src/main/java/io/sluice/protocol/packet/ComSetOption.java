package io.sluice.protocol.packet;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.CommandType;
import io.sluice.protocol.wire.Wire;

/**
 * COM_SET_OPTION: turn multi-statements on or off for the session (what
 * mysql_set_server_option sends). mysqld answers with an EOF packet (an OK with 0xFE header
 * under CLIENT_DEPRECATE_EOF), not a plain OK; or ERR.
 *
 * <pre>
 * int&lt;1&gt; 0x1b COM_SET_OPTION
 * int&lt;2&gt; option
 * </pre>
 */
public record ComSetOption(int option) {
  public static final int MYSQL_OPTION_MULTI_STATEMENTS_ON = 0;
  public static final int MYSQL_OPTION_MULTI_STATEMENTS_OFF = 1;

  public static ComSetOption decode(ByteBuf payload) {
    Payloads.expectCommand(payload, CommandType.COM_SET_OPTION);
    return new ComSetOption(Wire.readInt2(payload));
  }

  public void encode(ByteBuf out) {
    Wire.writeInt1(out, CommandType.COM_SET_OPTION.code());
    Wire.writeInt2(out, option);
  }

  public boolean multiStatementsOn() {
    return option == MYSQL_OPTION_MULTI_STATEMENTS_ON;
  }
}
