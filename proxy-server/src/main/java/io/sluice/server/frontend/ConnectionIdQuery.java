package io.sluice.server.frontend;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code SELECT CONNECTION_ID()}, answered by the proxy with the session's own connection id:
 * the backend's thread id would change from statement to statement (pooled connections), and
 * a KILL of it through Sluice names another session (Sluice's ids are the ones KILL takes).
 * Only the bare statement, with an optional {@code AS alias}; CONNECTION_ID() inside other
 * statements still runs on the master and gives its thread id.
 */
final class ConnectionIdQuery {
  private static final Pattern QUERY = Pattern.compile(
      "\\s*SELECT\\s+(CONNECTION_ID\\s*\\(\\s*\\))(?:\\s+AS\\s+(`(?:[^`]|``)+`|[A-Za-z_$][A-Za-z0-9_$]*))?\\s*;?\\s*",
      Pattern.CASE_INSENSITIVE);

  private ConnectionIdQuery() {}

  /** The result column's name (as the server names it: the expression as written, or the alias), or null. */
  static String columnName(String sql) {
    // On every COM_QUERY: rule out other statements without the regular expression.
    if (sql.length() > 128) {
      return null;
    }
    int i = 0;
    while (i < sql.length() && Character.isWhitespace(sql.charAt(i))) {
      i++;
    }
    if (!sql.regionMatches(true, i, "SELECT", 0, 6)) {
      return null;
    }
    i += 6;
    while (i < sql.length() && Character.isWhitespace(sql.charAt(i))) {
      i++;
    }
    if (!sql.regionMatches(true, i, "CONNECTION_ID", 0, 13)) {
      return null;
    }
    Matcher m = QUERY.matcher(sql);
    if (!m.matches()) {
      return null;
    }
    String alias = m.group(2);
    if (alias == null) {
      return m.group(1);
    }
    if (alias.toUpperCase(Locale.ROOT).equals("FROM")) {
      return null;
    }
    return alias.startsWith("`") ? alias.substring(1, alias.length() - 1).replace("``", "`") : alias;
  }
}
