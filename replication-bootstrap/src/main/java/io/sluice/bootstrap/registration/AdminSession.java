package io.sluice.bootstrap.registration;

import io.sluice.bootstrap.BootstrapException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * An administrative JDBC session on one server, with failures turned into
 * {@link BootstrapException}s that name the server and the statement.
 */
public final class AdminSession implements AutoCloseable {
  private final String label;
  private final Connection connection;

  private AdminSession(String label, Connection connection) {
    this.label = label;
    this.connection = connection;
  }

  /**
   * Connects over TCP without TLS: these sessions carry no data worth protecting on
   * 127.0.0.1 or a pod network, and skipping the TLS handshake keeps polling cheap.
   * allowPublicKeyRetrieval lets a caching_sha2_password account log in without TLS.
   */
  public static AdminSession open(String label, String host, int port, String user, String password, Duration timeout)
      throws SQLException {
    return open(label, host, port, user, password, timeout, new Properties());
  }

  /** As {@link #open(String, String, int, String, String, Duration)}, with more driver properties. */
  static AdminSession open(String label, String host, int port, String user, String password, Duration timeout,
      Properties extra) throws SQLException {
    Properties p = new Properties();
    p.putAll(extra);
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("sslMode", "DISABLED");
    p.setProperty("allowPublicKeyRetrieval", "true");
    p.setProperty("connectTimeout", Long.toString(timeout.toMillis()));
    p.setProperty("socketTimeout", Long.toString(Math.max(timeout.toMillis(), 60_000)));
    return new AdminSession(label, DriverManager.getConnection("jdbc:mysql://" + host + ":" + port + "/", p));
  }

  /** The JDBC connection, for the snapshot copy, which streams rows and binds parameters. */
  Connection jdbc() {
    return connection;
  }

  /** Turns a driver failure into the module's exception, naming this server and the statement. */
  BootstrapException failed(String sql, SQLException e) {
    return failure(sql, e);
  }

  /** The server this session talks to, as used in messages. */
  public String label() {
    return label;
  }

  public void execute(String sql) {
    try (Statement s = connection.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw failure(sql, e);
    }
  }

  /** The first row of a query as column label -> value (null for SQL NULL); empty if no row. */
  public Optional<Map<String, String>> firstRow(String sql) {
    List<Map<String, String>> rows = rows(sql);
    return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
  }

  public List<Map<String, String>> rows(String sql) {
    try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return readAll(rs);
    } catch (SQLException e) {
      throw failure(sql, e);
    }
  }

  /** The single value of a one-row, one-column query. */
  public String value(String sql, Object... params) {
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new BootstrapException(label + ": '" + sql + "' returned no row");
        }
        return rs.getString(1);
      }
    } catch (SQLException e) {
      throw failure(sql, e);
    }
  }

  private static List<Map<String, String>> readAll(ResultSet rs) throws SQLException {
    ResultSetMetaData md = rs.getMetaData();
    List<Map<String, String>> rows = new ArrayList<>();
    while (rs.next()) {
      Map<String, String> row = new LinkedHashMap<>();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        row.put(md.getColumnLabel(i), rs.getString(i));
      }
      rows.add(row);
    }
    return rows;
  }

  private BootstrapException failure(String sql, SQLException e) {
    return new BootstrapException(label + ": '" + sql.replaceAll("PASSWORD='[^']*'", "PASSWORD='***'")
        .replaceAll("BY '[^']*'", "BY '***'") + "' failed: " + e.getMessage() + " (error " + e.getErrorCode()
        + ", SQLSTATE " + e.getSQLState() + ")", e);
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // Closing a session to a server that just went away has nothing left to report.
    }
  }
}
