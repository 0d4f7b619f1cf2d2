package io.sluice.core.sql;

import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A fixed pool, its threads started at once, that refuses a task unless one of its threads is
 * free, so that a caller never waits behind a stuck task.
 *
 * <p>Why not a pool with no queue (a SynchronousQueue): it refuses whenever no thread is at that
 * moment waiting to take a task, and a thread that has just handed back a result, or has just
 * been started, is not yet waiting; a caller that submits its next task then is refused with a
 * thread about to be free. Here a permit per thread says "free", handed back before the result is
 * (so a caller that waited for it finds the thread free), and the queue holds the next task for
 * the moment until the thread takes it.
 */
final class RefusingWhenBusyPool extends ThreadPoolExecutor {
    private final Semaphore free;

    RefusingWhenBusyPool(int threads, ThreadFactory factory) {
        super(threads, threads, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory, new AbortPolicy());
        this.free = new Semaphore(threads);
        prestartAllCoreThreads();
    }

    @Override
    public void execute(Runnable task) {
        if (isShutdown()) {
            throw new RejectedExecutionException("the pool is shut down");
        }
        if (!free.tryAcquire()) {
            throw new RejectedExecutionException("all " + getCorePoolSize() + " threads are busy");
        }
        // Only what was handed to execute holds the permit: a Task wrapped in another future (as
        // ExecutorCompletionService and invokeAny do) must not give it back a second time.
        if (task instanceof Task<?> t) {
            t.holdsPermit = true;
        }
        try {
            super.execute(task);
        } catch (RuntimeException e) {
            free.release();
            throw e;
        }
    }

    /** How many threads are free to take a task now. */
    int freeThreads() {
        return free.availablePermits();
    }

    @Override
    protected <T> RunnableFuture<T> newTaskFor(Callable<T> callable) {
        return new Task<>(callable);
    }

    @Override
    protected <T> RunnableFuture<T> newTaskFor(Runnable runnable, T value) {
        return new Task<>(Executors.callable(runnable, value));
    }

    @Override
    protected void afterExecute(Runnable task, Throwable thrown) {
        // A task cancelled before it ran never reaches set(); a plain Runnable has no result.
        if (task instanceof Task<?> t) {
            t.freeThread();
        } else {
            free.release();
        }
    }

    /** A submitted task, whose thread counts as free from the moment its result is set. */
    private final class Task<T> extends FutureTask<T> {
        private final AtomicBoolean freed = new AtomicBoolean();
        /** Set before the task is queued, so visible to the thread that runs it. */
        private volatile boolean holdsPermit;

        Task(Callable<T> callable) {
            super(callable);
        }

        @Override
        protected void set(T value) {
            freeThread();
            super.set(value);
        }

        @Override
        protected void setException(Throwable thrown) {
            freeThread();
            super.setException(thrown);
        }

        void freeThread() {
            if (holdsPermit && freed.compareAndSet(false, true)) {
                free.release();
            }
        }
    }
}
