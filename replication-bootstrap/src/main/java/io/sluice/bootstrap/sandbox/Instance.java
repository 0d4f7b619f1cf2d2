package io.sluice.bootstrap.sandbox;

import io.sluice.bootstrap.identity.InstanceName;
import io.sluice.bootstrap.identity.Role;
import java.util.Optional;

/**
 * One server of a sandbox, as recorded in {@code sandbox.properties}.
 *
 * @param instanceName its identity: the name and the server_id derived from it never change
 * @param role what it does now: the role its name gives until a switchover or failover (done
 *     by the proxy) moves the master elsewhere, which the next {@code up} records (see
 *     {@link LiveTopology})
 * @param serverUuid the server_uuid (MySQL); empty on MariaDB, which has none
 */
public record Instance(InstanceName instanceName, Role role, String host, int port, long serverId,
    Optional<String> serverUuid, InstanceLayout layout) {

  /** The instance name, e.g. {@code mysql-slave-0}. */
  public String name() {
    return instanceName.value();
  }

  Instance withRole(Role now) {
    return new Instance(instanceName, now, host, port, serverId, serverUuid, layout);
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
