package io.sluice.server.health;

import static io.sluice.server.health.SilentRounds.Verdict.DOWN;
import static io.sluice.server.health.SilentRounds.Verdict.HEARD;
import static io.sluice.server.health.SilentRounds.Verdict.UNCHECKED;
import static io.sluice.server.health.SilentRounds.Verdict.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

class SilentRoundsTest {
  private final SilentRounds silence = new SilentRounds();

  @Test
  void oneSilentRoundChangesNothingTwoInARowAreDown() {
    assertEquals(WAIT, silence.next("s0", true, false));
    assertEquals(DOWN, silence.next("s0", true, false));
    assertEquals(DOWN, silence.next("s0", true, false), "still silent: still down");
  }

  @Test
  void anAnswerBetweenSilentRoundsStartsTheCountAgain() {
    assertEquals(WAIT, silence.next("s0", true, false));
    assertEquals(HEARD, silence.next("s0", false, false));
    assertEquals(0, silence.silentFor("s0"));
    assertEquals(WAIT, silence.next("s0", true, false));
  }

  @Test
  void aBackendAnsweringClientsStaysUntilItsStateHasBeenUnknownTooLong() {
    for (int round = 1; round < SilentRounds.ROUNDS_WHILE_ANSWERING; round++) {
      assertEquals(WAIT, silence.next("s0", true, true), "round " + round);
    }
    assertEquals(UNCHECKED, silence.next("s0", true, true));
    assertEquals(SilentRounds.ROUNDS_WHILE_ANSWERING, silence.silentFor("s0"));
  }

  @Test
  void aServerThatHangsAfterAnsweringLeavesOnTheFirstRoundWithoutAnswers() {
    // SIGSTOP just after the round began: what completed before counts once, then nothing.
    assertEquals(WAIT, silence.next("s0", true, true));
    assertEquals(DOWN, silence.next("s0", true, false));
  }

  @Test
  void backendsAreCountedApartAndRemovedOnesForgotten() {
    assertEquals(WAIT, silence.next("s0", true, false));
    assertEquals(WAIT, silence.next("s1", true, false));
    silence.retainOnly(Set.of("s1"));
    assertEquals(0, silence.silentFor("s0"));
    assertEquals(WAIT, silence.next("s0", true, false), "a backend added back starts afresh");
    assertEquals(DOWN, silence.next("s1", true, false));
  }
}
