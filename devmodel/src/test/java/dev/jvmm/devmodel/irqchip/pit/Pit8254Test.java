package dev.jvmm.devmodel.irqchip.pit;

import static org.junit.jupiter.api.Assertions.*;

import dev.jvmm.devmodel.bus.PortIoBus;
import dev.jvmm.devmodel.irq.IrqLine;
import dev.jvmm.devmodel.irqchip.ManualTimers;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Expected values from the Intel 8254 datasheet; the input clock is 1.193182 MHz. */
class Pit8254Test {
    static final long MS = 1_000_000;

    /** Counts rising edges. */
    static final class EdgeCounter implements IrqLine {
        boolean level;
        int rising;

        @Override
        public void set(boolean asserted) {
            if (asserted && !level) {
                rising++;
            }
            level = asserted;
        }
    }

    final ManualTimers timers = new ManualTimers();
    final EdgeCounter irq0 = new EdgeCounter();
    final Pit8254 pit = new Pit8254(timers, irq0);
    final PortIoBus pio = new PortIoBus();

    @BeforeEach
    void setUp() {
        pit.registerOn(pio);
    }

    void out(int port, int v) {
        pio.write(port, 1, v);
    }

    int in(int port) {
        return (int) pio.read(port, 1);
    }

    /** The nanoseconds until {@code ticks} input clocks have passed (rounded up). */
    static long nanosFor(long ticks) {
        return (ticks * 1_000_000_000L + 1_193_181) / 1_193_182;
    }

    @Test
    void mode2AtDivisor1193FiresEveryMillisecond() {
        out(0x43, 0x34); // counter 0, low then high byte, mode 2, binary
        out(0x40, 1193 & 0xFF);
        out(0x40, 1193 >> 8);
        timers.advance(10 * MS);
        assertTrue(irq0.rising >= 9 && irq0.rising <= 11, "edges: " + irq0.rising);
        assertEquals(1, timers.pending(), "one event per period, never more");
        timers.advance(990 * MS);
        assertTrue(irq0.rising >= 999 && irq0.rising <= 1001, "edges: " + irq0.rising);
    }

    @Test
    void mode2EdgesComeExactlyAtEachTerminalCount() {
        out(0x43, 0x34);
        out(0x40, 100);
        out(0x40, 0);
        timers.advanceTo(nanosFor(100) - 1);
        assertEquals(0, irq0.rising);
        timers.advanceTo(nanosFor(100));
        assertEquals(1, irq0.rising);
        timers.advanceTo(nanosFor(200));
        assertEquals(2, irq0.rising);
    }

    @Test
    void mode0IsAOneShot() {
        out(0x43, 0x30); // counter 0, lohi, mode 0
        assertFalse(pit.output(0), "OUT goes low on the control word");
        out(0x40, 1000 & 0xFF);
        out(0x40, 1000 >> 8);
        timers.advanceTo(nanosFor(1000) - 1);
        assertEquals(0, irq0.rising);
        assertFalse(pit.output(0));
        timers.advanceTo(nanosFor(1000));
        assertEquals(1, irq0.rising);
        assertTrue(irq0.level, "OUT stays high after terminal count");
        assertTrue(pit.output(0));
        timers.advance(100 * MS);
        assertEquals(1, irq0.rising);
        assertEquals(0, timers.pending());
    }

    @Test
    void mode0RestartsOnANewCount() {
        out(0x43, 0x30);
        out(0x40, 0xE8);
        out(0x40, 0x03);
        timers.advanceTo(nanosFor(1000));
        assertEquals(1, irq0.rising);
        out(0x40, 0xE8);
        assertFalse(irq0.level, "the first byte sets OUT low");
        out(0x40, 0x03);
        timers.advance(nanosFor(1000));
        assertEquals(2, irq0.rising);
    }

