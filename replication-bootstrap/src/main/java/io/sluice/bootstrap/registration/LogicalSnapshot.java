package io.sluice.bootstrap.registration;

import static io.sluice.bootstrap.registration.SqlText.identifier;
import static io.sluice.bootstrap.registration.SqlText.quote;

import io.sluice.bootstrap.BootstrapException;
import io.sluice.bootstrap.flavor.Flavor;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Seeds an empty replica with a consistent copy of its source, taken over JDBC, and records the
 * source's GTID position at the moment of the copy so replication resumes exactly after it.
 * The servers Sluice runs ship no mysqldump and MySQL 8.0.31's bundle no CLONE plugin; this
 * needs only two SQL connections, and works the same from the sandbox and from a container.
 *
 * <p>Consistency: {@code FLUSH TABLES WITH READ LOCK} stops commits for the instant it takes to
 * open a consistent InnoDB snapshot and read the GTID position; rows are then read from that
 * snapshot while the source keeps writing. Only transactional (InnoDB) tables are consistent;
 * that is what GTID replication (enforce_gtid_consistency) expects anyway.
 *
 * <p>On the replica everything is written with the binary log off, so the copy creates no GTIDs
 * of its own; the position then goes into {@code gtid_purged} (MySQL) or {@code gtid_slave_pos}
 * (MariaDB), which is what auto-positioning sends to the source.
 */
public final class LogicalSnapshot {
  static final Set<String> SYSTEM_SCHEMAS = Set.of("mysql", "sys", "performance_schema", "information_schema");
  private static final Set<String> BINARY_TYPES = Set.of("binary", "varbinary", "tinyblob", "blob", "mediumblob",
      "longblob", "bit", "geometry", "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon",
      "geometrycollection", "geomcollection");
  private static final int MAX_ROWS_PER_INSERT = 1000;
  private static final int MAX_BYTES_PER_INSERT = 1 << 20;
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private LogicalSnapshot() {}

  /** What a copy did, for progress messages and tests. */
  public record Result(String position, int schemas, int tables, long rows, Duration elapsed) {}

  /** The schemas a server holds besides the system ones. */
  static List<String> userSchemas(AdminSession s) {
    return s.rows("SHOW DATABASES").stream().map(r -> r.values().iterator().next())
        .filter(n -> !SYSTEM_SCHEMAS.contains(n.toLowerCase(java.util.Locale.ROOT))).toList();
  }

  /**
   * Copies accounts, schemas, tables, rows, views, routines and triggers from {@code source}
   * into {@code replica}, which must hold no data, and sets its GTID position to the copy's.
   */
  public static Result copy(Endpoint source, Endpoint replica, Flavor flavor, String replicationUser,
      Consumer<String> progress) {
    long start = System.nanoTime();
    Properties exact = new Properties();
    // Values are copied as the server's text, never through Java types: YEAR stays a year and
    // TINYINT(1) stays a number.
    exact.setProperty("yearIsDateType", "false");
    exact.setProperty("tinyInt1isBit", "false");
    try (AdminSession src = source.open(TIMEOUT, exact); AdminSession dst = replica.open(TIMEOUT, exact)) {
      if (!userSchemas(dst).isEmpty()) {
        throw new BootstrapException(replica.label() + " already holds schemas " + userSchemas(dst)
            + "; only an empty instance is seeded from a snapshot. Start it from an empty datadir");
      }
      String superReadOnly = flavor.dialect().superReadOnlyVariable();
      boolean lifted = !superReadOnly.isEmpty() && "1".equals(dst.value("SELECT @@GLOBAL." + superReadOnly));
      prepareTarget(dst, lifted, superReadOnly);
      try {
        String position = openSnapshot(src, flavor);
        progress.accept("copying a snapshot of " + source.label() + " at GTID position '" + position + "' into "
            + replica.label());
        AccountCopy.copy(src, dst, flavor, replicationUser);
        Counts counts = new Counts();
        for (String schema : userSchemas(src)) {
          copySchema(src, dst, schema, counts);
        }
        src.execute("COMMIT");
        setPosition(dst, flavor, position);
        return new Result(position, counts.schemas, counts.tables, counts.rows, Duration.ofNanos(System.nanoTime() - start));
      } finally {
        if (lifted) {
          dst.execute("SET GLOBAL " + superReadOnly + " = ON");
        }
      }
    }
  }

  private static final class Counts {
    int schemas;
    int tables;
    long rows;
  }

