package io.sluice.bootstrap.flavor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Tells which flavor created a datadir, from files only that flavor writes. Starting one
 * flavor's server on another's datadir either fails with an obscure InnoDB error or, worse,
 * "upgrades" it irreversibly.
 */
public final class DatadirFlavor {
  private DatadirFlavor() {}

  public static Optional<Flavor> detect(Path datadir) {
    if (Files.exists(datadir.resolve("aria_log_control"))) {
      return Optional.of(Flavor.MARIADB_1011); // Aria is MariaDB's system-table engine
    }
    if (Files.exists(datadir.resolve("mysql.ibd"))) {
      return Optional.of(Flavor.MYSQL_80); // 8.0's transactional data dictionary
    }
    if (Files.exists(datadir.resolve("mysql").resolve("user.frm"))) {
      return Optional.of(Flavor.MYSQL_57); // .frm files, gone since 8.0
    }
    return Optional.empty();
  }
}
