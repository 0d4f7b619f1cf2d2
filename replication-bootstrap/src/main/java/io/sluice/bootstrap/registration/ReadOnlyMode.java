package io.sluice.bootstrap.registration;

import io.sluice.bootstrap.flavor.Flavor;
import java.util.List;

/**
 * The statements that make a server read-only (or writable again), also for accounts with
 * SUPER: the one rule for fencing a former master and for fitting a server to its role, used by
 * the proxy's promotion and health checks and by the sandbox.
 */
public final class ReadOnlyMode {
  private ReadOnlyMode() {}

  /**
   * @param persist on MySQL 8, SET PERSIST, so a restarted server keeps the setting rather than
   *     the read_only of its my.cnf (MySQL 5.7 and MariaDB have no SET PERSIST: there the
   *     option file decides after a restart)
   */
  public static List<String> statements(Flavor flavor, boolean on, boolean persist) {
    if (flavor.isMariaDb()) {
      // No super_read_only; read_only does not stop root (it holds READ_ONLY ADMIN).
      return List.of("SET GLOBAL read_only = " + (on ? "ON" : "OFF"));
    }
    String scope = persist && flavor == Flavor.MYSQL_80 ? "PERSIST" : "GLOBAL";
    return on
        ? List.of("SET " + scope + " super_read_only = ON") // implies read_only
        : List.of("SET " + scope + " super_read_only = OFF", "SET " + scope + " read_only = OFF");
  }

  /** Whether the server takes writes from ordinary accounts (read_only off). */
  public static boolean isWritable(AdminSession s) {
    return "0".equals(s.value("SELECT @@GLOBAL.read_only"));
  }

  public static void set(AdminSession s, Flavor flavor, boolean on, boolean persist) {
    statements(flavor, on, persist).forEach(s::execute);
  }
}