    @Test
    void counterLatchHoldsTheCountUntilRead() {
        out(0x43, 0x34);
        out(0x40, 0x00);
        out(0x40, 0x10); // 4096
        timers.advanceTo(nanosFor(1000));
        out(0x43, 0x00); // latch counter 0
        timers.advance(5 * MS);
        out(0x43, 0x00); // a second latch before reading is ignored
        assertEquals(0x18, in(0x40)); // 4096 - 1000 = 3096 = 0x0C18
        assertEquals(0x0C, in(0x40));
        int lo = in(0x40);
        int hi = in(0x40);
        assertNotEquals(0x0C18, lo | hi << 8, "unlatched reads follow the counter again");
    }

    @Test
    void liveLowThenHighReadsFollowTheClock() {
        out(0x43, 0x34);
        out(0x40, 0x00);
        out(0x40, 0x00); // 0 = 65536
        assertEquals(0x00, in(0x40));
        assertEquals(0x00, in(0x40), "65536 reads as 0");
        timers.advanceTo(nanosFor(0x100));
        assertEquals(0x00, in(0x40));
        assertEquals(0xFF, in(0x40)); // 65536 - 256 = 0xFF00
    }

    @Test
    void lowByteAndHighByteOnlyAccess() {
        out(0x43, 0x14); // counter 0, low byte only, mode 2
        out(0x40, 200);
        timers.advanceTo(nanosFor(50));
        assertEquals(150, in(0x40));
        assertEquals(150, in(0x40));
        out(0x43, 0x24); // high byte only
        out(0x40, 0x02); // 0x0200 = 512
        timers.advance(nanosFor(256));
        assertEquals(0x01, in(0x40)); // 512 - 256 = 0x0100
    }

    @Test
    void readBackStatusReportsOutNullCountAccessModeAndBcd() {
        out(0x43, 0x30); // counter 0 mode 0 lohi
        out(0x43, 0xE2); // read-back: status only, counter 0
        assertEquals(0x70, in(0x40), "OUT low, null count, lohi, mode 0, binary");
        out(0x43, 0x34); // mode 2
        out(0x40, 0x10);
        out(0x40, 0x00);
        out(0x43, 0xE2);
        assertEquals(0xB4, in(0x40), "OUT high, count loaded, lohi, mode 2");
        out(0x43, 0x97); // counter 2, low byte, mode 3, BCD
        out(0x43, 0xE8);
        assertEquals(0xD7, in(0x42), "OUT high, null count, low byte, mode 3, BCD");
    }

    @Test
    void readBackOfStatusAndCountReturnsStatusFirst() {
        out(0x43, 0x34);
        out(0x40, 0x34);
        out(0x40, 0x12);
        out(0x43, 0xC2); // latch count and status of counter 0
        assertEquals(0xB4, in(0x40));
        assertEquals(0x34, in(0x40));
        assertEquals(0x12, in(0x40));
    }

    @Test
    void bcdCountsInDecimal() {
        out(0x43, 0x35); // mode 2, BCD
        out(0x40, 0x00);
        out(0x40, 0x10); // 1000 decimal
        timers.advanceTo(nanosFor(100));
        out(0x43, 0x00);
        assertEquals(0x00, in(0x40));
        assertEquals(0x09, in(0x40)); // 900
    }

    @Test
    void channel2GateAndOutputThroughPort61() {
        out(0x61, 0x00); // gate low
        out(0x43, 0xB0); // counter 2, lohi, mode 0
        out(0x42, 100);
        out(0x42, 0);
        timers.advance(MS);
        assertEquals(0, in(0x61) & 0x20, "gate low: not counting");
        out(0x61, 0x01);
        assertEquals(0x01, in(0x61) & 0x03);
        timers.advance(nanosFor(99));
        assertEquals(0, in(0x61) & 0x20);
        timers.advance(nanosFor(1) + 1);
        assertEquals(0x20, in(0x61) & 0x20, "OUT2 rises at terminal count");
        assertEquals(0, irq0.rising, "counter 2 drives no IRQ");
    }

    @Test
    void mode0PausesWhileGateIsLow() {
        out(0x61, 0x01);
        out(0x43, 0xB0);
        out(0x42, 0x00);
        out(0x42, 0x10); // 4096
        timers.advanceTo(nanosFor(96));
        out(0x61, 0x00);
        timers.advance(10 * MS);
        out(0x43, 0x80); // latch counter 2
        assertEquals(0xA0, in(0x42)); // 4096 - 96 = 4000 = 0x0FA0
        assertEquals(0x0F, in(0x42));
    }

