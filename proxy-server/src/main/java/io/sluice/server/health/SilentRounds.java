package io.sluice.server.health;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * What a health probe that got no answer in time means, from how many rounds in a row the
 * backend has been silent and whether it answered the clients' commands meanwhile.
 *
 * <p>On a saturated machine a probe can be late while the server is fine: the probe's round
 * trip waits for CPU like everything else (on the benchmark's two cores, probes to an idle
 * master took up to a second). So one silent round changes nothing; a backend is down when it
 * has been silent for {@link #ROUNDS_BEFORE_DOWN} rounds in a row and answered no client in the
 * latest. A backend that answered clients during a silent round is alive by the best evidence
 * there is, so it stays in; but what its probe would have checked is unknown, so after
 * {@link #ROUNDS_WHILE_ANSWERING} silent rounds the verdict is {@link Verdict#UNCHECKED}. A hung
 * server (SIGSTOP) answers nobody, so it still leaves after two rounds.
 *
 * <p>Used by the health checker's one thread only.
 */
final class SilentRounds {
  static final int ROUNDS_BEFORE_DOWN = 2;
  static final int ROUNDS_WHILE_ANSWERING = 5;

  enum Verdict {
    /** The probe was answered: its result stands. */
    HEARD,
    /** Silent, but not for long enough: the backend keeps its previous health and lag. */
    WAIT,
    /** Silent for {@link #ROUNDS_BEFORE_DOWN} rounds or more, and no client answered in this one: down. */
    DOWN,
    /**
     * Answering clients, but silent to the health checks for {@link #ROUNDS_WHILE_ANSWERING}
     * rounds: the health checker takes a slave out of reads (lagging) and counts a master down
     * (the commands it answered may all have been reads while its writes hang).
     */
    UNCHECKED
  }

  /** Silent rounds in a row, by monitor key (backend name and address). */
  private final Map<String, Integer> rounds = new HashMap<>();

  /**
   * Counts this round for {@code key}: {@code silent} if its probe got no answer in time,
   * {@code answeredClients} if the backend answered a client's command since the round began.
   */
  Verdict next(String key, boolean silent, boolean answeredClients) {
    if (!silent) {
      rounds.remove(key);
      return Verdict.HEARD;
    }
    int n = rounds.merge(key, 1, Integer::sum);
    if (answeredClients) {
      return n >= ROUNDS_WHILE_ANSWERING ? Verdict.UNCHECKED : Verdict.WAIT;
    }
    return n >= ROUNDS_BEFORE_DOWN ? Verdict.DOWN : Verdict.WAIT;
  }

  /** Rounds {@code key} has been silent in a row. */
  int silentFor(String key) {
    return rounds.getOrDefault(key, 0);
  }

  /** Forgets backends no longer configured (after a reload), so the map stays as big as the cluster. */
  void retainOnly(Set<String> keys) {
    rounds.keySet().retainAll(keys);
  }
}
