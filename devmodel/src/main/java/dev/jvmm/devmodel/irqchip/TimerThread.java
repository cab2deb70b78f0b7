package dev.jvmm.devmodel.irqchip;

import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * A {@link TimerScheduler} on a real monotonic clock: one daemon thread, owned by this instance,
 * waits for the earliest deadline and runs due actions in deadline order. Cancelled actions leave
 * the queue at once, so a guest that reprograms a timer in a loop cannot grow it. An action that
 * throws is counted ({@link #failures()}) and does not stop the thread. After {@link #close()}
 * nothing runs any more and {@code schedule} quietly returns a handle that does nothing.
 */
public final class TimerThread implements TimerScheduler, AutoCloseable {
    private final LongSupplier clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final PriorityQueue<Entry> queue = new PriorityQueue<>();
    private final Thread thread;
    private final AtomicLong failures = new AtomicLong();
    private long sequence;
    private boolean closed;

    /** On {@link System#nanoTime()}. */
    public TimerThread(String name) {
        this(name, System::nanoTime);
    }

    /** On {@code clock}, which must advance with real time (the thread sleeps in real nanoseconds). */
    public TimerThread(String name, LongSupplier clock) {
        this.clock = Objects.requireNonNull(clock);
        this.thread = new Thread(this::run, Objects.requireNonNull(name));
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public long nanoTime() {
        return clock.getAsLong();
    }

    @Override
    public Cancellable schedule(long deadlineNanos, Runnable action) {
        Objects.requireNonNull(action);
        lock.lock();
        try {
            if (closed) {
                return Cancellable.NONE;
            }
            Entry e = new Entry(deadlineNanos, sequence++, action);
            queue.add(e);
            if (queue.peek() == e) {
                changed.signal();
            }
            return e;
        } finally {
            lock.unlock();
        }
    }

    /** Actions that threw. */
    public long failures() {
        return failures.get();
    }

    /** Actions waiting to run. */
    public int pending() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (true) {
            Entry due;
            lock.lock();
            try {
                while (true) {
                    if (closed) {
                        return;
                    }
                    Entry head = queue.peek();
                    if (head == null) {
                        changed.awaitUninterruptibly();
                        continue;
                    }
                    long wait = head.deadline - clock.getAsLong();
                    if (wait <= 0) {
                        due = queue.poll();
                        due.started = true;
                        break;
                    }
                    try {
                        changed.awaitNanos(wait);
                    } catch (InterruptedException ie) {
                        // Only close() matters; it sets closed before signalling.
                    }
                }
            } finally {
                lock.unlock();
            }
            try {
                due.action.run();
            } catch (RuntimeException | AssertionError | StackOverflowError ex) {
                failures.incrementAndGet();
            }
        }
    }

    /** Stops the thread and waits for it; pending actions are dropped. Idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            queue.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (Thread.currentThread() != thread) {
            boolean interrupted = false;
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private final class Entry implements Comparable<Entry>, Cancellable {
        final long deadline;
        final long seq;
        final Runnable action;
        boolean started; // guarded by lock

        Entry(long deadline, long seq, Runnable action) {
            this.deadline = deadline;
            this.seq = seq;
            this.action = action;
        }

        @Override
        public int compareTo(Entry o) {
            int c = Long.compare(deadline, o.deadline);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }

        @Override
        public boolean cancel() {
            lock.lock();
            try {
                return !started && queue.remove(this);
            } finally {
                lock.unlock();
            }
        }
    }
}
