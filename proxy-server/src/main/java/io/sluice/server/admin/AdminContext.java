package io.sluice.server.admin;

import io.sluice.server.ProxyRuntime;
import java.util.List;

/** What the admin statements act on: the running proxy. */
public interface AdminContext {
  ProxyRuntime runtime();

  /** The client sessions open now. */
  List<SessionInfo> sessions();

  /** Re-reads the config file and applies it; returns what changed. Throws ConfigException if invalid. */
  String reload();

  /** Writes the live backends and client allow-list into the config file; returns the file. */
  String saveConfig();

  /** Planned promotion of replica {@code name}; returns what was done. */
  String switchover(String name);

  /** Promotion of the most advanced replica while the master is down; returns what was done. */
  String failover();

  /** One row of {@code SELECT * FROM sessions}. */
  record SessionInfo(long id, String user, String host, String state, String backend, String consistency) {}
}
