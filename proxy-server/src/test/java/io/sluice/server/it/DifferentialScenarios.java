package io.sluice.server.it;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Scenarios of real application behaviour, each a sequence of statements on one connection.
 * {@code ${t}} is the scenario's own table, so a direct run and a proxied run do not meet.
 * Each statement's observable result is recorded: rows, update count, generated key, warnings,
 * or the error code and SQLSTATE.
 */
final class DifferentialScenarios {
  private DifferentialScenarios() {}

  record Scenario(String name, List<String> statements) {}

  static List<Scenario> all() {
    List<Scenario> s = new ArrayList<>();
    s.add(new Scenario("transaction reads its own writes and rolls back", List.of(
        "BEGIN", "INSERT INTO ${t} (v) VALUES ('a')", "M|SELECT COUNT(*) FROM ${t}", "ROLLBACK",
        "M|/*master*/ SELECT COUNT(*) FROM ${t}")));
    s.add(new Scenario("autocommit=0 keeps everything in one transaction", List.of(
        "SET autocommit = 0", "INSERT INTO ${t} (v) VALUES ('b')", "M|SELECT v FROM ${t}", "COMMIT",
        "SET autocommit = 1", "M|/*master*/ SELECT v FROM ${t}", "S|SELECT v FROM ${t}")));
    s.add(new Scenario("an error inside a transaction keeps the transaction", List.of(
        "BEGIN", "INSERT INTO ${t} (id, v) VALUES (1, 'x')", "INSERT INTO ${t} (id, v) VALUES (1, 'dup')",
        "M|SELECT id, v FROM ${t}", "COMMIT", "M|/*master*/ SELECT id, v FROM ${t}", "S|SELECT id, v FROM ${t}")));
    s.add(new Scenario("LAST_INSERT_ID and ROW_COUNT are the connection's own", List.of(
        "INSERT INTO ${t} (v) VALUES ('c')", "M|SELECT LAST_INSERT_ID()", "INSERT INTO ${t} (v) VALUES ('d'), ('e')",
        "M|SELECT LAST_INSERT_ID(), ROW_COUNT()", "UPDATE ${t} SET v = 'z' WHERE v IN ('d', 'e')", "M|SELECT ROW_COUNT()")));
    s.add(new Scenario("user variables", List.of(
        "SET @a = 5", "M|SELECT @a + 1", "M|SELECT @a := @a + 10", "M|SELECT @a")));
    s.add(new Scenario("temporary tables", List.of(
        "CREATE TEMPORARY TABLE ${t}_tmp (id INT)", "INSERT INTO ${t}_tmp VALUES (1), (2)", "M|SELECT SUM(id) FROM ${t}_tmp",
        "DROP TEMPORARY TABLE ${t}_tmp", "SELECT COUNT(*) FROM ${t}_tmp")));
    s.add(new Scenario("user locks", List.of(
        "M|SELECT GET_LOCK('${t}', 0)", "M|SELECT IS_USED_LOCK('${t}') = CONNECTION_ID()", "M|SELECT RELEASE_LOCK('${t}')",
        "M|SELECT RELEASE_LOCK('${t}')", "S|SELECT COUNT(*) FROM ${t}")));
    s.add(new Scenario("SQL_CALC_FOUND_ROWS and FOUND_ROWS", List.of(
        "INSERT INTO ${t} (v) VALUES ('f1'), ('f2'), ('f3')", "M|SELECT SQL_CALC_FOUND_ROWS v FROM ${t} ORDER BY v LIMIT 1",
        "M|SELECT FOUND_ROWS()")));
    s.add(new Scenario("session variables follow the session", List.of(
        "SET time_zone = '+05:00'", "S|SELECT @@session.time_zone", "S|SELECT CONVERT_TZ('2020-01-01 00:00:00', '+00:00', @@session.time_zone)",
        "SET sql_mode = 'ANSI_QUOTES'", "SELECT \"no_such_column\" FROM ${t}", "SET sql_mode = DEFAULT",
        "S|SELECT @@session.time_zone")));
    s.add(new Scenario("character sets", List.of(
        "SET NAMES latin1", "S|SELECT @@character_set_client, @@character_set_results", "SET NAMES utf8mb4",
        "S|SELECT '\u00e9t\u00e9 \ud83d\ude00', CHAR_LENGTH('\ud83d\ude00')")));
    // MariaDB Connector/J 3.5.9+ closes its connection when told of a non-UTF-8 client
    // character set (the scenario above ends there with it): this one checks, with both
    // drivers, that a character set and a collation set on the session reach the slaves.
    s.add(new Scenario("UTF-8 character sets and collations", List.of(
        "SET NAMES utf8mb3", "S|SELECT @@character_set_client, @@character_set_results, @@collation_connection",
        "SET NAMES utf8mb4 COLLATE utf8mb4_bin", "S|SELECT @@collation_connection, 'A' = 'a', '\u00e9' = 'e'",
        "SET NAMES utf8mb4", "S|SELECT 'A' = 'a'")));
    s.add(new Scenario("warnings from the previous statement", List.of(
        "SET sql_mode = ''", "INSERT INTO ${t} (id, v) VALUES ('12abc', 'w')", "SHOW WARNINGS", "M|SELECT @@warning_count",
        "SET sql_mode = DEFAULT")));
    s.add(new Scenario("schema changes", List.of(
        "USE information_schema", "S|SELECT DATABASE()", "S|SELECT COUNT(*) > 0 FROM TABLES WHERE TABLE_SCHEMA = 'app'",
        "USE app", "S|SELECT DATABASE()")));
    s.add(new Scenario("LOCK TABLES", List.of(
        "LOCK TABLES ${t} WRITE", "INSERT INTO ${t} (v) VALUES ('locked')", "M|SELECT COUNT(*) FROM ${t}", "UNLOCK TABLES",
        "S|SELECT COUNT(*) FROM ${t}")));
    s.add(new Scenario("locking reads in a transaction", List.of(
        "INSERT INTO ${t} (id, v) VALUES (100, 'row')", "BEGIN", "M|SELECT v FROM ${t} WHERE id = 100 FOR UPDATE",
        "UPDATE ${t} SET v = 'updated' WHERE id = 100", "COMMIT", "M|/*master*/ SELECT v FROM ${t} WHERE id = 100",
        "M|SELECT v FROM ${t} WHERE id = 100 LOCK IN SHARE MODE", "S|/*slave*/ SELECT v FROM ${t} WHERE id = 100")));
    s.add(new Scenario("read-only transaction", List.of(
        "INSERT INTO ${t} (v) VALUES ('ro')", "START TRANSACTION READ ONLY", "S|SELECT COUNT(*) FROM ${t}",
        "INSERT INTO ${t} (v) VALUES ('not allowed')", "COMMIT")));
    s.add(new Scenario("text prepared statements", List.of(
        "PREPARE q FROM 'SELECT ? * 2'", "SET @x = 21", "EXECUTE q USING @x", "DEALLOCATE PREPARE q", "EXECUTE q USING @x")));
    s.add(new Scenario("errors keep their codes", List.of(
        "SELECT * FROM no_such_table", "SELEC 1", "INSERT INTO ${t} (nope) VALUES (1)", "SELECT 1")));
    return s;
  }

