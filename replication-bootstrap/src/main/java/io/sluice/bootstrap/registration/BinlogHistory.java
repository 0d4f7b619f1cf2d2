package io.sluice.bootstrap.registration;

import io.sluice.bootstrap.BootstrapException;
import io.sluice.bootstrap.flavor.Flavor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a source's binary log still holds every transaction a replica lacks. Once binlogs
 * are purged, a replica that needs older transactions fails with error 1236 forever: it must
 * first be seeded with a snapshot.
 */
public final class BinlogHistory {
  private BinlogHistory() {}

  /** The GTIDs the replica lacks that the source no longer has in its binary log; empty if none. */
  public static Optional<String> purgedButMissing(AdminSession source, AdminSession replica, Flavor flavor) {
    return flavor.isMariaDb() ? mariaDb(source, replica) : mysql(source, replica);
  }

  /**
   * The transactions {@code holder} has written that {@code other} never received; empty if
   * none. A former master with such transactions (written just before a failover) cannot
   * follow {@code other}: they would stay on it alone, or clash with what {@code other} wrote.
   * On MariaDB, by GTID domain and server_id (gtid_binlog_state): its sequence numbers go on
   * across servers, so the same number can be two different transactions.
   */
  public static Optional<String> onlyOn(AdminSession holder, AdminSession other, Flavor flavor) {
    if (!flavor.isMariaDb()) {
      String mine = nullToEmpty(holder.value("SELECT @@GLOBAL.gtid_executed"));
      String theirs = nullToEmpty(other.value("SELECT @@GLOBAL.gtid_executed"));
      String extra = other.value("SELECT GTID_SUBTRACT(?, ?)", mine, theirs);
      return extra == null || extra.isBlank() ? Optional.empty() : Optional.of(extra.replace("\n", ""));
    }
    Map<String, Long> theirs = new HashMap<>();
    for (MariaDbGtid g : MariaDbGtid.parseList(nullToEmpty(other.value("SELECT @@GLOBAL.gtid_binlog_state")))) {
      theirs.merge(g.domain() + "-" + g.serverId(), g.sequence(), Math::max);
    }
    List<MariaDbGtid> extra = MariaDbGtid.parseList(nullToEmpty(holder.value("SELECT @@GLOBAL.gtid_binlog_state")))
        .stream().filter(g -> theirs.getOrDefault(g.domain() + "-" + g.serverId(), 0L) < g.sequence()).toList();
    return extra.isEmpty() ? Optional.empty()
        : Optional.of(String.join(",", extra.stream().map(MariaDbGtid::toString).toList()));
  }

  /** True when the server holds no schema of its own (only the system ones): it can be seeded. */
  public static boolean holdsNoData(AdminSession server) {
    return LogicalSnapshot.userSchemas(server).isEmpty();
  }

  private static Optional<String> mysql(AdminSession source, AdminSession replica) {
    String purged = nullToEmpty(source.value("SELECT @@GLOBAL.gtid_purged"));
    if (purged.isBlank()) {
      return Optional.empty();
    }
    String executed = nullToEmpty(replica.value("SELECT @@GLOBAL.gtid_executed"));
    String missing = source.value("SELECT GTID_SUBTRACT(?, ?)", purged, executed);
    return missing == null || missing.isBlank() ? Optional.empty() : Optional.of(missing.replace("\n", ""));
  }

  /**
   * MariaDB has no gtid_purged. Every binlog file starts with a Gtid_list event: the GTID state
   * before the file. The oldest remaining file's list is therefore what the source can no longer
   * send ({@code []} when nothing was ever purged).
   */
  private static Optional<String> mariaDb(AdminSession source, AdminSession replica) {
    List<Map<String, String>> logs = source.rows("SHOW BINARY LOGS");
    if (logs.isEmpty()) {
      throw new BootstrapException(source.label() + " has no binary log (log_bin is off); a replica cannot follow it");
    }
    String first = logs.get(0).get("Log_name");
    String list = source.rows("SHOW BINLOG EVENTS IN " + SqlText.quote(first) + " LIMIT 5").stream()
        .filter(e -> "Gtid_list".equals(e.get("Event_type")))
        .map(e -> nullToEmpty(e.get("Info")).replace("[", "").replace("]", "").trim())
        .findFirst()
        .orElseThrow(() -> new BootstrapException(source.label() + ": binlog " + first + " starts without a Gtid_list"
            + " event; cannot tell what was purged"));
    if (list.isEmpty()) {
      return Optional.empty();
    }
    Map<Long, Long> replicaSeq = new HashMap<>();
    for (MariaDbGtid g : MariaDbGtid.parseList(nullToEmpty(replica.value("SELECT @@GLOBAL.gtid_current_pos")))) {
      replicaSeq.merge(g.domain(), g.sequence(), Math::max);
    }
    List<MariaDbGtid> lacking = MariaDbGtid.parseList(list).stream()
        .filter(g -> replicaSeq.getOrDefault(g.domain(), 0L) < g.sequence())
        .toList();
    return lacking.isEmpty() ? Optional.empty()
        : Optional.of(String.join(",", lacking.stream().map(MariaDbGtid::toString).toList()));
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  /** One MariaDB GTID, domain-server-sequence. */
  record MariaDbGtid(long domain, long serverId, long sequence) {
    static List<MariaDbGtid> parseList(String text) {
      if (text.isBlank()) {
        return List.of();
      }
      return java.util.Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(s -> {
        String[] p = s.split("-");
        if (p.length != 3) {
          throw new BootstrapException("malformed MariaDB GTID '" + s + "' in '" + text + "'");
        }
        return new MariaDbGtid(Long.parseLong(p[0]), Long.parseLong(p[1]), Long.parseLong(p[2]));
      }).toList();
    }

    @Override
    public String toString() {
      return domain + "-" + serverId + "-" + sequence;
    }
  }
}
