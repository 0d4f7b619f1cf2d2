package io.sluice.server.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.SelfSignedCertificate;
import io.sluice.server.config.ProxyConfig.TlsConfig;
import java.security.cert.CertificateException;
import java.util.Optional;
import javax.net.ssl.SSLException;

/** Builds the TLS context offered to clients from the configured PEM files, or a self-signed one. */
public final class ServerTls {
  private ServerTls() {}

  public static Optional<SslContext> build(TlsConfig tls) {
    if (!tls.enabled()) {
      return Optional.empty();
    }
    try {
      if (tls.cert().isPresent()) {
        return Optional.of(SslContextBuilder.forServer(tls.cert().get().toFile(), tls.key().get().toFile())
            .protocols("TLSv1.3", "TLSv1.2").build());
      }
      // No certificate configured: generate one so sslMode=REQUIRED works out of the box, as
      // mysqld does with auto_generate_certs. Clients that verify the server will refuse it.
      SelfSignedCertificate ssc = new SelfSignedCertificate("sluice");
      return Optional.of(SslContextBuilder.forServer(ssc.certificate(), ssc.privateKey())
          .protocols("TLSv1.3", "TLSv1.2").build());
    } catch (SSLException | CertificateException e) {
      throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
    }
  }
}
