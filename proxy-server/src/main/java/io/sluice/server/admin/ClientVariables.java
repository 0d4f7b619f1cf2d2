package io.sluice.server.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Answers the variable reads drivers and command-line clients send when they connect
 * ({@code SELECT @@version_comment LIMIT 1}, Connector/J's
 * {@code SELECT @@session.auto_increment_increment AS auto_increment_increment, ...}), so that
 * they can open an admin connection: one row, each variable with the value a default server
 * would give, NULL for one not listed. Nothing else of SQL is understood here.
 */
final class ClientVariables {
  /** {@code @@[session.|global.]name [AS alias]}, comma-separated, optionally LIMIT 1. */
  private static final Pattern ITEM = Pattern.compile(
      "@@(?:session\\.|global\\.|local\\.)?(\\w+)(?:\\s+as\\s+(\\w+))?\\s*");
  private static final Map<String, String> VALUES = Map.ofEntries(
      Map.entry("version_comment", "Sluice admin interface"),
      Map.entry("auto_increment_increment", "1"),
      Map.entry("character_set_client", "utf8mb4"),
      Map.entry("character_set_connection", "utf8mb4"),
      Map.entry("character_set_results", "utf8mb4"),
      Map.entry("character_set_server", "utf8mb4"),
      Map.entry("collation_server", "utf8mb4_general_ci"),
      Map.entry("collation_connection", "utf8mb4_general_ci"),
      Map.entry("init_connect", ""),
      Map.entry("interactive_timeout", "28800"),
      Map.entry("wait_timeout", "28800"),
      Map.entry("net_write_timeout", "60"),
      Map.entry("license", "GPL"),
      Map.entry("lower_case_table_names", "0"),
      Map.entry("max_allowed_packet", "67108864"),
      Map.entry("performance_schema", "0"),
      Map.entry("sql_mode", ""),
      Map.entry("system_time_zone", "UTC"),
      Map.entry("time_zone", "SYSTEM"),
      Map.entry("transaction_isolation", "REPEATABLE-READ"),
      Map.entry("tx_isolation", "REPEATABLE-READ"),
      Map.entry("autocommit", "1"));

  private ClientVariables() {}

  /**
   * The answer to {@code lower} (lower-case, single spaces, leading comments removed) if it
   * reads only variables, else null.
   */
  static AdminResult.Table answer(String lower) {
    if (!lower.startsWith("select @@")) {
      return null;
    }
    String list = lower.substring("select ".length());
    if (list.endsWith(" limit 1")) {
      list = list.substring(0, list.length() - " limit 1".length());
    }
    List<String> columns = new ArrayList<>();
    List<String> values = new ArrayList<>();
    for (String item : list.split(",")) {
      Matcher m = ITEM.matcher(item.strip());
      if (!m.matches()) {
        return null;
      }
      String name = m.group(1).toLowerCase(Locale.ROOT);
      columns.add(m.group(2) != null ? m.group(2) : item.strip());
      values.add(VALUES.get(name));
    }
    return new AdminResult.Table(columns, List.of(values));
  }
}