  private static void prepareTarget(AdminSession dst, boolean liftSuperReadOnly, String superReadOnly) {
    dst.execute("SET SESSION sql_log_bin = 0");
    dst.execute("SET SESSION foreign_key_checks = 0");
    dst.execute("SET SESSION unique_checks = 0");
    // Zero in an AUTO_INCREMENT column is a value to keep, not a request for the next id.
    dst.execute("SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO'");
    dst.execute("SET SESSION time_zone = '+00:00'");
    if (liftSuperReadOnly) {
      dst.execute("SET GLOBAL " + superReadOnly + " = OFF");
    }
  }

  private static String openSnapshot(AdminSession src, Flavor flavor) {
    src.execute("SET SESSION time_zone = '+00:00'");
    src.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ");
    // The lock makes the snapshot and the GTID position describe the same instant.
    src.execute("FLUSH TABLES WITH READ LOCK");
    try {
      src.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT");
      String position = src.value(flavor.dialect().executedGtidsQuery());
      return position == null ? "" : position.replace("\n", "");
    } finally {
      src.execute("UNLOCK TABLES");
    }
  }

  private static void copySchema(AdminSession src, AdminSession dst, String schema, Counts counts) {
    String db = identifier(schema);
    dst.execute(src.firstRow("SHOW CREATE DATABASE IF NOT EXISTS " + db).orElseThrow().get("Create Database"));
    dst.execute("USE " + db);
    counts.schemas++;
    List<String> views = new ArrayList<>();
    List<String> tables = new ArrayList<>();
    for (Map<String, String> row : src.rows("SHOW FULL TABLES FROM " + db)) {
      String name = row.get("Tables_in_" + schema);
      if (name == null) {
        name = row.values().iterator().next();
      }
      if ("VIEW".equals(row.get("Table_type"))) {
        views.add(name);
      } else if ("BASE TABLE".equals(row.get("Table_type"))) {
        tables.add(name);
      }
    }
    for (String table : tables) {
      dst.execute(src.firstRow("SHOW CREATE TABLE " + db + "." + identifier(table)).orElseThrow().get("Create Table"));
      counts.rows += copyRows(src, dst, schema, table);
      counts.tables++;
    }
    createViews(src, dst, db, views);
    createRoutines(src, dst, schema);
    createTriggers(src, dst, schema);
  }

  /** Views may select from other views: create those whose dependencies exist, until all do. */
  private static void createViews(AdminSession src, AdminSession dst, String db, List<String> views) {
    List<String> pending = new ArrayList<>(views);
    while (!pending.isEmpty()) {
      List<String> failed = new ArrayList<>();
      BootstrapException last = null;
      for (String v : pending) {
        try {
          dst.execute(src.firstRow("SHOW CREATE VIEW " + db + "." + identifier(v)).orElseThrow().get("Create View"));
        } catch (BootstrapException e) {
          failed.add(v);
          last = e;
        }
      }
      if (failed.size() == pending.size()) {
        throw last;
      }
      pending = failed;
    }
  }

  private static void createRoutines(AdminSession src, AdminSession dst, String schema) {
    for (Map<String, String> r : src.rows("SELECT ROUTINE_NAME, ROUTINE_TYPE FROM information_schema.ROUTINES"
        + " WHERE ROUTINE_SCHEMA = " + quote(schema))) {
      String type = r.get("ROUTINE_TYPE"); // PROCEDURE or FUNCTION
      String word = type.charAt(0) + type.substring(1).toLowerCase(java.util.Locale.ROOT);
      Map<String, String> shown = src.firstRow("SHOW CREATE " + type + " " + identifier(schema) + "."
          + identifier(r.get("ROUTINE_NAME"))).orElseThrow();
      createWithSqlMode(dst, shown.get("sql_mode"), shown.get("Create " + word));
    }
  }

  private static void createTriggers(AdminSession src, AdminSession dst, String schema) {
    for (Map<String, String> t : src.rows("SELECT TRIGGER_NAME FROM information_schema.TRIGGERS"
        + " WHERE TRIGGER_SCHEMA = " + quote(schema) + " ORDER BY EVENT_OBJECT_TABLE, ACTION_ORDER")) {
      Map<String, String> shown = src.firstRow("SHOW CREATE TRIGGER " + identifier(schema) + "."
          + identifier(t.get("TRIGGER_NAME"))).orElseThrow();
      createWithSqlMode(dst, shown.get("sql_mode"), shown.get("SQL Original Statement"));
    }
  }

