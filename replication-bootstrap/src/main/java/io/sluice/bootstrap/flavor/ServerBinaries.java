package io.sluice.bootstrap.flavor;

import io.sluice.bootstrap.BootstrapException;
import io.sluice.bootstrap.files.FileTrees;
import io.sluice.bootstrap.process.CommandRunner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server executables of one flavor on this machine.
 *
 * <p>MySQL comes from the Maven bundles (unpacked once per user into the cache); MariaDB comes
 * from the system package, which is how distributions ship it and which installs no daemon
 * by itself.
 *
 * @param mysqld the server binary ({@code mysqld} or {@code mariadbd})
 * @param basedir the installation root the server finds share/ and lib/plugin under
 * @param installDb {@code mariadb-install-db} for MariaDB; MySQL initialises with mysqld itself
 */
public record ServerBinaries(Flavor flavor, String version, Path mysqld, Path basedir, Optional<Path> installDb) {
  private static final List<Path> MARIADBD = List.of(Path.of("/usr/sbin/mariadbd"), Path.of("/usr/bin/mariadbd"));
  private static final List<Path> INSTALL_DB =
      List.of(Path.of("/usr/bin/mariadb-install-db"), Path.of("/usr/bin/mysql_install_db"));
  private static final Pattern MARIADB_VERSION = Pattern.compile("Ver (\\d+\\.\\d+\\.\\d+)-MariaDB");

  /** Finds (and on first use unpacks) the binaries of {@code flavor}, and checks they can load. */
  public static ServerBinaries locate(Flavor flavor, Path cacheRoot) {
    ServerBinaries binaries = switch (flavor) {
      case MYSQL_80 -> fromBundle(flavor, MysqlBundle.MYSQL_80, cacheRoot);
      case MYSQL_57 -> fromBundle(flavor, MysqlBundle.MYSQL_57, cacheRoot);
      case MARIADB_1011 -> systemMariaDb();
    };
    SharedLibraries.check(binaries.mysqld());
    return binaries;
  }

  private static ServerBinaries fromBundle(Flavor flavor, MysqlBundle bundle, Path cacheRoot) {
    Path dist = CacheRoot.forFlavor(cacheRoot, flavor).resolve("mysql-" + bundle.serverVersion());
    FileTrees.createOnce(dist, temp -> untar(bundle, temp));
    Path mysqld = dist.resolve("bin").resolve("mysqld");
    if (!Files.isExecutable(mysqld)) {
      throw new BootstrapException(mysqld + " is missing or not executable; delete " + dist
          + " so it is unpacked again from " + bundle.coordinates());
    }
    return new ServerBinaries(flavor, bundle.serverVersion(), mysqld, dist, Optional.empty());
  }

  private static void untar(MysqlBundle bundle, Path into) {
    // tar keeps the executable bits and symbolic links that a hand-written reader would have
    // to recreate, and exists on every machine that can run these Linux binaries.
    try (InputStream tarball = BundleLocator.openTarball(bundle)) {
      CommandRunner.Result r = CommandRunner.run(List.of("tar", "xzf", "-", "-C", into.toString()),
          Duration.ofMinutes(5), tarball);
      if (!r.succeeded()) {
        throw new BootstrapException("unpacking " + MysqlBundle.TARBALL + " of " + bundle.coordinates() + " into "
            + into + " failed (tar exit " + r.exitCode() + "): " + r.output());
      }
    } catch (IOException e) {
      throw new BootstrapException("cannot read " + MysqlBundle.TARBALL + " of " + bundle.coordinates()
          + ": " + e.getMessage(), e);
    }
  }

  private static ServerBinaries systemMariaDb() {
    String install = "install the MariaDB 10.11 server package (Debian 12: apt-get install -y mariadb-server;"
        + " installing it need not start its service)";
    Path mariadbd = MARIADBD.stream().filter(Files::isExecutable).findFirst()
        .orElseThrow(() -> new BootstrapException("flavor mariadb-10.11 needs mariadbd, not found at " + MARIADBD
            + "; " + install));
    Path installDb = INSTALL_DB.stream().filter(Files::isExecutable).findFirst()
        .orElseThrow(() -> new BootstrapException("flavor mariadb-10.11 needs mariadb-install-db, not found at "
            + INSTALL_DB + "; " + install));
    CommandRunner.Result v = CommandRunner.run(List.of(mariadbd.toString(), "--version"), Duration.ofSeconds(30));
    Matcher m = MARIADB_VERSION.matcher(v.output());
    if (!v.succeeded() || !m.find()) {
      throw new BootstrapException("cannot tell the version of " + mariadbd + " (exit " + v.exitCode() + "): "
          + v.output().strip());
    }
    String version = m.group(1);
    if (!version.startsWith("10.11.")) {
      throw new BootstrapException(mariadbd + " is MariaDB " + version + ", but flavor mariadb-10.11 needs 10.11.x; "
          + install);
    }
    // mariadbd lives in /usr/sbin and finds share/mysql and lib/mysql/plugin under /usr.
    return new ServerBinaries(Flavor.MARIADB_1011, version, mariadbd, Path.of("/usr"), Optional.of(installDb));
  }
}