  /**
   * Where a statement ran, read on the servers: each server's Com_select before and after it
   * ({@code [master, slave...]}). Only SELECTs are placed this way; the proxy's own sync
   * statements are SET/USE/DO, and health probes are DO and SHOW, so none of them counts.
   */
  interface SelectCounters {
    long[] read() throws SQLException;
  }

  /** Runs a scenario on {@code c} and returns one line per statement describing what it returned. */
  static List<String> run(Connection c, Scenario scenario, String table, Runnable afterEach) throws SQLException {
    return run(c, scenario, table, afterEach, null, new ArrayList<>());
  }

  /**
   * As above; with {@code counters}, adds to {@code misplaced} every SELECT annotated {@code M|}
   * (the master must run it) or {@code S|} (a slave must) that ran elsewhere.
   */
  static List<String> run(Connection c, Scenario scenario, String table, Runnable afterEach, SelectCounters counters,
      List<String> misplaced) throws SQLException {
    List<String> observed = new ArrayList<>();
    try (Statement st = c.createStatement()) {
      st.execute("CREATE TABLE IF NOT EXISTS " + table
          + " (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(50)) DEFAULT CHARSET = utf8mb4");
    }
    afterEach.run();
    for (String annotated : scenario.statements()) {
      String expected = annotated.length() > 2 && annotated.charAt(1) == '|' ? annotated.substring(0, 1) : null;
      String template = expected == null ? annotated : annotated.substring(2);
      String sql = template.replace("${t}", table);
      long[] before = counters != null && expected != null ? counters.read() : null;
      String outcome = describe(c, sql);
      observed.add(template + " => " + outcome);
      // A statement that failed ran nowhere; that it failed as it does directly is checked by
      // the caller (MariaDB Connector/J 3.5.9+ itself closes the connection after SET NAMES
      // latin1, CVE-2026-55858, so the statements after it fail on both sides).
      if (before != null && !outcome.startsWith("error ")) {
        String seen = servedBy(before, counters.read());
        if (!expected.equals(seen)) {
          misplaced.add(template + ": expected " + expected + ", ran on " + seen);
        }
      }
      afterEach.run();
    }
    return observed;
  }