    @Test
    void reloadOfZeroMeans65536() {
        out(0x43, 0x34);
        out(0x40, 0);
        out(0x40, 0);
        timers.advanceTo(nanosFor(65536) - 1);
        assertEquals(0, irq0.rising);
        timers.advanceTo(nanosFor(65536));
        assertEquals(1, irq0.rising);
    }

    @Test
    void tinyPeriodsAreClampedToTheMinimumPeriod() {
        out(0x43, 0x34);
        out(0x40, 2);
        out(0x40, 0);
        timers.advance(MS);
        assertEquals(MS / Pit8254.MIN_PERIOD_NANOS, irq0.rising);
        assertEquals(1, timers.pending());
    }

    @Test
    void aNewControlWordCancelsThePeriodicTimer() {
        out(0x43, 0x34);
        out(0x40, 0xA9);
        out(0x40, 0x04);
        timers.advance(3 * MS);
        int edges = irq0.rising;
        out(0x43, 0x30); // mode 0, no count yet
        timers.advance(100 * MS);
        assertEquals(edges, irq0.rising);
        assertEquals(0, timers.pending());
    }

    @Test
    void mode3IsASquareWave() {
        out(0x43, 0xB6); // counter 2, lohi, mode 3
        out(0x42, 100);
        out(0x42, 0);
        out(0x61, 0x01);
        timers.advanceTo(nanosFor(10));
        assertEquals(0x20, in(0x61) & 0x20);
        timers.advanceTo(nanosFor(60));
        assertEquals(0, in(0x61) & 0x20, "second half low");
        timers.advanceTo(nanosFor(110));
        assertEquals(0x20, in(0x61) & 0x20);
    }

    @Test
    void mode4StrobesOnce() {
        out(0x43, 0x38); // counter 0, lohi, mode 4
        out(0x40, 50);
        out(0x40, 0);
        timers.advance(10 * MS);
        assertEquals(1, irq0.rising);
        assertFalse(irq0.level);
    }

    @Test
    void stateRoundTripsAndContinuesCounting() {
        out(0x43, 0x34);
        out(0x40, 0xA9);
        out(0x40, 0x04);
        out(0x61, 0x01);
        out(0x43, 0xB0);
        out(0x42, 0x00);
        out(0x42, 0x20);
        timers.advance(2 * MS + 300_000);
        Pit8254State s = pit.state();

        ManualTimers other = new ManualTimers(123_456_789);
        EdgeCounter irq = new EdgeCounter();
        Pit8254 copy = new Pit8254(other, irq);
        copy.restore(s);
        assertEquals(s, copy.state());
        copy.write(3, 1, 0x00);
        pit.write(3, 1, 0x00);
        assertEquals(pit.read(0, 1), copy.read(0, 1));
        assertEquals(pit.read(0, 1), copy.read(0, 1));
        other.advance(10 * MS);
        assertTrue(irq.rising >= 9 && irq.rising <= 11, "edges: " + irq.rising);
    }

    @Test
    void hostileAccessesNeverThrowAndNeverFlood() {
        Random r = new Random(7);
        for (int i = 0; i < 200_000; i++) {
            int port = r.nextInt(5) == 0 ? 0x61 : 0x40 + r.nextInt(4);
            int size = 1 << r.nextInt(4);
            if (r.nextBoolean()) {
                pio.write(port, size, r.nextInt(3) == 0 ? r.nextLong() : r.nextInt(256));
            } else {
                pio.read(port, size);
            }
            if (r.nextInt(100) == 0) {
                timers.advance(r.nextInt(100_000));
            }
            assertTrue(timers.pending() <= 1);
        }
        assertEquals(0xFF, pit.read(3, 1));
        assertEquals(0xFF, pit.read(-5, 1));
        pit.write(Long.MIN_VALUE, 1, 0);
        pit.port61().write(1, 1, 0);
        assertEquals(0xFF, pit.port61().read(0, 2));
    }
}
