package io.sluice.bootstrap.registration;

import io.sluice.bootstrap.flavor.Flavor;

/** Points a replica at its source and starts replication, by GTID auto-positioning. */
public final class ReplicaSetup {
  private ReplicaSetup() {}

  public static void pointAt(AdminSession replica, Flavor flavor, String sourceHost, int sourcePort,
      ReplicationAccount account) {
    // CHANGE ... TO is refused while replication threads run.
    replica.execute(flavor.dialect().stopReplica());
    replica.execute(flavor.dialect().changeSource(sourceHost, sourcePort, account.user(), account.password()));
    replica.execute(flavor.dialect().startReplica());
  }

  /**
   * Starts the replication threads of an already registered replica; a no-op (with a warning
   * from the server) if they run. Needed after every restart, because replicas are configured
   * not to start replication by themselves.
   */
  public static void start(AdminSession replica, Flavor flavor) {
    replica.execute(flavor.dialect().startReplica());
  }
}
