package dev.jvmm.devmodel.accel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class VmLifecycleTest {
    @Test
    void firstStopWinsAndLaterOnesAreIgnored() throws Exception {
        VmLifecycle l = new VmLifecycle();
        assertNull(l.awaitStop(0, TimeUnit.MILLISECONDS));
        l.requestStop(new VmStop.DebugExit(3));
        l.requestStop(new VmStop.PowerOff());
        assertEquals(new VmStop.DebugExit(3), l.awaitStop());
        assertEquals(7, l.awaitStop().exitStatus());
    }

    @Test
    void listenerAddedAfterTheStopRunsAtOnce() {
        VmLifecycle l = new VmLifecycle();
        l.requestStop(new VmStop.Quit("test"));
        AtomicInteger runs = new AtomicInteger();
        l.onStop(runs::incrementAndGet);
        assertEquals(1, runs.get());
    }

    @RepeatedTest(200)
    void listenerRacingTheStopRunsExactlyOnce() throws Exception {
        VmLifecycle l = new VmLifecycle();
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        Thread stopper = new Thread(() -> {
            try {
                go.await();
            } catch (InterruptedException e) {
                return;
            }
            l.requestStop(new VmStop.Quit("race"));
        });
        stopper.start();
        go.countDown();
        l.onStop(runs::incrementAndGet);
        stopper.join();
        assertEquals(1, runs.get());
    }

    @Test
    void debugExitStatusFollowsQemuAndFitsAProcessStatus() {
        assertEquals(1, new VmStop.DebugExit(0).exitStatus());
        assertEquals(0x43, new VmStop.DebugExit(0x21).exitStatus());
        assertEquals(0xFF, new VmStop.DebugExit(0x7F).exitStatus());
        assertEquals(0x01, new VmStop.DebugExit(0x80).exitStatus()); // (0x101) & 0xFF
    }
}
