package io.sluice.core.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RefusingWhenBusyPoolTest {

    @Test
    void aTaskIsRefusedWhileEveryThreadIsBusyAndTakenOnceOneIsFree() throws Exception {
        RefusingWhenBusyPool pool = new RefusingWhenBusyPool(2, Thread::new);
        try {
            assertTakesExactly(pool, 2);
        } finally {
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

    @Test
    void theThreadsStartWithThePoolFromTheThreadThatCreatesIt() {
        List<Thread> creators = new ArrayList<>();
        RefusingWhenBusyPool pool = new RefusingWhenBusyPool(3, r -> {
            creators.add(Thread.currentThread());
            return new Thread(r);
        });
        try {
            assertEquals(3, pool.getPoolSize());
            assertEquals(List.of(Thread.currentThread(), Thread.currentThread(), Thread.currentThread()), creators);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void everyWayATaskEndsGivesItsThreadBackOnce() throws Exception {
        RefusingWhenBusyPool pool = new RefusingWhenBusyPool(2, Thread::new);
        try {
            Future<Object> failing = pool.submit(() -> {
                throw new IllegalStateException("parse failed");
            });
            assertThrows(ExecutionException.class, () -> failing.get(10, TimeUnit.SECONDS));
            assertTakesExactly(pool, 2);

            CountDownLatch ran = new CountDownLatch(1);
            pool.execute(() -> {
                ran.countDown();
                throw new IllegalStateException("a plain Runnable that throws");
            });
            assertTrue(ran.await(10, TimeUnit.SECONDS));
            assertTakesExactly(pool, 2);

            // Cancelled while running (as JSqlParser cancels a parse over its time bound).
            CountDownLatch started = new CountDownLatch(1);
            Future<Object> stuck = pool.submit(() -> {
                started.countDown();
                new CountDownLatch(1).await();
                return null;
            });
            assertTrue(started.await(10, TimeUnit.SECONDS));
            stuck.cancel(true);
            assertTakesExactly(pool, 2);

            // Cancelled at once: before or after its thread took it, by chance.
            for (int i = 0; i < 1_000; i++) {
                pool.submit(() -> 1).cancel(true);
                assertTakesExactly(pool, 2);
            }

            // Wrapped in another future: the wrapper holds the thread, the task inside does not.
            ExecutorCompletionService<Integer> completions = new ExecutorCompletionService<>(pool);
            completions.submit(() -> 7);
            assertEquals(7, completions.take().get());
            assertEquals(5, pool.invokeAny(List.<Callable<Integer>>of(() -> 5)));
            assertTakesExactly(pool, 2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aShutDownPoolSaysSo() {
        RefusingWhenBusyPool pool = new RefusingWhenBusyPool(1, Thread::new);
        pool.shutdown();
        RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> pool.submit(() -> 1));
        assertEquals("the pool is shut down", e.getMessage());
    }

    /**
     * Once every thread is back (a cancelled task's thread comes back when it ends), the pool
     * takes {@code threads} tasks that wait, refuses one more at once, and takes one again when
     * they end.
     */
    private static void assertTakesExactly(RefusingWhenBusyPool pool, int threads) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (pool.freeThreads() != threads && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(threads, pool.freeThreads(), "free threads");
        CountDownLatch release = new CountDownLatch(1);
        try {
            List<Future<?>> waiting = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                waiting.add(pool.submit(() -> {
                    release.await();
                    return null;
                }));
            }
            RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> pool.submit(() -> 1));
            assertEquals("all " + threads + " threads are busy", e.getMessage());
            release.countDown();
            for (Future<?> f : waiting) {
                f.get(10, TimeUnit.SECONDS);
            }
            assertEquals(3, pool.submit(() -> 3).get(10, TimeUnit.SECONDS));
        } finally {
            release.countDown();
        }
    }
}
