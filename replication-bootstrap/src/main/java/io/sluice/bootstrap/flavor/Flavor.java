package io.sluice.bootstrap.flavor;

import io.sluice.bootstrap.BootstrapException;
import java.util.Arrays;
import java.util.stream.Collectors;

/** A server product and major version: decides binaries, initialisation, options and SQL dialect. */
public enum Flavor {
  MYSQL_80("mysql-8.0", new MySql80Dialect()),
  MYSQL_57("mysql-5.7", new MySql57Dialect()),
  MARIADB_1011("mariadb-10.11", new MariaDbDialect());

  private final String id;
  private final ReplicationDialect dialect;

  Flavor(String id, ReplicationDialect dialect) {
    this.id = id;
    this.dialect = dialect;
  }

  /** The name users type: {@code mysql-8.0}, {@code mysql-5.7}, {@code mariadb-10.11}. */
  public String id() {
    return id;
  }

  public ReplicationDialect dialect() {
    return dialect;
  }

  public boolean isMariaDb() {
    return this == MARIADB_1011;
  }

  /** MySQL identifies servers in GTIDs by server_uuid; MariaDB uses domain and server_id instead. */
  public boolean hasServerUuid() {
    return !isMariaDb();
  }

  /** The flavor of a running server, from its {@code SELECT VERSION()}. */
  public static Flavor ofVersion(String version) {
    if (version.contains("MariaDB")) {
      return MARIADB_1011;
    }
    return version.startsWith("5.") ? MYSQL_57 : MYSQL_80;
  }

  public static Flavor parse(String id) {
    return Arrays.stream(values())
        .filter(f -> f.id.equalsIgnoreCase(id.trim()) || f.name().equalsIgnoreCase(id.trim()))
        .findFirst()
        .orElseThrow(() -> new BootstrapException("unknown flavor '" + id + "'; use one of " + ids()));
  }

  public static String ids() {
    return Arrays.stream(values()).map(Flavor::id).collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return id;
  }
}
