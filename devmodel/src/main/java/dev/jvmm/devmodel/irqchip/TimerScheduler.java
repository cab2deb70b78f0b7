package dev.jvmm.devmodel.irqchip;

/**
 * Fires actions at deadlines on a monotonic nanosecond clock. The timer models (PIT, local APIC
 * timer) read time only through {@link #nanoTime()} and schedule one event per expiry, so they
 * never busy-loop and run identically on a real clock ({@link TimerThread}) or a virtual one
 * ({@link ManualTimers}).
 *
 * <p>Actions run on the scheduler's own thread (or, for {@code ManualTimers}, the thread that
 * advances it), never while the scheduler holds its lock, so an action may schedule or cancel.
 */
public interface TimerScheduler {
    /** The current time on the scheduler's monotonic clock, in nanoseconds (any origin). */
    long nanoTime();

    /**
     * Runs {@code action} once at or soon after {@code deadlineNanos} (on the {@link #nanoTime()}
     * clock); a deadline in the past runs it as soon as possible. Actions due at the same time run
     * in the order they were scheduled.
     */
    Cancellable schedule(long deadlineNanos, Runnable action);
}
