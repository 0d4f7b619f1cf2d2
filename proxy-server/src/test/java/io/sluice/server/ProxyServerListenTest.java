package io.sluice.server;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.server.config.ConfigLoader;
import io.sluice.server.config.ProxyConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A listen address that is taken is reported against the key that names it: the admin and
 * metrics ports were reported as sluice.listen with the proxy's own (free) port.
 */
class ProxyServerListenTest {
  @TempDir Path dir;

  @Test
  void aTakenPortIsReportedAgainstItsOwnKey() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      for (String key : new String[] {"sluice.listen", "sluice.admin.listen", "sluice.metrics.listen"}) {
        String listen = key.equals("sluice.listen") ? "127.0.0.1:" + port : "127.0.0.1:0";
        String admin = key.equals("sluice.admin.listen") ? "127.0.0.1:" + port : "127.0.0.1:0";
        String metrics = key.equals("sluice.metrics.listen") ? "127.0.0.1:" + port : "127.0.0.1:0";
        Path file = dir.resolve("routing.conf");
        Files.writeString(file, """
            sluice {
              listen = "%s"
              admin { listen = "%s", user = "admin", password = "admin" }
              metrics { listen = "%s" }
              users = [ { name = "app", password = "secret" } ]
              backends { master = { name = "m", address = "127.0.0.1:1" } }
            }
            """.formatted(listen, admin, metrics));
        ProxyConfig config = ConfigLoader.load(file);
        IllegalStateException e = assertThrows(IllegalStateException.class,
            () -> ProxyServer.start(config, 1, EventLoopBinding.OFF).close());
        assertTrue(e.getMessage().equals(file + ": " + key + ": cannot listen on 127.0.0.1:" + port
            + " (address already in use); choose a free port"), e.getMessage());
      }
    }
  }
}
