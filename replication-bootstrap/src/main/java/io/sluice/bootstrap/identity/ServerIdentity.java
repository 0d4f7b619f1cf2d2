package io.sluice.bootstrap.identity;

import java.util.Optional;
import java.util.UUID;

/**
 * What makes one server distinguishable from the others in a replication tree: its
 * server_id (derived from its name) and, on MySQL, its server_uuid (the source id in every
 * GTID it writes). Instances cloned from one template datadir, like containers started from
 * one image, would otherwise share the template's server_uuid and replication would silently
 * skip each other's transactions.
 */
public record ServerIdentity(InstanceName name, long serverId, Optional<String> serverUuid) {

  /** A new identity for a server that has never started: derived server_id, fresh uuid if wanted. */
  public static ServerIdentity fresh(InstanceName name, boolean withServerUuid) {
    Optional<String> uuid = withServerUuid ? Optional.of(UUID.randomUUID().toString()) : Optional.empty();
    return new ServerIdentity(name, name.serverId(), uuid);
  }
}
