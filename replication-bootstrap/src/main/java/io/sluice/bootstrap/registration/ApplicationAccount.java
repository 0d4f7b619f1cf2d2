package io.sluice.bootstrap.registration;

import static io.sluice.bootstrap.registration.SqlText.identifier;
import static io.sluice.bootstrap.registration.SqlText.quote;

/**
 * The database and account applications use. Created on the source only, with the binary log
 * on, so replication carries both to every replica: the account then exists wherever the
 * proxy may route a login, with the same password hash. No authentication plugin is named, so
 * each server uses its default (caching_sha2_password on MySQL 8.0), exactly what applications
 * meet in production.
 */
public record ApplicationAccount(String database, String user, String password) {
  public static final ApplicationAccount DEFAULT = new ApplicationAccount("app", "app", "app");

  public void createOnSource(AdminSession source) {
    source.execute("CREATE DATABASE IF NOT EXISTS " + identifier(database));
    source.execute("CREATE USER IF NOT EXISTS " + quote(user) + "@'%' IDENTIFIED BY " + quote(password));
    source.execute("GRANT ALL PRIVILEGES ON " + identifier(database) + ".* TO " + quote(user) + "@'%'");
  }
}
