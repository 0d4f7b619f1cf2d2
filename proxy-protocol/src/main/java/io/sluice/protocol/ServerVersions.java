package io.sluice.protocol;

/**
 * What the server version string of a handshake ("8.0.31", "5.7.22-log",
 * "5.5.5-10.11.6-MariaDB-0+deb12u1") says about the server: which flavor it is and which major
 * version, where the two flavors word errors, statements and handler names differently.
 */
public final class ServerVersions {
  private ServerVersions() {}

  /** MariaDB names itself in the version string (after a "5.5.5-" prefix for old clients). */
  public static boolean isMariaDb(String version) {
    return version != null && version.contains("MariaDB");
  }

  /**
   * The major version as the flavor counts it (10 for MariaDB 10.11, not the 5 of its "5.5.5-"
   * prefix), or -1 when the string does not start with one.
   */
  public static int major(String version) {
    if (version == null) {
      return -1;
    }
    String v = isMariaDb(version) && version.startsWith("5.5.5-") ? version.substring("5.5.5-".length()) : version;
    int end = 0;
    while (end < v.length() && end < 9 && Character.isDigit(v.charAt(end))) {
      end++;
    }
    return end == 0 ? -1 : Integer.parseInt(v.substring(0, end));
  }

  /** MySQL 8.0 or later (not MariaDB, whose 10.x is no MySQL 10). */
  public static boolean isMysql8OrLater(String version) {
    return !isMariaDb(version) && major(version) >= 8;
  }
}
