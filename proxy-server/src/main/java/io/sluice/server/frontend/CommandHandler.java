package io.sluice.server.frontend;

import io.sluice.protocol.CommandType;
import io.sluice.protocol.wire.Packet;

/** Handles one kind of client command. Owns {@code packet}: forwards or releases it. */
interface CommandHandler {
  void handle(ClientSession session, CommandType type, Packet packet);
}
