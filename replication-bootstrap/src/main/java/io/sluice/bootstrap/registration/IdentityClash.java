package io.sluice.bootstrap.registration;

import io.sluice.bootstrap.BootstrapException;
import io.sluice.bootstrap.flavor.Flavor;

/**
 * Refuses to replicate between two servers that look like one. A replica skips every event
 * that carries its own server_id, and on MySQL every GTID that carries its own server_uuid:
 * with a clash it would silently miss the source's writes. Containers started from one image
 * with a baked datadir, or datadirs copied by hand, are how this happens.
 */
public final class IdentityClash {
  private IdentityClash() {}

  public static void refuse(AdminSession replica, AdminSession source, Flavor flavor) {
    String replicaId = replica.value("SELECT @@GLOBAL.server_id");
    String sourceId = source.value("SELECT @@GLOBAL.server_id");
    if (replicaId.equals(sourceId)) {
      throw new BootstrapException(replica.label() + " and its source " + source.label() + " both have server_id "
          + replicaId + "; a replica ignores events with its own server_id. Give them distinct ids: derive them from"
          + " distinct hostnames ([prefix-]<role>-<N>) and remove any server_id override (MYSQLC_MYSQLD_SERVER_ID)");
    }
    if (flavor.hasServerUuid()) {
      String replicaUuid = replica.value("SELECT @@GLOBAL.server_uuid");
      String sourceUuid = source.value("SELECT @@GLOBAL.server_uuid");
      if (replicaUuid.equalsIgnoreCase(sourceUuid)) {
        throw new BootstrapException(replica.label() + " and its source " + source.label() + " both have server_uuid "
            + replicaUuid + "; a replica ignores GTIDs with its own uuid. The datadir was copied from another"
            + " server: stop " + replica.label() + ", delete auto.cnf in its datadir (or run 'sluice bootstrap"
            + " prepare' on a datadir without one) and start it again");
      }
    }
  }
}
