package io.sluice.server.frontend;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few {@code SELECT}s the proxy answers itself, because no server knows the answer:
 * <ul>
 *   <li>{@code SELECT CONNECTION_ID()}: the session's own connection id. The backend's thread
 *       id would change from statement to statement (pooled connections), and a KILL of it
 *       through Sluice names another session (Sluice's ids are the ones KILL takes).
 *   <li>{@code SELECT @@sluice_consistency} (also {@code @@session.} / {@code @@local.}): the
 *       session's read consistency, which {@code SET sluice_consistency} changes; a server would
 *       answer 1193 (unknown system variable).
 * </ul>
 * Only the statement alone: {@code SELECT x [[AS] alias] [FROM DUAL]}, comments anywhere; inside
 * other statements (and in server-side prepared statements) CONNECTION_ID() still runs on a
 * backend and gives its thread id.
 */
final class LocalSelect {
  enum Value { CONNECTION_ID, SLUICE_CONSISTENCY }

  /** @param column the result column's name as the server would give it: the expression as written, or the alias */
  record Match(Value value, String column) {}

  private static final Pattern QUERY = Pattern.compile(
      "\\s*SELECT\\s+(CONNECTION_ID\\s*\\(\\s*\\)|@@(?:SESSION\\.|LOCAL\\.)?SLUICE_CONSISTENCY(?![A-Za-z0-9_$]))"
          + "(?:\\s+(?:AS\\s+)?(`(?:[^`]|``)+`|[A-Za-z_$][A-Za-z0-9_$]*))??(?:\\s+FROM\\s+DUAL)?\\s*;?\\s*",
      Pattern.CASE_INSENSITIVE);
  /** Comments a server ignores: all but the versioned ones ("/*!", "/*M!"), whose text it may run. */
  private static final Pattern COMMENT = Pattern.compile("/\\*(?![!+]|M!).*?\\*/|(?:--[ \\t]|#)[^\\n]*", Pattern.DOTALL);

  private LocalSelect() {}

  /** What {@code sql} asks for, or null if it is not one of these statements. */
  static Match match(String sql) {
    // On every COM_QUERY: rule out other statements without the regular expression.
    if (sql.length() > 256) {
      return null;
    }
    int i = 0;
    while (i < sql.length() && Character.isWhitespace(sql.charAt(i))) {
      i++;
    }
    if (startsComment(sql, i)) {
      return withoutComments(sql);
    }
    if (!sql.regionMatches(true, i, "SELECT", 0, 6)) {
      return null;
    }
    i += 6;
    while (i < sql.length() && Character.isWhitespace(sql.charAt(i))) {
      i++;
    }
    if (!sql.regionMatches(true, i, "CONNECTION_ID", 0, 13) && !sql.regionMatches(i, "@@", 0, 2)) {
      return startsComment(sql, i) ? withoutComments(sql) : null;
    }
    Matcher m = QUERY.matcher(sql);
    if (!m.matches()) {
      return sql.contains("/*") || sql.contains("--") || sql.contains("#") ? withoutComments(sql) : null;
    }
    return matched(m);
  }

  private static boolean startsComment(String sql, int at) {
    return sql.startsWith("/*", at) || sql.startsWith("--", at) || sql.startsWith("#", at);
  }

  /**
   * The statement with its comments read as the server reads them, as spaces; Sluice's hints
   * too: where the statement runs does not change this session's answer.
   */
  private static Match withoutComments(String sql) {
    if (sql.indexOf('\'') >= 0 || sql.indexOf('"') >= 0) {
      return null; // a quote could hide a comment marker: not one of these statements anyway
    }
    Matcher m = QUERY.matcher(COMMENT.matcher(sql).replaceAll(" "));
    return m.matches() ? matched(m) : null;
  }

  private static Match matched(Matcher m) {
    Value value = m.group(1).startsWith("@@") ? Value.SLUICE_CONSISTENCY : Value.CONNECTION_ID;
    String alias = m.group(2);
    if (alias == null) {
      return new Match(value, m.group(1));
    }
    if (alias.toUpperCase(Locale.ROOT).equals("FROM")) {
      return null;
    }
    return new Match(value, alias.startsWith("`") ? alias.substring(1, alias.length() - 1).replace("``", "`") : alias);
  }
}
