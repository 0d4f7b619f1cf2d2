package io.sluice.protocol.packet;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.CommandType;
import io.sluice.protocol.wire.Wire;

/**
 * COM_PING: liveness check, answered by OK. Pools send it constantly; the proxy can answer it itself.
 *
 * <pre>
 * int&lt;1&gt; 0x0e COM_PING
 * </pre>
 */
public record ComPing() {

  public static ComPing decode(ByteBuf payload) {
    Payloads.expectCommand(payload, CommandType.COM_PING);
    return new ComPing();
  }

  public void encode(ByteBuf out) {
    Wire.writeInt1(out, CommandType.COM_PING.code());
  }
}
