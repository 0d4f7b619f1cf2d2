package io.sluice.protocol.packet;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.CommandType;
import io.sluice.protocol.wire.Wire;

/**
 * COM_RESET_CONNECTION: reset session state (variables, temporary tables, prepared statements, transaction) without re-authenticating; answered by OK. The proxy uses it to clean a backend connection before reuse.
 *
 * <pre>
 * int&lt;1&gt; 0x1f COM_RESET_CONNECTION
 * </pre>
 */
public record ComResetConnection() {

  public static ComResetConnection decode(ByteBuf payload) {
    Payloads.expectCommand(payload, CommandType.COM_RESET_CONNECTION);
    return new ComResetConnection();
  }

  public void encode(ByteBuf out) {
    Wire.writeInt1(out, CommandType.COM_RESET_CONNECTION.code());
  }
}
