package io.sluice.server.backend;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.File;
import java.net.InetSocketAddress;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * TLS from Sluice to its backends. {@code DISABLED} (default): caching_sha2_password's full
 * authentication then uses the server's RSA key. {@code PREFERRED}: TLS when the server offers
 * it. {@code REQUIRED}: refuse servers without TLS. With a CA file the server certificate is
 * verified; without one it is accepted as mysqld's auto-generated certificates are.
 */
public record BackendTls(Mode mode, SslContext context) {
  public enum Mode { DISABLED, PREFERRED, REQUIRED }

  public static BackendTls disabled() {
    return new BackendTls(Mode.DISABLED, null);
  }

  public static BackendTls of(Mode mode, Optional<File> caFile) {
    if (mode == Mode.DISABLED) {
      return disabled();
    }
    try {
      SslContextBuilder b = SslContextBuilder.forClient().protocols("TLSv1.3", "TLSv1.2");
      b = caFile.isPresent() ? b.trustManager(caFile.get()) : b.trustManager(InsecureTrustManagerFactory.INSTANCE);
      return new BackendTls(mode, b.build());
    } catch (SSLException e) {
      throw new IllegalStateException("cannot set up backend TLS: " + e.getMessage(), e);
    }
  }

  String hostFor(Channel ch) {
    return ch.remoteAddress() instanceof InetSocketAddress a ? a.getHostString() : null;
  }

  int portFor(Channel ch) {
    return ch.remoteAddress() instanceof InetSocketAddress a ? a.getPort() : -1;
  }
}
