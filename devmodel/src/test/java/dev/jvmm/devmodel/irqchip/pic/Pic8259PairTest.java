package dev.jvmm.devmodel.irqchip.pic;

import static org.junit.jupiter.api.Assertions.*;

import dev.jvmm.devmodel.bus.PortIoBus;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Expected values from the Intel 8259A datasheet and the PC's (PIIX) wiring. */
class Pic8259PairTest {
    static final int OCW3_READ_IRR = 0x0A, OCW3_READ_ISR = 0x0B, OCW3_POLL = 0x0C;
    static final int EOI = 0x20, SPECIFIC_EOI = 0x60, ROTATE_ON_EOI = 0xA0;

    final PortIoBus pio = new PortIoBus();
    final Pic8259Pair pic = new Pic8259Pair();
    final AtomicInteger intrChanges = new AtomicInteger();

    @BeforeEach
    void setUp() {
        pic.registerOn(pio);
        pic.setIntrListener(intrChanges::incrementAndGet);
    }

    void out(int port, int v) {
        pio.write(port, 1, v);
    }

    int in(int port) {
        return (int) pio.read(port, 1);
    }

    /** The BIOS/Linux initialization: vectors 0x20 and 0x28, slave on IR2, 8086 mode. */
    void initialize() {
        out(0x20, 0x11); // ICW1: edge, cascade, ICW4 needed
        out(0x21, 0x20); // ICW2: vector base
        out(0x21, 0x04); // ICW3: slave on IR2
        out(0x21, 0x01); // ICW4: 8086 mode
        out(0xA0, 0x11);
        out(0xA1, 0x28);
        out(0xA1, 0x02); // ICW3: slave ID 2
        out(0xA1, 0x01);
    }

    int masterIsr() {
        out(0x20, OCW3_READ_ISR);
        return in(0x20);
    }

    int masterIrr() {
        out(0x20, OCW3_READ_IRR);
        return in(0x20);
    }

    @Test
    void everythingIsMaskedBeforeInitializationAndUnmaskedAfterIcw1() {
        assertEquals(0xFF, in(0x21));
        pic.input(1).pulse();
        assertFalse(pic.interruptRequested());
        initialize();
        assertEquals(0x00, in(0x21));
        assertEquals(0x00, in(0xA1));
    }

    @Test
    void edgeIrqRaisesIntrAndAcknowledgeGivesBasePlusIrq() {
        initialize();
        int before = intrChanges.get();
        pic.input(1).pulse();
        assertTrue(pic.interruptRequested());
        assertTrue(intrChanges.get() > before, "the listener hears INTR rise");
        assertEquals(0x02, masterIrr());
        assertEquals(0x21, pic.acknowledge());
        assertFalse(pic.interruptRequested());
        assertEquals(0x00, masterIrr());
        assertEquals(0x02, masterIsr());
        out(0x20, EOI);
        assertEquals(0x00, masterIsr());
    }

    @Test
    void maskedIrqIsHeldInIrrUntilUnmasked() {
        initialize();
        out(0x21, 0x02); // OCW1: mask IRQ1
        assertEquals(0x02, in(0x21));
        pic.input(1).pulse();
        assertFalse(pic.interruptRequested());
        assertEquals(0x02, masterIrr());
        out(0x21, 0x00);
        assertTrue(pic.interruptRequested());
        assertEquals(0x21, pic.acknowledge());
    }

    @Test
    void lowerIrqNumbersHavePriorityAndInServiceBlocksLowerOnes() {
        initialize();
        pic.input(3).pulse();
        pic.input(1).pulse();
        assertEquals(0x21, pic.acknowledge());
        assertFalse(pic.interruptRequested(), "IRQ3 waits while IRQ1 is in service");
        pic.input(0).pulse();
        assertTrue(pic.interruptRequested(), "IRQ0 preempts IRQ1");
        assertEquals(0x20, pic.acknowledge());
        assertEquals(0x03, masterIsr());
        out(0x20, EOI); // non-specific: clears the highest, IRQ0
        assertEquals(0x02, masterIsr());
        assertFalse(pic.interruptRequested());
        out(0x20, EOI);
        assertTrue(pic.interruptRequested());
        assertEquals(0x23, pic.acknowledge());
    }

    @Test
    void specificEoiClearsTheNamedLevel() {
        initialize();
        pic.input(3).pulse();
        assertEquals(0x23, pic.acknowledge());
        pic.input(1).pulse();
        assertEquals(0x21, pic.acknowledge());
        out(0x20, SPECIFIC_EOI | 3);
        assertEquals(0x02, masterIsr());
    }

    @Test
    void rotateOnNonSpecificEoiMakesTheServicedIrqLowest() {
        initialize();
        pic.input(0).pulse();
        assertEquals(0x20, pic.acknowledge());
        out(0x20, ROTATE_ON_EOI);
        pic.input(0).pulse();
        pic.input(1).pulse();
        assertEquals(0x21, pic.acknowledge(), "IRQ1 is now highest, IRQ0 lowest");
    }

    @Test
    void slaveIrqsArriveThroughTheCascade() {
        initialize();
        pic.input(12).pulse();
        assertTrue(pic.interruptRequested());
        assertEquals(0x04, masterIrr(), "the slave's INT drives master IR2");
        assertEquals(0x2C, pic.acknowledge());
        assertEquals(0x04, masterIsr());
        out(0xA0, OCW3_READ_ISR);
        assertEquals(0x10, in(0xA0));
        out(0xA0, EOI);
        out(0x20, EOI);
        assertEquals(0, masterIsr());
        out(0xA0, OCW3_READ_ISR);
        assertEquals(0, in(0xA0));
    }

