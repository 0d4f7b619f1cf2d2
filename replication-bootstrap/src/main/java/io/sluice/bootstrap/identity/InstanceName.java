package io.sluice.bootstrap.identity;

import io.sluice.bootstrap.BootstrapException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An instance name of the form {@code [prefix-]<role>-<ordinal>}: {@code mysql-master-0},
 * {@code mysql-slave-1}, {@code db-slave-12}, {@code mysql-relay-0}. The same rule reads a
 * sandbox instance name, a Docker container hostname and a Kubernetes StatefulSet pod name
 * (whose ordinal is exactly this trailing number), so every way of running an instance
 * derives the same server_id from the same name.
 */
public record InstanceName(String value, Role role, long ordinal) {
  // Only the first DNS label counts: a pod's hostname may be db-slave-12.db.ns.svc.
  private static final Pattern SHAPE = Pattern.compile("(?:(.+)-)?([a-z]+)-(\\d+)");

  public InstanceName {
    if (ordinal < 0 || ordinal > role.maxOrdinal()) {
      throw new BootstrapException("instance '" + value + "': ordinal " + ordinal + " is outside 0.."
          + role.maxOrdinal() + " for a " + role.word() + ", whose server_ids start at "
          + role.serverIdBase() + "; a larger ordinal would collide with the next role's ids");
    }
  }

  /** Builds the canonical name {@code prefix-role-ordinal}. */
  public static InstanceName of(String prefix, Role role, long ordinal) {
    return parse(prefix + "-" + role.word() + "-" + ordinal);
  }

  /**
   * Reads a name or hostname.
   *
   * @throws BootstrapException if the name has no trailing ordinal or no role word before it
   */
  public static InstanceName parse(String nameOrHostname) {
    String trimmed = nameOrHostname == null ? "" : nameOrHostname.trim().toLowerCase(Locale.ROOT);
    int dot = trimmed.indexOf('.');
    String label = dot < 0 ? trimmed : trimmed.substring(0, dot);
    Matcher m = SHAPE.matcher(label);
    if (!m.matches()) {
      throw new BootstrapException("instance name '" + nameOrHostname + "' has no ordinal: expected"
          + " [prefix-]<role>-<N> with role one of " + Role.allWords()
          + " (e.g. mysql-slave-0, db-slave-12); server_id is derived from the role and N");
    }
    String word = m.group(2);
    Role role = Role.fromWord(word).orElseThrow(() -> new BootstrapException("instance name '"
        + nameOrHostname + "': the word before the ordinal is '" + word + "', expected one of "
        + Role.allWords() + " (e.g. mysql-slave-0, db-slave-12)"));
    long ordinal;
    try {
      ordinal = Long.parseLong(m.group(3));
    } catch (NumberFormatException e) {
      throw new BootstrapException("instance name '" + nameOrHostname + "': ordinal " + m.group(3)
          + " is too large", e);
    }
    return new InstanceName(label, role, ordinal);
  }

  private static final Pattern TRAILING_ORDINAL = Pattern.compile(".*-(\\d+)");

  /**
   * The instance a container runs as when its role is given separately (MYSQL_ROLE): the
   * ordinal is the hostname's last {@code -N}, whatever the words before it, so a StatefulSet
   * named {@code db} (pods {@code db-0}, {@code db-1}) works as well as {@code mysql-slave}.
   * Only the last dash counts: {@code my-db-slave-12} is ordinal 12, never 0 or "db".
   */
  public static InstanceName fromHostname(String hostname, Role role) {
    String trimmed = hostname == null ? "" : hostname.trim().toLowerCase(Locale.ROOT);
    int dot = trimmed.indexOf('.');
    String label = dot < 0 ? trimmed : trimmed.substring(0, dot);
    Matcher m = TRAILING_ORDINAL.matcher(label);
    if (!m.matches()) {
      throw new BootstrapException("hostname '" + hostname + "' does not end in -<N>: server_id is the " + role.word()
          + " base " + role.serverIdBase() + " plus that ordinal (a StatefulSet pod is named <set>-<N>, e.g."
          + " mysql-slave-0); set the hostname accordingly");
    }
    try {
      return new InstanceName(label, role, Long.parseLong(m.group(1)));
    } catch (NumberFormatException e) {
      throw new BootstrapException("hostname '" + hostname + "': ordinal " + m.group(1) + " is too large", e);
    }
  }

  /** server_id = role base + ordinal: master 1+N, relay 101+N, slave 1001+N. Never 0. */
  public long serverId() {
    return role.serverIdBase() + ordinal;
  }

  @Override
  public String toString() {
    return value;
  }
}
