package io.sluice.bootstrap.config;

import io.sluice.bootstrap.BootstrapException;
import io.sluice.bootstrap.flavor.Flavor;
import io.sluice.bootstrap.identity.InstanceName;
import io.sluice.bootstrap.identity.Role;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything needed to render one server's option file. The same record describes a sandbox
 * instance on 127.0.0.1 and a container bound to 0.0.0.0 that reports its pod DNS name.
 *
 * @param basedir the server installation (where share/ and lib/plugin are)
 * @param role what the server does now, which decides read_only and replication at start: the
 *     role of its name until a switchover moves the master elsewhere
 * @param reportHost the address replicas and tools should use to reach this server (SHOW REPLICAS)
 * @param bufferPoolSize innodb_buffer_pool_size in option-file syntax, e.g. {@code 64M}
 * @param runAsRoot whether the server process runs as uid 0 and must be told {@code user=root}
 */
public record ServerConfig(
    Flavor flavor,
    Path basedir,
    InstanceName name,
    Role role,
    String bindAddress,
    int port,
    String reportHost,
    Path datadir,
    Path socket,
    Path pidFile,
    Path errorLog,
    Durability durability,
    String bufferPoolSize,
    int maxConnections,
    boolean runAsRoot) {

  public ServerConfig {
    Objects.requireNonNull(flavor, "flavor");
    Objects.requireNonNull(basedir, "basedir");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(bindAddress, "bindAddress");
    Objects.requireNonNull(reportHost, "reportHost");
    Objects.requireNonNull(datadir, "datadir");
    Objects.requireNonNull(socket, "socket");
    Objects.requireNonNull(pidFile, "pidFile");
    Objects.requireNonNull(errorLog, "errorLog");
    Objects.requireNonNull(durability, "durability");
    if (port < 1 || port > 65535) {
      throw new BootstrapException("port " + port + " of " + name + " is outside 1..65535");
    }
    if (maxConnections < 1) {
      throw new BootstrapException("maxConnections must be positive, got " + maxConnections);
    }
  }

  public long serverId() {
    return name.serverId();
  }
}
