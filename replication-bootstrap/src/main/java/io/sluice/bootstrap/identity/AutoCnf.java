package io.sluice.bootstrap.identity;

import io.sluice.bootstrap.BootstrapException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code DATADIR/auto.cnf}: where MySQL keeps its server_uuid. MySQL generates one on first
 * start only if this file is absent, so writing it before the first start is how a cloned
 * datadir gets its own identity.
 */
public final class AutoCnf {
  private static final String FILE = "auto.cnf";

  private AutoCnf() {}

  public static void write(Path datadir, String serverUuid) {
    UUID.fromString(serverUuid); // rejects malformed text: mysqld would refuse to start on it
    try {
      Files.writeString(datadir.resolve(FILE), "[auto]\nserver-uuid=" + serverUuid + "\n", StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new BootstrapException("cannot write " + datadir.resolve(FILE) + ": " + e.getMessage(), e);
    }
  }

  public static Optional<String> read(Path datadir) {
    Path file = datadir.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Files.readAllLines(file, StandardCharsets.US_ASCII).stream()
          .map(String::trim)
          .filter(l -> l.startsWith("server-uuid="))
          .map(l -> l.substring("server-uuid=".length()).trim())
          .findFirst();
    } catch (IOException e) {
      throw new BootstrapException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
