package io.sluice.bootstrap.sandbox;

import io.sluice.bootstrap.identity.InstanceName;
import io.sluice.bootstrap.identity.Role;
import java.util.Optional;

/**
 * One server of a sandbox, as recorded in {@code sandbox.properties}.
 *
 * @param serverUuid the server_uuid (MySQL); empty on MariaDB, which has none
 */
public record Instance(
    InstanceName instanceName, String host, int port, long serverId, Optional<String> serverUuid, InstanceLayout layout) {

  /** The instance name, e.g. {@code mysql-slave-0}. */
  public String name() {
    return instanceName.value();
  }

  public Role role() {
    return instanceName.role();
  }

  /** {@code host:port}, as written in routing.conf. */
  public String address() {
    return host + ":" + port;
  }

  /** {@code jdbc:mysql://host:port/database}; pass "" for no default database. */
  public String jdbcUrl(String database) {
    return "jdbc:mysql://" + host + ":" + port + "/" + database;
  }

  @Override
  public String toString() {
    return name() + "@" + address();
  }
}
