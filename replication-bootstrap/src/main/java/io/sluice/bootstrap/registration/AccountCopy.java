package io.sluice.bootstrap.registration;

import static io.sluice.bootstrap.registration.SqlText.quote;

import io.sluice.bootstrap.flavor.Flavor;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Copies the application's accounts (with their password hashes and grants) into a replica
 * seeded from a snapshot. Normally accounts reach replicas through replication; after the
 * source's binary log was purged the CREATE USER is gone from it, and the proxy, which logs in
 * to every backend with the client's credentials, would be refused on the new replica.
 */
final class AccountCopy {
  // Accounts every server creates for itself; root's password is per server.
  private static final Set<String> OWN_ACCOUNTS =
      Set.of("root", "mysql.session", "mysql.sys", "mysql.infoschema", "mariadb.sys", "");

  private AccountCopy() {}

  static int copy(AdminSession src, AdminSession dst, Flavor flavor, String replicationUser) {
    if (flavor == Flavor.MYSQL_80) {
      // Hashes of caching_sha2_password contain bytes that do not survive as text otherwise.
      src.execute("SET SESSION print_identified_with_as_hex = ON");
    }
    String accounts = "SELECT User, Host FROM mysql.user" + (flavor.isMariaDb() ? " WHERE is_role <> 'Y'" : "");
    Set<String> existing = new HashSet<>();
    for (Map<String, String> r : dst.rows(accounts)) {
      existing.add(r.get("User") + "@" + r.get("Host"));
    }
    int copied = 0;
    for (Map<String, String> r : src.rows(accounts)) {
      String user = r.get("User");
      String host = r.get("Host");
      if (OWN_ACCOUNTS.contains(user) || user.equals(replicationUser) || existing.contains(user + "@" + host)) {
        continue;
      }
      String account = quote(user) + "@" + quote(host);
      dst.execute(src.firstRow("SHOW CREATE USER " + account).orElseThrow().values().iterator().next());
      for (Map<String, String> grant : src.rows("SHOW GRANTS FOR " + account)) {
        dst.execute(grant.values().iterator().next());
      }
      copied++;
    }
    return copied;
  }
}
