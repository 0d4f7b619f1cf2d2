package io.sluice.bootstrap.registration;

import io.sluice.bootstrap.BootstrapException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;

/**
 * How to reach one server with an administrative account: the sandbox's root on 127.0.0.1, or a
 * container's root at its service DNS name. {@code host:port} is also what a replica is told to
 * replicate from, so it must be the address as the replica sees it.
 *
 * @param label the name used in messages, e.g. {@code mysql-relay-0}
 */
public record Endpoint(String label, String host, int port, String user, String password) {
  public Endpoint {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    if (port < 1 || port > 65535) {
      throw new BootstrapException("port " + port + " of " + label + " is outside 1..65535");
    }
  }

  public String address() {
    return host + ":" + port;
  }

  /** An administrative session, or a {@link BootstrapException} that names the server and the address. */
  public AdminSession open(Duration timeout) {
    return open(timeout, new Properties());
  }

  AdminSession open(Duration timeout, Properties extra) {
    try {
      return AdminSession.open(label, host, port, user, password, timeout, extra);
    } catch (SQLException e) {
      throw new BootstrapException("cannot log in to " + label + " at " + address() + " as " + user + ": "
          + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return label + "@" + address();
  }
}
