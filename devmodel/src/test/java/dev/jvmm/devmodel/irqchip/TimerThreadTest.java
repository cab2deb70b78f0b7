package dev.jvmm.devmodel.irqchip;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TimerThreadTest {
    @Test
    void runsActionsInDeadlineOrder() throws InterruptedException {
        List<Integer> order = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(3);
        AtomicLong clock = new AtomicLong();
        try (TimerThread t = new TimerThread("test-timer", clock::get)) {
            t.schedule(30, () -> { order.add(3); done.countDown(); });
            t.schedule(10, () -> { order.add(1); done.countDown(); });
            t.schedule(20, () -> { order.add(2); done.countDown(); });
            assertEquals(3, t.pending(), "nothing is due while the clock stands still");
            clock.set(100);
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertEquals(List.of(1, 2, 3), order);
        }
    }

    @Test
    void cancelledActionsLeaveTheQueueAndDoNotRun() throws InterruptedException {
        CountDownLatch after = new CountDownLatch(1);
        List<String> ran = new CopyOnWriteArrayList<>();
        AtomicLong clock = new AtomicLong();
        try (TimerThread t = new TimerThread("test-timer", clock::get)) {
            for (int i = 0; i < 10_000; i++) {
                assertTrue(t.schedule(1_000 + i, () -> ran.add("never")).cancel());
            }
            assertEquals(0, t.pending());
            Cancellable c = t.schedule(10, () -> ran.add("cancelled"));
            t.schedule(20, after::countDown);
            assertTrue(c.cancel());
            assertFalse(c.cancel());
            clock.set(100_000);
            assertTrue(after.await(10, TimeUnit.SECONDS));
            assertTrue(ran.isEmpty());
        }
    }

    @Test
    void aThrowingActionDoesNotStopTheThread() throws InterruptedException {
        CountDownLatch ok = new CountDownLatch(1);
        try (TimerThread t = new TimerThread("test-timer")) {
            t.schedule(t.nanoTime(), () -> { throw new IllegalStateException("boom"); });
            t.schedule(t.nanoTime() + 1_000_000, ok::countDown);
            assertTrue(ok.await(10, TimeUnit.SECONDS));
            assertEquals(1, t.failures());
        }
    }

    @Test
    void closeStopsAndLaterSchedulesAreIgnored() {
        TimerThread t = new TimerThread("test-timer");
        t.schedule(t.nanoTime() + 60_000_000_000L, () -> fail("ran after close"));
        t.close();
        t.close();
        assertSame(Cancellable.NONE, t.schedule(0, () -> fail("ran after close")));
        assertEquals(0, t.pending());
    }
}
