package io.sluice.bootstrap.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Who this JVM runs as; mysqld refuses to run as root unless told {@code user=root}. */
public final class ProcessUser {
  private ProcessUser() {}

  public static boolean isRoot() {
    try {
      // /proc/self is owned by the uid of the process looking at it.
      return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).intValue() == 0;
    } catch (IOException | UnsupportedOperationException e) {
      return "root".equals(System.getProperty("user.name"));
    }
  }
}
