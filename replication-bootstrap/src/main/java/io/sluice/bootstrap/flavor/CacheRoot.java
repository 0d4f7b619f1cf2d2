package io.sluice.bootstrap.flavor;

import java.nio.file.Path;

/**
 * Where unpacked server binaries and template datadirs live, shared by every sandbox, test JVM
 * and benchmark of this user: {@code $SLUICE_CACHE_DIR}, else {@code ~/.cache/sluice}.
 */
public final class CacheRoot {
  public static final String ENV = "SLUICE_CACHE_DIR";

  private CacheRoot() {}

  public static Path resolve() {
    String fromEnv = System.getenv(ENV);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Path.of(fromEnv).toAbsolutePath();
    }
    return Path.of(System.getProperty("user.home"), ".cache", "sluice");
  }

  /** The cache directory of one flavor, e.g. {@code ~/.cache/sluice/mysql-8.0}. */
  public static Path forFlavor(Path root, Flavor flavor) {
    return root.resolve(flavor.id());
  }
}