  /** The scenario as a script for a command-line client, annotations removed. */
  static String script(Scenario scenario, String table) {
    StringBuilder b = new StringBuilder("CREATE TABLE IF NOT EXISTS " + table
        + " (id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(50)) DEFAULT CHARSET = utf8mb4;\n");
    for (String annotated : scenario.statements()) {
      String template = annotated.length() > 2 && annotated.charAt(1) == '|' ? annotated.substring(2) : annotated;
      b.append(template.replace("${t}", table)).append(";\n");
    }
    return b.toString();
  }

  /** "M" if only the master counted one SELECT, "S" if only one slave did, else what was seen. */
  private static String servedBy(long[] before, long[] after) {
    long master = after[0] - before[0];
    long slaves = 0;
    for (int i = 1; i < after.length; i++) {
      slaves += after[i] - before[i];
    }
    if (master == 1 && slaves == 0) {
      return "M";
    }
    if (master == 0 && slaves == 1) {
      return "S";
    }
    return "master +" + master + ", slaves +" + slaves;
  }

  private static String describe(Connection c, String sql) {
    try (Statement st = c.createStatement()) {
      boolean rs = st.execute(sql, Statement.RETURN_GENERATED_KEYS);
      StringBuilder out = new StringBuilder();
      if (rs) {
        try (ResultSet r = st.getResultSet()) {
          ResultSetMetaData md = r.getMetaData();
          out.append("rows[");
          while (r.next()) {
            out.append('(');
            for (int i = 1; i <= md.getColumnCount(); i++) {
              out.append(i > 1 ? "," : "").append(r.getString(i));
            }
            out.append(')');
          }
          out.append(']');
        }
      } else {
        out.append("updated ").append(st.getUpdateCount());
        if (sql.trim().toUpperCase().startsWith("INSERT")) {
          try (ResultSet keys = st.getGeneratedKeys()) {
            out.append(keys.next() ? " key" : " no key"); // key values differ between tables' histories
          }
        }
      }
      int warnings = 0;
      for (SQLWarning w = st.getWarnings(); w != null; w = w.getNextWarning()) {
        warnings++;
      }
      return out.append(" warnings ").append(warnings).toString();
    } catch (SQLException e) {
      return "error " + e.getErrorCode() + " " + e.getSQLState();
    }
  }
}
