package dev.jvmm.devmodel.devices.debugexit;

import static org.junit.jupiter.api.Assertions.*;

import dev.jvmm.devmodel.accel.VmLifecycle;
import dev.jvmm.devmodel.accel.VmStop;
import dev.jvmm.devmodel.bus.PortIoBus;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DebugExitTest {
    final VmLifecycle lifecycle = new VmLifecycle();
    final DebugExit device = new DebugExit(lifecycle);
    final PortIoBus bus = new PortIoBus();

    DebugExitTest() {
        bus.register(DebugExit.PORT, DebugExit.WIDTH, device);
    }

    /** The stop already requested; awaiting it cannot block because it was requested before. */
    VmStop stop() throws InterruptedException {
        VmStop s = lifecycle.awaitStop(0, TimeUnit.SECONDS);
        assertNotNull(s, "a stop was requested");
        return s;
    }

    @Test
    void portMatchesQemusIsaDebugExit() {
        assertEquals(0xF4, DebugExit.PORT);
    }

    @Test
    void nothingStopsBeforeAWrite() throws InterruptedException {
        assertFalse(lifecycle.isStopping());
        assertNull(lifecycle.awaitStop(0, TimeUnit.SECONDS));
    }

    @Test
    void writeRequestsDebugExitWithTheValue() throws InterruptedException {
        bus.write(0xF4, 1, 0x10);
        assertTrue(lifecycle.isStopping());
        assertEquals(new VmStop.DebugExit(0x10), stop());
        assertEquals(0x21, stop().exitStatus());
        assertNull(stop().message(), "a debug exit is the guest's verdict, nothing to explain");
    }

    @Test
    void wideWriteCarriesTheWholeValue() throws InterruptedException {
        bus.write(0xF4, 4, 0x0000_0003L);
        assertEquals(new VmStop.DebugExit(3), stop());
        assertEquals(7, stop().exitStatus());
    }

    @Test
    void byteWriteIsMaskedToItsSizeByTheBus() throws InterruptedException {
        bus.write(0xF4, 1, 0x1_01);
        assertEquals(new VmStop.DebugExit(1), stop());
    }

    @ParameterizedTest(name = "value {0} exits with {1}")
    @CsvSource({"0, 1", "1, 3", "0x10, 33", "0x3F, 127", "0x7F, 255", "0x80, 1", "0xFF, 255", "0x100, 1",
        "0x12345678, 241", "-1, 255"})
    void exitStatusIsValueShiftedLeftOrOneAsAnEightBitProcessStatus(String value, int status) {
        int v = value.startsWith("0x") ? Integer.parseUnsignedInt(value.substring(2), 16) : Integer.parseInt(value);
        assertEquals(status, new VmStop.DebugExit(v).exitStatus());
        assertEquals(((v << 1) | 1) & 0xFF, status, "table entry agrees with (v << 1) | 1 mod 256");
    }

    @Test
    void exitStatusIsAlwaysOdd() {
        for (int v = 0; v < 512; v++) {
            int s = new VmStop.DebugExit(v).exitStatus();
            assertEquals(1, s & 1, "value " + v);
            assertTrue(s >= 0 && s <= 255, "value " + v);
        }
    }

    @Test
    void firstStopWins() throws InterruptedException {
        bus.write(0xF4, 1, 1);
        bus.write(0xF4, 1, 2);
        assertEquals(new VmStop.DebugExit(1), stop());
    }

    @Test
    void earlierStopOfAnotherKindWins() throws InterruptedException {
        lifecycle.requestStop(new VmStop.Reset("test"));
        bus.write(0xF4, 1, 5);
        assertEquals(new VmStop.Reset("test"), stop());
    }

    @Test
    void stopListenersRunOnceForTheFirstStop() {
        AtomicInteger runs = new AtomicInteger();
        lifecycle.onStop(runs::incrementAndGet);
        assertEquals(0, runs.get());
        bus.write(0xF4, 1, 1);
        bus.write(0xF4, 1, 2);
        assertEquals(1, runs.get());
    }

    @Test
    void listenerAddedAfterTheStopRunsAtOnce() {
        bus.write(0xF4, 1, 1);
        AtomicInteger runs = new AtomicInteger();
        lifecycle.onStop(runs::incrementAndGet);
        assertEquals(1, runs.get());
    }

    @Test
    void readsFloatHighAndDoNotStop() {
        assertEquals(0xFF, bus.read(0xF4, 1));
        assertEquals(0xFFFF_FFFFL, bus.read(0xF4, 4));
        assertFalse(lifecycle.isStopping());
    }
}
