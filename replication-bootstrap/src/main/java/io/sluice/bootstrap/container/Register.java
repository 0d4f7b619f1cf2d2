package io.sluice.bootstrap.container;

import io.sluice.bootstrap.BootstrapException;
import io.sluice.bootstrap.flavor.Flavor;
import io.sluice.bootstrap.identity.Role;
import io.sluice.bootstrap.registration.AdminSession;
import io.sluice.bootstrap.registration.ApplicationAccount;
import io.sluice.bootstrap.registration.Endpoint;
import io.sluice.bootstrap.registration.ReplicaRegistration;
import io.sluice.bootstrap.registration.ReplicaSetup;
import io.sluice.bootstrap.registration.ReplicaStatus;
import io.sluice.bootstrap.registration.ReplicationAccount;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code sluice bootstrap register}: run once mysqld accepts connections. On the master it
 * creates the replication account (outside the binary log) and the application database and
 * account (in it, so replication carries them). On a relay or slave it runs the same
 * {@link ReplicaRegistration} as the sandbox, against the source named by the environment,
 * then writes the {@link RegistrationMarker}. A restart with the marker in place only starts
 * the replication threads again.
 */
public final class Register {
  private static final Duration POLL = Duration.ofSeconds(1);

  private Register() {}

  public enum Outcome { MASTER_READY, RESTARTED, REGISTERED, SEEDED_AND_REGISTERED, ALREADY_REPLICATING }

  /**
   * The statements differ by flavor, so a MariaDB server bootstrapped as MySQL (SLUICE_FLAVOR
   * left at its default) would fail later with an obscure "Unknown system variable"; say so now.
   */
  static void requireFlavor(AdminSession session, Flavor flavor) {
    String version = session.value("SELECT VERSION()");
    Flavor actual = Flavor.ofVersion(version);
    if (actual != flavor) {
      throw new BootstrapException(session.label() + " runs " + version + " but " + BootstrapEnv.FLAVOR + " is "
          + flavor.id() + "; set " + BootstrapEnv.FLAVOR + "=" + actual.id());
    }
  }

  public static Outcome run(BootstrapEnv env, String localHost, Consumer<String> progress) {
    Flavor flavor = env.flavor();
    Endpoint local = new Endpoint(env.hostname(), localHost, env.port(), "root", env.rootPassword());
    long deadline = System.nanoTime() + env.timeout().toNanos();
    try (AdminSession session = awaitLogin(local, deadline, progress)) {
      requireFlavor(session, flavor);
      if (env.role() == Role.MASTER) {
        new ReplicationAccount(env.replicationUser(), env.requireReplicationPassword()).ensureOn(session, flavor);
        if (env.appUser().isPresent() && env.appDatabase().isPresent()) {
          new ApplicationAccount(env.appDatabase().get(), env.appUser().get(), env.appPassword().orElse(""))
              .createOnSource(session);
        }
        return Outcome.MASTER_READY;
      }
      String source = env.sourceHost() + ":" + env.sourcePort();
      Optional<ReplicaStatus> status = ReplicaStatus.read(session, flavor.dialect());
      if (RegistrationMarker.source(env.datadir()).filter(source::equals).isPresent() && status.isPresent()
          && (status.get().sourceHost() + ":" + status.get().sourcePort()).equals(source)) {
        progress.accept("already registered with " + source + " (" + RegistrationMarker.FILE + "); starting replication");
        ReplicaSetup.start(session, flavor);
        return Outcome.RESTARTED;
      }
    }
    Endpoint sourceEndpoint = new Endpoint(env.sourceHost(), env.sourceHost(), env.sourcePort(), "root",
        env.rootPassword());
    awaitLogin(sourceEndpoint, deadline, progress).close();
    ReplicationAccount account = new ReplicationAccount(env.replicationUser(), env.requireReplicationPassword());
    ReplicaRegistration.Report report = ReplicaRegistration.register(local, sourceEndpoint, flavor, account,
        Duration.ofNanos(Math.max(deadline - System.nanoTime(), Duration.ofSeconds(30).toNanos())), progress);
    RegistrationMarker.write(env.datadir(), env.sourceHost() + ":" + env.sourcePort());
    return switch (report.outcome()) {
      case ALREADY_REPLICATING -> Outcome.ALREADY_REPLICATING;
      case REGISTERED -> Outcome.REGISTERED;
      case SEEDED_AND_REGISTERED -> Outcome.SEEDED_AND_REGISTERED;
    };
  }

  /** Servers in a cluster start in any order: wait for each, up to the bootstrap's deadline. */
  private static AdminSession awaitLogin(Endpoint endpoint, long deadline, Consumer<String> progress) {
    boolean told = false;
    while (true) {
      try {
        return endpoint.open(Duration.ofSeconds(5));
      } catch (BootstrapException e) {
        if (System.nanoTime() > deadline) {
          throw new BootstrapException("gave up waiting for " + endpoint + ": " + e.getMessage(), e);
        }
        if (!told) {
          progress.accept("waiting for " + endpoint + " to accept logins (" + e.getMessage() + ")");
          told = true;
        }
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw new BootstrapException("interrupted while waiting for " + endpoint, ie);
      }
    }
  }

  /** Whether replication is healthy enough to serve reads: both threads run and lag is within the bound. */
  public static boolean replicating(BootstrapEnv env, String localHost, Duration maxLag) {
    Endpoint local = new Endpoint(env.hostname(), localHost, env.port(), "root", env.rootPassword());
    try (AdminSession s = local.open(Duration.ofSeconds(3))) {
      if (env.role() == Role.MASTER) {
        return true;
      }
      return ReplicaStatus.read(s, env.flavor().dialect())
          .filter(ReplicaStatus::running)
          .filter(r -> r.lagSeconds().isPresent() && r.lagSeconds().getAsLong() <= maxLag.toSeconds())
          .isPresent();
    } catch (BootstrapException e) {
      return false;
    }
  }
}
