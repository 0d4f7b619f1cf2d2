package io.sluice.bootstrap.identity;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The place of an instance in a replication tree. Each role owns a disjoint server_id range
 * so that ids derived from instance names never collide across roles and are never 0 (a
 * server with server_id 0 refuses to replicate).
 */
public enum Role {
  /** The single writable source: server_id 1..100. */
  MASTER("master", 1, 99),
  /** An intermediate replica that other replicas read from: server_id 101..1000. */
  RELAY("relay", 101, 899),
  /** A leaf replica serving reads: server_id 1001 and up (server_id is an unsigned 32-bit value). */
  SLAVE("slave", 1001, 4_294_967_295L - 1001);

  private final String word;
  private final long serverIdBase;
  private final long maxOrdinal;

  Role(String word, long serverIdBase, long maxOrdinal) {
    this.word = word;
    this.serverIdBase = serverIdBase;
    this.maxOrdinal = maxOrdinal;
  }

  /** The word used in instance names and in config files: master, relay, slave. */
  public String word() {
    return word;
  }

  public long serverIdBase() {
    return serverIdBase;
  }

  /** The largest ordinal whose server_id stays inside this role's range. */
  public long maxOrdinal() {
    return maxOrdinal;
  }

  /** True for roles that replicate from another server and must therefore be read-only. */
  public boolean replicates() {
    return this != MASTER;
  }

  public static Optional<Role> fromWord(String word) {
    String w = word.toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(r -> r.word.equals(w)).findFirst();
  }

  static String allWords() {
    return Arrays.stream(values()).map(Role::word).collect(Collectors.joining(", "));
  }
}
