package io.sluice.bootstrap.testing;

import io.sluice.bootstrap.sandbox.Instance;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** Small JDBC helpers for tests against sandbox servers (or a proxy in front of them). */
public final class TestSql {
  private TestSql() {}

  /** root with its empty password, straight to the server, no default database. */
  public static Connection root(Instance instance) throws SQLException {
    return connect(instance.jdbcUrl(""), "root", "");
  }

  /** The application account (app/app) on database {@code app}, straight to the server. */
  public static Connection app(Instance instance) throws SQLException {
    return connect(instance.jdbcUrl("app"), "app", "app");
  }

  /**
   * MySQL Connector/J without TLS; allowPublicKeyRetrieval lets a caching_sha2_password account
   * (app on MySQL 8.0) do its full authentication over plain TCP.
   */
  public static Connection connect(String jdbcUrl, String user, String password) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", user);
    p.setProperty("password", password);
    p.setProperty("sslMode", "DISABLED");
    p.setProperty("allowPublicKeyRetrieval", "true");
    p.setProperty("connectTimeout", "5000");
    return DriverManager.getConnection(jdbcUrl, p);
  }

  /** The server_id of the server this connection (or the statement routed on it) reached. */
  public static long serverId(Connection c) throws SQLException {
    return Long.parseLong(queryString(c, "SELECT @@server_id"));
  }

  public static void execute(Connection c, String... statements) throws SQLException {
    try (Statement s = c.createStatement()) {
      for (String sql : statements) {
        s.execute(sql);
      }
    }
  }

  /** The first column of the first row, or null if there is no row. */
  public static String queryString(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  /** Every row, every column as text (null for SQL NULL). */
  public static List<List<String>> queryRows(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      List<List<String>> rows = new ArrayList<>();
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          row.add(rs.getString(i));
        }
        rows.add(row);
      }
      return rows;
    }
  }
}
