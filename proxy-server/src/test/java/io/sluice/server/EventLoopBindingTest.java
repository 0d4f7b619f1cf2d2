package io.sluice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class EventLoopBindingTest {
  private static final List<Integer> TWO = List.of(0, 1);
  private static final List<Integer> SOME = List.of(2, 3, 6, 7);
  private static final Supplier<List<Integer>> NOT_ASKED = () -> fail("the allowed CPUs were asked for");

  @Test
  void autoBindsOnlyOneLoopPerAllowedCpu() {
    assertEquals(TWO, EventLoopBinding.AUTO.cpusFor(2, () -> TWO));
    assertEquals(SOME, EventLoopBinding.AUTO.cpusFor(4, () -> SOME));
    assertEquals(List.of(), EventLoopBinding.AUTO.cpusFor(3, () -> SOME), "fewer loops than CPUs: every proxy would take the first");
    assertEquals(List.of(), EventLoopBinding.AUTO.cpusFor(3, () -> TWO), "more loops than CPUs");
    assertEquals(List.of(), EventLoopBinding.AUTO.cpusFor(2, List::of), "CPUs unknown");
    assertEquals(List.of(), EventLoopBinding.AUTO.cpusFor(1, NOT_ASKED), "one loop: nothing to spread, no native code");
  }

  @Test
  void onBindsWhateverTheNumbersAndOffNeverAsks() {
    assertEquals(SOME, EventLoopBinding.ON.cpusFor(1, () -> SOME));
    assertEquals(TWO, EventLoopBinding.ON.cpusFor(5, () -> TWO));
    assertEquals(List.of(5), EventLoopBinding.ON.cpusFor(1, () -> List.of(5)));
    assertEquals(List.of(), EventLoopBinding.OFF.cpusFor(2, NOT_ASKED));
    assertEquals(List.of(), EventLoopBinding.OFF.cpusFor(4, NOT_ASKED));
  }
}
