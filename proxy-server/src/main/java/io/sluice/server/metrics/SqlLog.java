package io.sluice.server.metrics;

import io.sluice.server.config.ProxyConfig.SqlLogConfig;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Atlas's SQL log: every statement ({@code on}) or those slower than a threshold ({@code slow}),
 * one line each with time, session, user, client, backend, duration and status. Event loops
 * only queue a line; one background thread writes, and when it falls behind lines are dropped
 * and counted rather than slowing the proxy.
 */
public final class SqlLog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SqlLog.class);
  private static final int MAX_SQL_CHARS = 4096;

  private volatile SqlLogConfig config;
  private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(16_384);
  private final AtomicLong dropped = new AtomicLong();
  private final Thread writer;
  private volatile boolean closed;

  public SqlLog(SqlLogConfig config) {
    this.config = config;
    this.writer = new Thread(this::writeLoop, "sluice-sql-log");
    writer.setDaemon(true);
    if (config.mode() != SqlLogConfig.Mode.OFF) {
      writer.start();
    }
  }

  /** A reload may change the mode and threshold; the file is fixed at start. */
  public void configure(SqlLogConfig next) {
    this.config = new SqlLogConfig(next.mode(), next.slowThreshold(), config.file());
    if (next.mode() != SqlLogConfig.Mode.OFF && !writer.isAlive() && !closed) {
      writer.start();
    }
  }

  public boolean enabled() {
    return config.mode() != SqlLogConfig.Mode.OFF;
  }

  public void statement(long connectionId, String user, String client, String backend, long nanos, boolean error,
      String sql) {
    SqlLogConfig c = config;
    if (c.mode() == SqlLogConfig.Mode.OFF
        || (c.mode() == SqlLogConfig.Mode.SLOW && nanos < c.slowThreshold().toNanos())) {
      return;
    }
    String text = sql.length() > MAX_SQL_CHARS ? sql.substring(0, MAX_SQL_CHARS) + "..." : sql;
    String line = Instant.now() + " conn=" + connectionId + " user=" + user + " client=" + client
        + " backend=" + backend + " time_ms=" + String.format(Locale.ROOT, "%.3f", nanos / 1e6)
        + " status=" + (error ? "ERR" : "OK") + " sql=" + text.replace('\n', ' ').replace('\r', ' ');
    if (!lines.offer(line)) {
      dropped.incrementAndGet();
    }
  }

  public long dropped() {
    return dropped.get();
  }

  private void writeLoop() {
    try (BufferedWriter out = Files.newBufferedWriter(config.file(), StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      while (!closed || !lines.isEmpty()) {
        String line = lines.poll(200, TimeUnit.MILLISECONDS);
        if (line == null) {
          out.flush();
          continue;
        }
        out.write(line);
        out.newLine();
        String more;
        while ((more = lines.poll()) != null) {
          out.write(more);
          out.newLine();
        }
        out.flush();
      }
    } catch (IOException e) {
      log.error("SQL log {} cannot be written ({}); statements are no longer logged", config.file(), e.toString());
      closed = true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closed = true;
    if (writer.isAlive()) {
      try {
        writer.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
