package io.sluice.server.frontend;

import io.sluice.core.session.ConsistencyLevel;
import io.sluice.core.session.SessionState;
import io.sluice.core.sql.SqlLiterals;
import io.sluice.core.sql.VariableAssignment;
import io.sluice.protocol.error.SqlError;
import java.util.List;
import java.util.Optional;

/**
 * The session variables Sluice itself owns, set with {@code SET sluice_name = value} and
 * never sent to a server: {@code sluice_consistency} (eventual, read-your-writes, primary).
 * Errors are the ones a server gives for its own variables, so drivers report them alike.
 */
final class ProxySettings {
  private ProxySettings() {}

  /**
   * Applies all assignments, or none and returns the error of the first bad one.
   *
   * @param configured the user's consistency from the config: what {@code = DEFAULT} restores
   */
  static SqlError apply(SessionState session, List<VariableAssignment> assignments, ConsistencyLevel configured) {
    ConsistencyLevel consistency = null;
    for (VariableAssignment a : assignments) {
      if (!a.name().equals("sluice_consistency")) {
        // ER_UNKNOWN_SYSTEM_VARIABLE
        return new SqlError(1193, "HY000", "Unknown system variable '" + a.name() + "'");
      }
      String value = a.literal() ? unquoted(a.valueText()) : null;
      Optional<ConsistencyLevel> level = a.valueText().trim().equalsIgnoreCase("DEFAULT") ? Optional.of(configured)
          : value == null ? Optional.empty() : ConsistencyLevel.fromName(value);
      if (level.isEmpty()) {
        // ER_WRONG_VALUE_FOR_VAR
        return new SqlError(1231, "42000", "Variable '" + a.name() + "' can't be set to the value of '"
            + (value == null ? a.valueText() : value) + "' (use eventual, read-your-writes or primary)");
      }
      consistency = level.get();
    }
    if (consistency != null) {
      session.consistency(consistency);
    }
    return null;
  }

  private static String unquoted(String text) {
    String t = text.trim();
    if (t.length() >= 2 && (t.charAt(0) == '\'' || t.charAt(0) == '"') && t.charAt(t.length() - 1) == t.charAt(0)) {
      return SqlLiterals.unquote(t);
    }
    return t;
  }
}
