package dev.jvmm.devmodel.irqchip;

import java.util.Objects;
import java.util.PriorityQueue;

/**
 * A {@link TimerScheduler} on a virtual clock that moves only when told: {@link #advance} runs
 * every action that falls due, in deadline order, with {@link #nanoTime()} set to each action's
 * deadline while it runs. For deterministic tests and for single-threaded runs.
 */
public final class ManualTimers implements TimerScheduler {
    /** More firings than this in one advance means an action reschedules itself without progress. */
    static final int MAX_FIRINGS_PER_ADVANCE = 10_000_000;

    private final PriorityQueue<Entry> queue = new PriorityQueue<>();
    private long now;
    private long sequence;

    public ManualTimers() {
        this(0);
    }

    public ManualTimers(long startNanos) {
        this.now = startNanos;
    }

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized Cancellable schedule(long deadlineNanos, Runnable action) {
        Entry e = new Entry(deadlineNanos, sequence++, Objects.requireNonNull(action));
        queue.add(e);
        return e;
    }

    /** Moves the clock forward by {@code nanos} (negative counts as 0), firing what falls due. */
    public void advance(long nanos) {
        long target;
        synchronized (this) {
            target = now + Math.max(0, nanos);
        }
        advanceTo(target);
    }

    /** Moves the clock to {@code targetNanos} (never backwards), firing what falls due. */
    public void advanceTo(long targetNanos) {
        for (int fired = 0; ; fired++) {
            Entry due;
            synchronized (this) {
                Entry head = queue.peek();
                if (head == null || head.deadline > targetNanos) {
                    now = Math.max(now, targetNanos);
                    return;
                }
                if (fired >= MAX_FIRINGS_PER_ADVANCE) {
                    throw new IllegalStateException("timer actions keep rescheduling without advancing");
                }
                due = queue.poll();
                due.started = true;
                now = Math.max(now, due.deadline);
            }
            due.action.run();
        }
    }

    /** Actions waiting to run. */
    public synchronized int pending() {
        return queue.size();
    }

    /** The earliest pending deadline, or {@link Long#MAX_VALUE} if none. */
    public synchronized long nextDeadline() {
        Entry head = queue.peek();
        return head == null ? Long.MAX_VALUE : head.deadline;
    }

    private final class Entry implements Comparable<Entry>, Cancellable {
        final long deadline;
        final long seq;
        final Runnable action;
        boolean started;

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
            synchronized (ManualTimers.this) {
                return !started && queue.remove(this);
            }
        }
    }
}
