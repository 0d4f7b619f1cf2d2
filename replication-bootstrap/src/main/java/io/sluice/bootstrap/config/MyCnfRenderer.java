package io.sluice.bootstrap.config;

import io.sluice.bootstrap.flavor.Flavor;
import java.nio.file.Path;

/**
 * Renders the option file of a server in a GTID replication tree, with the option names each
 * flavor understands. Initialisation and every later start use the same storage options, so
 * a datadir created from a template never has to be converted on first start.
 */
public final class MyCnfRenderer {
  private MyCnfRenderer() {}

  /** The option file a server runs with. */
  public static String render(ServerConfig c) {
    return render(c, java.util.Map.of());
  }

  /**
   * The option file with {@code overrides} appended to {@code [mysqld]}: in an option file the
   * last value of an option wins, so an override replaces what Sluice rendered above it.
   *
   * @param overrides option name -> value, e.g. from {@code MYSQLC_MYSQLD_*} environment variables
   */
  public static String render(ServerConfig c, java.util.Map<String, String> overrides) {
    MyCnf cnf = renderBase(c);
    if (!overrides.isEmpty()) {
      cnf.comment("Overrides from the environment (MYSQLC_MYSQLD_<option>=<value>); they win over the above.");
      new java.util.TreeMap<>(overrides).forEach(cnf::option);
    }
    return cnf.render();
  }

  private static MyCnf renderBase(ServerConfig c) {
    Flavor f = c.flavor();
    boolean replica = c.role().replicates();
    MyCnf cnf = new MyCnf("Rendered by Sluice for " + c.name() + " (" + c.role().word() + ", " + f.id()
        + ").\nserver_id is derived from the instance name; see InstanceName.");
    cnf.option("basedir", c.basedir())
        .option("datadir", c.datadir())
        .option("socket", c.socket())
        .option("pid_file", c.pidFile())
        .option("log_error", c.errorLog());
    if (c.runAsRoot()) {
      cnf.comment("mysqld refuses to run as root unless told to; this process runs as uid 0.")
          .option("user", "root");
    }

    cnf.comment("Network. skip_name_resolve: accounts are matched by IP, and a slow or missing\n"
            + "reverse DNS can never stall a login.")
        .option("bind_address", c.bindAddress())
        .option("port", c.port())
        .option("skip_name_resolve", "ON")
        .option("max_connections", c.maxConnections());
    if (f == Flavor.MYSQL_80) {
      cnf.option("mysqlx", "OFF");
    }

    cnf.comment("Identity. report_host/report_port: what this server announces to its source\n"
            + "(SHOW REPLICAS), so tools discover the tree with the right addresses.")
        .option("server_id", c.serverId())
        .option("report_host", c.reportHost())
        .option("report_port", c.port());

    cnf.comment("Binary log and GTIDs: every server logs, replicas included, so any replica can be\n"
            + "promoted and the others re-pointed at it by GTID auto-positioning.")
        .option("log_bin", "binlog")
        .option("binlog_format", "ROW")
        // The default relay log name contains the hostname, which changes when a container is
        // rescheduled; a fixed name keeps the replica's position across that.
        .option("relay_log", "relay-bin");
    if (f == Flavor.MYSQL_80) {
      cnf.option("gtid_mode", "ON").option("enforce_gtid_consistency", "ON").option("log_replica_updates", "ON");
    } else if (f == Flavor.MYSQL_57) {
      cnf.option("gtid_mode", "ON").option("enforce_gtid_consistency", "ON").option("log_slave_updates", "ON")
          // 5.7 defaults to FILE, which a killed replica can leave behind its relay log.
          .option("master_info_repository", "TABLE")
          .option("relay_log_info_repository", "TABLE");
    } else {
      // MariaDB GTIDs are always on; strict mode refuses out-of-order GTIDs instead of
      // letting a replica diverge silently.
      cnf.option("log_slave_updates", "ON").option("gtid_strict_mode", "ON");
    }

    if (replica) {
      cnf.comment("A replica: only replication writes. Replication is started explicitly after\n"
          + "registration (and by the sandbox after a restart), never on its own against a source\n"
          + "that may not be set up yet.");
      cnf.option("read_only", "ON");
      if (!f.isMariaDb()) {
        cnf.option("super_read_only", "ON");
      }
      cnf.option(f == Flavor.MYSQL_80 ? "skip_replica_start" : "skip_slave_start", "ON");
      // Reconnect when the source has been silent for 5 s; it sends a heartbeat every second
      // (ReplicationDialect.changeSource), so only a source that is really gone stays silent.
      cnf.option(f == Flavor.MYSQL_80 ? "replica_net_timeout" : "slave_net_timeout", 5);
      // After a crash, throw the relay log away and fetch again from the source's binary log.
      cnf.option("relay_log_recovery", "ON");
    }

    cnf.comment("Memory: small enough for several servers on one laptop or CI runner.")
        .option("performance_schema", "OFF")
        .option("innodb_buffer_pool_size", c.bufferPoolSize());
    storage(cnf, f);
    durability(cnf, c.durability());
    return cnf;
  }

  /**
   * The option file used once to create a template datadir ({@code mysqld --initialize} or
   * {@code mariadb-install-db}): only what must match later starts.
   */
  public static String renderForInitialize(Flavor f, Path basedir, Path datadir, Path errorLog, boolean runAsRoot) {
    MyCnf cnf = new MyCnf("Rendered by Sluice to initialise a " + f.id() + " template datadir.");
    cnf.option("basedir", basedir).option("datadir", datadir).option("log_error", errorLog);
    if (runAsRoot) {
      cnf.option("user", "root");
    }
    cnf.option("skip_name_resolve", "ON");
    storage(cnf, f);
    return cnf.render();
  }

  private static void storage(MyCnf cnf, Flavor f) {
    // Small redo logs: each sandbox instance is a copy of the template, and the defaults
    // (100 MB on 8.0, 2 x 48 MB on 5.7, 96 MB on MariaDB) would dominate the copy time and disk.
    switch (f) {
      case MYSQL_80 -> cnf.option("innodb_redo_log_capacity", "32M");
      case MYSQL_57 -> cnf.option("innodb_log_file_size", "16M");
      case MARIADB_1011 -> cnf.option("innodb_log_file_size", "32M");
    }
  }

  private static void durability(MyCnf cnf, Durability d) {
    if (d == Durability.RELAXED) {
      cnf.comment("Relaxed durability (see Durability.RELAXED): a killed mysqld loses nothing,\n"
              + "only an operating-system crash can; commits stop waiting for two fsyncs.")
          .option("innodb_flush_log_at_trx_commit", 2)
          .option("sync_binlog", 0);
    } else {
      cnf.comment("Full durability: fsync the redo log and the binary log at every commit.")
          .option("innodb_flush_log_at_trx_commit", 1)
          .option("sync_binlog", 1);
    }
  }
}
