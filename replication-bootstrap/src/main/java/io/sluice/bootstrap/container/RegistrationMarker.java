package io.sluice.bootstrap.container;

import io.sluice.bootstrap.BootstrapException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code DATADIR/sluice-registered}: the source this datadir was registered with. It lives in
 * the datadir because that is what survives a container restart; with it a restart only starts
 * the replication threads again, without touching the source.
 */
final class RegistrationMarker {
  static final String FILE = "sluice-registered";

  private RegistrationMarker() {}

  static Optional<String> source(Path datadir) {
    Path file = datadir.resolve(FILE);
    try {
      return Files.isRegularFile(file)
          ? Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> l.startsWith("source="))
              .map(l -> l.substring("source=".length()).trim()).findFirst()
          : Optional.empty();
    } catch (IOException e) {
      throw new BootstrapException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  static void write(Path datadir, String source) {
    Path file = datadir.resolve(FILE);
    Path temp = datadir.resolve(FILE + ".tmp");
    try {
      Files.writeString(temp, "# Written by 'sluice bootstrap register'; delete it to register again.\nsource=" + source
          + "\nregistered_at=" + Instant.now() + "\n", StandardCharsets.UTF_8);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new BootstrapException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
