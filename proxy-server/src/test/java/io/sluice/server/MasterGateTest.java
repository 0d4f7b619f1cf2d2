package io.sluice.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class MasterGateTest {
  @Test
  void statementsWaitUntilEveryHoldEnds() {
    MasterGate gate = new MasterGate();
    assertNull(gate.whenOpen(), "open at first");
    gate.close(MasterGate.Hold.FAILOVER_DUE);
    CompletableFuture<Void> held = gate.whenOpen();
    assertNotNull(held);
    // The failover begins while the hold for it lasts: the same wait, not a second one that
    // would strand the statements already waiting on the first.
    gate.close(MasterGate.Hold.PROMOTION);
    assertSame(held, gate.whenOpen());
    gate.open(MasterGate.Hold.PROMOTION);
    assertFalse(held.isDone(), "still held: the failover is due");
    assertTrue(gate.holds(MasterGate.Hold.FAILOVER_DUE));
    gate.open(MasterGate.Hold.FAILOVER_DUE);
    assertTrue(held.isDone());
    assertNull(gate.whenOpen());
  }

  @Test
  void openingWhatIsNotHeldChangesNothing() {
    MasterGate gate = new MasterGate();
    gate.open(MasterGate.Hold.PROMOTION);
    assertNull(gate.whenOpen());
    gate.close(MasterGate.Hold.PROMOTION);
    CompletableFuture<Void> held = gate.whenOpen();
    gate.open(MasterGate.Hold.FAILOVER_DUE);
    assertFalse(held.isDone(), "a switchover's hold is not ended by the failover's");
    gate.open(MasterGate.Hold.PROMOTION);
    gate.open(MasterGate.Hold.PROMOTION); // a switchover opens it twice: after promoting and finally
    assertTrue(held.isDone());
    assertFalse(gate.holds(MasterGate.Hold.PROMOTION));
  }
}
