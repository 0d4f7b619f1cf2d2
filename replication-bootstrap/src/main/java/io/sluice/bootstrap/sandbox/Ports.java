package io.sluice.bootstrap.sandbox;

import io.sluice.bootstrap.BootstrapException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Free-port discovery and checks on the sandbox's loopback address. */
final class Ports {
  private Ports() {}

  /**
   * {@code n} distinct ports that are free right now: all are held open together, so the
   * kernel cannot hand out the same one twice, then released for the servers to take.
   */
  static List<Integer> pickFree(String host, int n) {
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket();
        held.add(s);
        s.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
      }
      return held.stream().map(ServerSocket::getLocalPort).toList();
    } catch (IOException e) {
      throw new BootstrapException("cannot find " + n + " free ports on " + host + ": " + e.getMessage(), e);
    } finally {
      for (ServerSocket s : held) {
        try {
          s.close();
        } catch (IOException ignored) {
          // Nothing to release.
        }
      }
    }
  }

  /** The error for a port someone else holds, naming the instance that needs it and the way out. */
  static BootstrapException inUse(String host, int port, String instance) {
    return new BootstrapException("port " + port + " for " + instance + " on " + host + " is in use by another"
        + " process; stop that process (see: ss -ltnp 'sport = :" + port + "'), or start the sandbox with another"
        + " --base-port, or in a new directory without one to use free ports");
  }

  /**
   * Whether a server could listen on {@code host:port} now. SO_REUSEADDR is set as mysqld sets
   * it, so a port whose last connection is in TIME_WAIT counts as free, as it would for mysqld.
   */
  static boolean isFree(String host, int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getByName(host), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