  /** Routines and triggers run with the sql_mode they were created under, so they are created under it. */
  private static void createWithSqlMode(AdminSession dst, String sqlMode, String statement) {
    dst.execute("SET SESSION sql_mode = " + quote(sqlMode == null ? "" : sqlMode));
    try {
      dst.execute(statement);
    } finally {
      dst.execute("SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO'");
    }
  }

  private record Column(String name, boolean binary) {}

  private static long copyRows(AdminSession src, AdminSession dst, String schema, String table) {
    List<Column> columns = src.rows("SELECT COLUMN_NAME, DATA_TYPE, EXTRA FROM information_schema.COLUMNS"
            + " WHERE TABLE_SCHEMA = " + quote(schema) + " AND TABLE_NAME = " + quote(table)
            + " ORDER BY ORDINAL_POSITION").stream()
        // Generated columns are computed by the replica itself; inserting into them is an error.
        .filter(c -> c.get("EXTRA") == null || !c.get("EXTRA").toUpperCase(java.util.Locale.ROOT).contains("GENERATED"))
        .map(c -> new Column(c.get("COLUMN_NAME"),
            BINARY_TYPES.contains(c.get("DATA_TYPE").toLowerCase(java.util.Locale.ROOT))))
        .toList();
    String names = String.join(", ", columns.stream().map(c -> identifier(c.name())).toList());
    String target = identifier(schema) + "." + identifier(table);
    String select = "SELECT " + names + " FROM " + target;
    long copied = 0;
    try (Statement st = src.jdbc().createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY)) {
      st.setFetchSize(Integer.MIN_VALUE); // Connector/J: stream rows instead of buffering the table
      try (ResultSet rs = st.executeQuery(select)) {
        List<Object[]> batch = new ArrayList<>();
        long bytes = 0;
        while (rs.next()) {
          Object[] row = new Object[columns.size()];
          for (int i = 0; i < row.length; i++) {
            row[i] = columns.get(i).binary() ? rs.getBytes(i + 1) : rs.getString(i + 1);
            bytes += row[i] instanceof byte[] b ? b.length : row[i] == null ? 4 : ((String) row[i]).length();
          }
          batch.add(row);
          if (batch.size() >= MAX_ROWS_PER_INSERT || bytes >= MAX_BYTES_PER_INSERT) {
            copied += insert(dst, target, names, columns.size(), batch);
            batch.clear();
            bytes = 0;
          }
        }
        copied += insert(dst, target, names, columns.size(), batch);
      }
    } catch (SQLException e) {
      throw src.failed(select, e);
    }
    return copied;
  }

  private static int insert(AdminSession dst, String target, String names, int width, List<Object[]> rows) {
    if (rows.isEmpty()) {
      return 0;
    }
    String tuple = "(" + String.join(", ", java.util.Collections.nCopies(width, "?")) + ")";
    String sql = "INSERT INTO " + target + " (" + names + ") VALUES "
        + String.join(", ", java.util.Collections.nCopies(rows.size(), tuple));
    try (PreparedStatement ps = dst.jdbc().prepareStatement(sql)) {
      int p = 1;
      for (Object[] row : rows) {
        for (Object v : row) {
          if (v == null) {
            ps.setNull(p++, Types.NULL);
          } else if (v instanceof byte[] b) {
            ps.setBytes(p++, b);
          } else {
            ps.setString(p++, (String) v);
          }
        }
      }
      ps.executeUpdate();
      return rows.size();
    } catch (SQLException e) {
      throw dst.failed("INSERT INTO " + target + " (" + rows.size() + " rows)", e);
    }
  }

  /**
   * Makes the replica's executed GTIDs exactly the snapshot's. Its own earlier GTIDs, if any, are
   * local setup writes of an instance that holds no data (a container image's initialisation):
   * RESET MASTER drops them, which also keeps them from ever reaching another server.
   */
  private static void setPosition(AdminSession dst, Flavor flavor, String position) {
    if (flavor.isMariaDb()) {
      dst.execute("RESET MASTER");
      dst.execute("SET GLOBAL gtid_slave_pos = " + quote(position));
    } else {
      String own = dst.value("SELECT @@GLOBAL.gtid_executed");
      if (own != null && !own.isBlank()) {
        dst.execute("RESET MASTER");
      }
      if (!position.isBlank()) {
        dst.execute("SET GLOBAL gtid_purged = " + quote(position));
      }
    }
  }
}
