package io.sluice.server.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.Future;
import io.sluice.protocol.error.ErrorCodes;
import io.sluice.protocol.error.SqlError;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackendConnectorTest {

  /**
   * A server that hangs up before the login is done (restarting, killed, a load balancer whose
   * target died): nothing of a client's was sent, so the client must hear "unavailable", which
   * it may retry, not "lost during query, may have executed".
   */
  @Test
  void aServerThatHangsUpDuringLoginIsUnavailableNotLost() throws Exception {
    NioEventLoopGroup group = new NioEventLoopGroup(1);
    try (ServerSocket server = new ServerSocket(0)) {
      Thread hangUp = new Thread(() -> {
        try (Socket s = server.accept()) {
          // closed at once, before any greeting
        } catch (java.io.IOException ignored) {
          // the test ends either way
        }
      });
      hangUp.start();
      Future<BackendConnection> login = new BackendConnector(NioSocketChannel.class, Duration.ofSeconds(5), BackendTls.disabled())
          .connect(group.next(), "slave-9", "127.0.0.1", server.getLocalPort(), new BackendCredentials("app", "app"), 0, 255);
      assertTrue(login.await(10_000), "the login ends");
      SqlError error = assertInstanceOf(BackendException.class, login.cause()).error();
      assertEquals(ErrorCodes.SLUICE_NO_BACKEND, error.code(), error.message());
      assertEquals("HY000", error.sqlState());
      assertTrue(error.message().contains("'slave-9'") && error.message().contains("while logging in"), error.message());
      hangUp.join(5_000);
    } finally {
      group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
