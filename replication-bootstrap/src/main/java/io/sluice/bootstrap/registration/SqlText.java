package io.sluice.bootstrap.registration;

/** SQL literals for the few statements that cannot take parameters (CREATE USER, CHANGE MASTER). */
public final class SqlText {
  private SqlText() {}

  /**
   * A single-quoted string literal. Backslashes are doubled because the servers' default
   * sql_mode treats them as escapes (no NO_BACKSLASH_ESCAPES).
   */
  public static String quote(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
  }

  /** A back-quoted identifier (database name). */
  public static String identifier(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}
