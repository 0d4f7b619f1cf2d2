package io.sluice.core.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RefusingWhenBusyPoolTest {

    @Test
    void aTaskIsRefusedAtOnceWhileEveryThreadIsBusyAndTakenOnceOneIsFree() throws Exception {
        RefusingWhenBusyPool pool = new RefusingWhenBusyPool(2, Thread::new);
        CountDownLatch release = new CountDownLatch(1);
        try {
            List<Future<?>> stuck = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                stuck.add(pool.submit(() -> {
                    release.await();
                    return null;
                }));
            }
            long start = System.nanoTime();
            assertThrows(RejectedExecutionException.class, () -> pool.submit(() -> 1));
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "the refusal did not wait");
            release.countDown();
            for (Future<?> f : stuck) {
                f.get(10, TimeUnit.SECONDS);
            }
            assertEquals(3, pool.submit(() -> 3).get(10, TimeUnit.SECONDS));
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void aCallerThatWaitsForEachTaskIsNeverRefused() throws Exception {
        // The moment between a task's end and its thread waiting for the next: a pool without a
        // queue refuses a task that arrives then (its threads are free, but not yet waiting).
        RefusingWhenBusyPool pool = new RefusingWhenBusyPool(1, Thread::new);
        try {
            for (int i = 0; i < 20_000; i++) {
                int n = i;
                assertEquals(n, pool.submit(() -> n).get(10, TimeUnit.SECONDS), "task " + i);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
