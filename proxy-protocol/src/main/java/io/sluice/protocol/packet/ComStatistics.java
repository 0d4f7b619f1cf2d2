package io.sluice.protocol.packet;

import io.netty.buffer.ByteBuf;
import io.sluice.protocol.CommandType;
import io.sluice.protocol.wire.Wire;

/**
 * COM_STATISTICS: a human-readable status line. Quirk: the answer is a bare string&lt;EOF&gt; packet, neither OK nor a result set.
 *
 * <pre>
 * int&lt;1&gt; 0x09 COM_STATISTICS
 * </pre>
 */
public record ComStatistics() {

  public static ComStatistics decode(ByteBuf payload) {
    Payloads.expectCommand(payload, CommandType.COM_STATISTICS);
    return new ComStatistics();
  }

  public void encode(ByteBuf out) {
    Wire.writeInt1(out, CommandType.COM_STATISTICS.code());
  }
}
