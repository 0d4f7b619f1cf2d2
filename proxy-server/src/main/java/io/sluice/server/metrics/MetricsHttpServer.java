package io.sluice.server.metrics;

import com.sun.net.httpserver.HttpServer;
import io.sluice.server.config.HostPort;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/** Serves {@code GET /metrics} in the Prometheus text format on its own port and thread. */
public final class MetricsHttpServer implements AutoCloseable {
  private final HttpServer server;

  public MetricsHttpServer(HostPort listen, ProxyMetrics metrics) {
    try {
      server = HttpServer.create(new InetSocketAddress(listen.host(), listen.port()), 16);
    } catch (IOException e) {
      throw new UncheckedIOException("sluice.metrics.listen: cannot listen on " + listen + ": " + e.getMessage(), e);
    }
    server.createContext("/", exchange -> {
      try (exchange) {
        boolean found = exchange.getRequestURI().getPath().equals("/metrics");
        byte[] body = (found ? metrics.scrape() : "not found; metrics are at /metrics\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type",
            found ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(found ? 200 : 404, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    });
    server.setExecutor(Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "sluice-metrics-http");
      t.setDaemon(true);
      return t;
    }));
    server.start();
  }

  public InetSocketAddress localAddress() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