    @Test
    void slaveIrqsAreMaskedByEitherImr() {
        initialize();
        out(0x21, 0x04); // mask the cascade
        pic.input(8).pulse();
        assertFalse(pic.interruptRequested());
        out(0x21, 0x00);
        assertEquals(0x28, pic.acknowledge());
    }

    @Test
    void spuriousIrq7WhenTheRequestVanishedBeforeInta() {
        initialize();
        out(0x4D0, 0x20); // IRQ5 level-triggered
        pic.input(5).set(true);
        assertTrue(pic.interruptRequested());
        pic.input(5).set(false);
        assertFalse(pic.interruptRequested());
        assertEquals(0x27, pic.acknowledge());
        assertEquals(0, masterIsr(), "a spurious IRQ7 sets no ISR bit");
    }

    @Test
    void acknowledgeWithNothingPendingIsSpurious() {
        initialize();
        assertEquals(0x27, pic.acknowledge());
    }

    @Test
    void levelTriggeredIrqRequestsAgainAfterEoiWhileAsserted() {
        initialize();
        out(0x4D0, 0x20);
        pic.input(5).set(true);
        assertEquals(0x25, pic.acknowledge());
        assertFalse(pic.interruptRequested());
        out(0x20, EOI);
        assertTrue(pic.interruptRequested(), "still asserted");
        assertEquals(0x25, pic.acknowledge());
        pic.input(5).set(false);
        out(0x20, EOI);
        assertFalse(pic.interruptRequested());
    }

    @Test
    void edgeTriggeredIrqHeldHighRequestsOnce() {
        initialize();
        pic.input(4).set(true);
        assertEquals(0x24, pic.acknowledge());
        out(0x20, EOI);
        assertFalse(pic.interruptRequested(), "no new edge");
        pic.input(4).set(false);
        pic.input(4).set(true);
        assertEquals(0x24, pic.acknowledge());
    }

    @Test
    void elcrBitsForIrq0To2And8And13AreFixedEdge() {
        out(0x4D0, 0xFF);
        out(0x4D1, 0xFF);
        assertEquals(0xF8, in(0x4D0));
        assertEquals(0xDE, in(0x4D1));
    }

    @Test
    void slaveLevelTriggeredPerElcr2() {
        initialize();
        out(0x4D1, 0x08); // IRQ11
        pic.input(11).set(true);
        assertEquals(0x2B, pic.acknowledge());
        out(0xA0, EOI);
        out(0x20, EOI);
        assertEquals(0x2B, pic.acknowledge());
    }

    @Test
    void pollModeReadsAndAcknowledgesTheHighestRequest() {
        initialize();
        pic.input(6).pulse();
        out(0x20, OCW3_POLL);
        assertEquals(0x86, in(0x20));
        assertEquals(0x40, masterIsr());
        out(0x20, OCW3_POLL);
        assertEquals(0x00, in(0x20), "nothing requesting");
    }

    @Test
    void automaticEoiLeavesIsrClear() {
        out(0x20, 0x11);
        out(0x21, 0x08);
        out(0x21, 0x04);
        out(0x21, 0x03); // ICW4: 8086, AEOI
        pic.input(1).pulse();
        assertEquals(0x09, pic.acknowledge());
        assertEquals(0, masterIsr());
    }

    @Test
    void singleModeWithoutIcw4TakesOnlyIcw2() {
        out(0x20, 0x12); // ICW1: single, no ICW4
        out(0x21, 0x40); // ICW2
        out(0x21, 0x05); // already OCW1
        assertEquals(0x05, in(0x21));
    }

    @Test
    void stateRoundTrips() {
        initialize();
        out(0x4D0, 0x20);
        out(0x21, 0x10);
        pic.input(3).pulse();
        pic.input(12).pulse();
        assertEquals(0x2C, pic.acknowledge(), "IRQ12 via IR2 outranks IRQ3");
        Pic8259PairState s = pic.state();
        Pic8259Pair copy = new Pic8259Pair();
        copy.restore(s);
        assertEquals(s, copy.state());
        assertEquals(pic.interruptRequested(), copy.interruptRequested());
        out(0x20, 0x20);
        copy.master().write(0, 1, 0x20);
        assertEquals(0x23, pic.acknowledge());
        assertEquals(0x23, copy.acknowledge());
    }

    @Test
    void hostileAccessesNeverThrow() {
        Random r = new Random(1);
        pic.setIntrListener(() -> { });
        for (int i = 0; i < 200_000; i++) {
            int port = switch (r.nextInt(3)) {
                case 0 -> 0x20;
                case 1 -> 0xA0;
                default -> 0x4D0;
            } + r.nextInt(2);
            int size = 1 << r.nextInt(4);
            if (r.nextBoolean()) {
                pio.write(port, size, r.nextLong());
            } else {
                pio.read(port, size);
            }
            pic.input(r.nextInt(16)).set(r.nextBoolean());
            if (r.nextInt(8) == 0) {
                int v = pic.acknowledge();
                assertTrue(v >= 0 && v <= 255);
            }
        }
        assertEquals(0xFF, pic.master().read(5, 1));
        assertEquals(0xFF, pic.slave().read(-1, 1));
        pic.elcr().write(Long.MAX_VALUE, 8, -1);
        assertThrows(IllegalArgumentException.class, () -> pic.input(16));
    }
}
