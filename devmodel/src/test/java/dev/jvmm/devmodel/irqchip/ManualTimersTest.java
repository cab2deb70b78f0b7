package dev.jvmm.devmodel.irqchip;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManualTimersTest {
    final ManualTimers timers = new ManualTimers();
    final List<String> fired = new ArrayList<>();

    @Test
    void firesDueActionsInDeadlineOrderWithTheClockAtEachDeadline() {
        timers.schedule(300, () -> fired.add("c@" + timers.nanoTime()));
        timers.schedule(100, () -> fired.add("a@" + timers.nanoTime()));
        timers.schedule(200, () -> fired.add("b@" + timers.nanoTime()));
        timers.advance(250);
        assertEquals(List.of("a@100", "b@200"), fired);
        assertEquals(250, timers.nanoTime());
        timers.advance(50);
        assertEquals(List.of("a@100", "b@200", "c@300"), fired);
    }

    @Test
    void equalDeadlinesRunInSchedulingOrder() {
        timers.schedule(10, () -> fired.add("1"));
        timers.schedule(10, () -> fired.add("2"));
        timers.schedule(10, () -> fired.add("3"));
        timers.advance(10);
        assertEquals(List.of("1", "2", "3"), fired);
    }

    @Test
    void cancelledActionsNeverRun() {
        Cancellable c = timers.schedule(10, () -> fired.add("x"));
        assertTrue(c.cancel());
        assertFalse(c.cancel());
        timers.advance(100);
        assertTrue(fired.isEmpty());
        assertEquals(0, timers.pending());
    }

    @Test
    void actionsMayScheduleMoreThatFallDueInTheSameAdvance() {
        Runnable[] tick = new Runnable[1];
        tick[0] = () -> {
            fired.add("t" + timers.nanoTime());
            timers.schedule(timers.nanoTime() + 10, tick[0]);
        };
        timers.schedule(10, tick[0]);
        timers.advance(35);
        assertEquals(List.of("t10", "t20", "t30"), fired);
        assertEquals(40, timers.nextDeadline());
    }

    @Test
    void pastDeadlinesRunAtTheNextAdvanceAndTheClockNeverGoesBack() {
        timers.advance(1000);
        timers.schedule(5, () -> fired.add("late@" + timers.nanoTime()));
        timers.advance(0);
        assertEquals(List.of("late@1000"), fired);
        timers.advanceTo(10);
        assertEquals(1000, timers.nanoTime());
    }
}
