package io.sluice.bootstrap.container;

import io.sluice.bootstrap.BootstrapException;
import io.sluice.bootstrap.config.Durability;
import io.sluice.bootstrap.config.MyCnfRenderer;
import io.sluice.bootstrap.config.ServerConfig;
import io.sluice.bootstrap.identity.AutoCnf;
import io.sluice.bootstrap.identity.InstanceName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code sluice bootstrap prepare}: run before mysqld starts. Derives the instance's server_id
 * from its hostname and role, renders the server's option file (the same renderer as the
 * sandbox) with the MYSQLC_MYSQLD_* overrides, and gives a datadir that has no server_uuid yet
 * a fresh one.
 *
 * <p>The uuid: mysqld --initialize writes auto.cnf itself, with a random uuid, and refuses a
 * datadir that already holds a file; so an empty datadir is left to it. An initialised datadir
 * without auto.cnf (baked into an image or copied, with auto.cnf removed) gets a fresh uuid
 * here, before its first start. An existing auto.cnf is never touched: the uuid is the source id
 * of every GTID the server wrote, and a datadir copied with its auto.cnf is caught by
 * {@code register}, which refuses a source with the same uuid.
 */
public final class Prepare {
  private Prepare() {}

  /** What {@link #run} did. {@code writtenUuid} is present when it wrote auto.cnf. */
  public record Result(InstanceName name, long serverId, Optional<String> writtenUuid, Path configFile) {}

  public static Result run(BootstrapEnv env) {
    InstanceName name = InstanceName.fromHostname(env.hostname(), env.role());
    Path datadir = env.datadir();
    ServerConfig config = new ServerConfig(env.flavor(), Path.of("/usr"), name, name.role(), "0.0.0.0", env.port(),
        env.reportHost(), datadir, Path.of("/var/run/mysqld/mysqld.sock"), Path.of("/var/run/mysqld/mysqld.pid"),
        // The container's log is its stderr (docker logs, kubectl logs).
        Path.of("/dev/stderr"), Durability.DURABLE, "256M", 500, false);
    Path file = env.configFile();
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.writeString(file, MyCnfRenderer.render(config, env.mysqldOverrides()), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new BootstrapException("cannot write the mysqld option file " + file + ": " + e.getMessage(), e);
    }
    Optional<String> written = Optional.empty();
    boolean initialised = Files.isDirectory(datadir.resolve("mysql"));
    if (env.flavor().hasServerUuid() && initialised && AutoCnf.read(datadir).isEmpty()) {
      String uuid = UUID.randomUUID().toString();
      AutoCnf.write(datadir, uuid);
      written = Optional.of(uuid);
    }
    return new Result(name, name.serverId(), written, file);
  }
}
