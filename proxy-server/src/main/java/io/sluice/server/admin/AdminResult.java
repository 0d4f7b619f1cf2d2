package io.sluice.server.admin;

import io.sluice.protocol.error.SqlError;
import java.util.List;

/** What one admin statement produced: a table, an OK with a message, or an error. */
public sealed interface AdminResult {
  record Table(List<String> columns, List<List<String>> rows) implements AdminResult {
    public Table {
      columns = List.copyOf(columns);
      rows = List.copyOf(rows);
    }
  }

  record Ok(long affectedRows, String info) implements AdminResult {}

  record Error(SqlError error) implements AdminResult {}

  static AdminResult error(String message) {
    // ER_UNKNOWN_ERROR: the admin language has no finer codes than this and the syntax error.
    return new Error(new SqlError(1105, "HY000", message));
  }

  static AdminResult syntax(String statement) {
    return new Error(new SqlError(1064, "42000",
        "Unknown admin statement near '" + statement + "'; SELECT * FROM help lists the statements"));
  }
}
