package io.sluice.bootstrap.flavor;

import io.sluice.bootstrap.BootstrapException;
import io.sluice.bootstrap.process.CommandRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Checks that a server binary's shared libraries resolve, before it is started: a missing
 * library otherwise shows up as an exit with a loader message on stderr that no log file
 * records. The generic MySQL builds need libaio, which minimal images lack.
 */
public final class SharedLibraries {
  /** What a user must do when libaio is missing. */
  public static final String LIBAIO_FIX = "mysqld needs libaio.so.1 (Linux asynchronous I/O), which is not installed;"
      + " install it with: apt-get install -y libaio1 (RHEL/Fedora: dnf install -y libaio; Ubuntu 24.04+:"
      + " apt-get install -y libaio1t64 && ln -s libaio.so.1t64 /usr/lib/x86_64-linux-gnu/libaio.so.1)";

  private SharedLibraries() {}

  public static void check(Path binary) {
    CommandRunner.Result ldd;
    try {
      ldd = CommandRunner.run(List.of("ldd", binary.toString()), Duration.ofSeconds(30));
    } catch (BootstrapException e) {
      return; // no ldd here: the start itself will report a loader error
    }
    List<String> missing = ldd.output().lines()
        .filter(l -> l.contains("=> not found"))
        .map(l -> l.trim().split("\\s+")[0])
        .collect(Collectors.toList());
    if (missing.isEmpty()) {
      return;
    }
    if (missing.stream().anyMatch(l -> l.startsWith("libaio.so"))) {
      throw new BootstrapException(LIBAIO_FIX);
    }
    throw new BootstrapException(binary + " needs shared libraries that are not installed: "
        + String.join(", ", missing) + "; install the packages that provide them");
  }

  /** True if a loader or server message says libaio could not be loaded. */
  public static boolean mentionsMissingLibaio(String output) {
    return output.contains("libaio.so.1");
  }
}
