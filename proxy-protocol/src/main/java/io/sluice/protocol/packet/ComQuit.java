package io.sluice.protocol.packet;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.CommandType;
import io.sluice.protocol.wire.Wire;

/**
 * COM_QUIT: the client is closing. No response; the server closes the connection.
 *
 * <pre>
 * int&lt;1&gt; 0x01 COM_QUIT
 * </pre>
 */
public record ComQuit() {

  public static ComQuit decode(ByteBuf payload) {
    Payloads.expectCommand(payload, CommandType.COM_QUIT);
    return new ComQuit();
  }

  public void encode(ByteBuf out) {
    Wire.writeInt1(out, CommandType.COM_QUIT.code());
  }
}
