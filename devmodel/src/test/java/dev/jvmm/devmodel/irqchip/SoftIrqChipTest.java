package dev.jvmm.devmodel.irqchip;

import static org.junit.jupiter.api.Assertions.*;

import dev.jvmm.devmodel.bus.IoBuses;
import dev.jvmm.devmodel.irqchip.apic.LocalApic;
import dev.jvmm.devmodel.irqchip.apic.RecordingCpu;
import dev.jvmm.devmodel.irqchip.pit.Pit8254;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SoftIrqChipTest {
    final ManualTimers timers = new ManualTimers();
    final SoftIrqChip chip = new SoftIrqChip(timers, 1_000_000_000L);
    final IoBuses buses = IoBuses.create();
    final RecordingCpu cpu0 = new RecordingCpu();
    final RecordingCpu cpu1 = new RecordingCpu();
    LocalApic bsp;
    LocalApic ap;

    @BeforeEach
    void setUp() {
        chip.registerOn(buses);
        bsp = chip.addCpu(0, cpu0);
        ap = chip.addCpu(1, cpu1);
        chip.apicBus().bindCurrentThread(bsp);
    }

    void out(int port, int v) {
        buses.pio().write(port, 1, v);
    }

    void initPic() {
        out(0x20, 0x11);
        out(0x21, 0x20);
        out(0x21, 0x04);
        out(0x21, 0x01);
        out(0xA0, 0x11);
        out(0xA1, 0x28);
        out(0xA1, 0x02);
        out(0xA1, 0x01);
    }

    void ioApicEntry(int pin, long entry) {
        buses.mmio().write(0xFEC0_0000L, 4, 0x10 + 2 * pin);
        buses.mmio().write(0xFEC0_0010L, 4, entry & 0xFFFF_FFFFL);
        buses.mmio().write(0xFEC0_0000L, 4, 0x11 + 2 * pin);
        buses.mmio().write(0xFEC0_0010L, 4, entry >>> 32);
    }

    @Test
    void firstCpuIsTheBspInVirtualWireMode() {
        assertSame(bsp, chip.bsp());
        assertEquals(0xFEE0_0900L, bsp.apicBaseMsr());
        assertEquals(0xFEE0_0800L, ap.apicBaseMsr());
        assertEquals(0x700, buses.mmio().read(0xFEE0_0350L, 4), "LINT0 ExtINT through the MMIO page");
    }

    @Test
    void isaIrqThroughThe8259ReachesTheBspAsExtInt() {
        initPic();
        chip.line(4).pulse();
        assertTrue(cpu0.wakes > 0);
        assertEquals(LocalApic.EXTINT, bsp.pendingVector());
        assertEquals(-1, ap.pendingVector());
        assertEquals(0x24, chip.acknowledgeInterrupt(bsp));
        assertEquals(-1, chip.acknowledgeInterrupt(bsp));
    }

    @Test
    void isaIrq0GoesToIoApicPin2() {
        buses.mmio().write(0xFEE0_00F0L, 4, 0x1FF); // BSP software enable
        ioApicEntry(2, 0x30);
        ioApicEntry(0, 0x31);
        chip.line(0).pulse();
        assertEquals(0x30, bsp.pendingVector());
        assertEquals(0x30, chip.acknowledgeInterrupt(bsp));
        assertSame(chip.line(0), chip.line(2), "GSI 2 is ISA IRQ 0");
    }

    @Test
    void isaIrqReachesBothControllers() {
        initPic();
        buses.mmio().write(0xFEE0_00F0L, 4, 0x1FF);
        ioApicEntry(4, 0x44);
        chip.line(4).pulse();
        assertTrue(chip.pic().interruptRequested());
        assertEquals(LocalApic.EXTINT, bsp.pendingVector(), "ExtINT bypasses the APIC priorities");
        assertEquals(0x24, chip.acknowledgeInterrupt(bsp));
        assertEquals(0x44, chip.acknowledgeInterrupt(bsp));
    }

    @Test
    void pciGsisReachOnlyTheIoApic() {
        initPic();
        ap.write(LocalApic.SVR, 4, 0x1FF);
        ioApicEntry(16, 0x0100_0000_0000_8060L); // level, to APIC 1
        chip.line(16).set(true);
        assertFalse(chip.pic().interruptRequested());
        assertEquals(0x60, ap.pendingVector());
        assertEquals(0x60, chip.acknowledgeInterrupt(ap));
        chip.line(16).set(false);
        ap.write(LocalApic.EOI, 4, 0);
        assertEquals(0x8060, chip.ioApic().redirectionEntry(16) & 0xFFFF, "EOI reached the IOAPIC");
    }

    @Test
    void the8259CanAlsoArriveThroughIoApicPin0() {
        initPic();
        bsp.write(LocalApic.LVT_LINT0, 4, 0x1_0700); // LINT0 masked
        ioApicEntry(0, 0x700); // ExtINT to APIC 0
        chip.line(3).pulse();
        assertEquals(LocalApic.EXTINT, bsp.pendingVector());
        assertEquals(0x23, chip.acknowledgeInterrupt(bsp));
        assertEquals(-1, bsp.pendingVector());
    }

    @Test
    void pitDrivesIrq0() {
        initPic();
        Pit8254 pit = new Pit8254(timers, chip.line(0));
        pit.registerOn(buses.pio());
        out(0x43, 0x34);
        out(0x40, 0xA9);
        out(0x40, 0x04);
        int taken = 0;
        for (int ms = 0; ms < 10; ms++) {
            timers.advance(1_000_000);
            if (chip.acknowledgeInterrupt(bsp) == 0x20) {
                out(0x20, 0x20);
                taken++;
            }
        }
        assertTrue(taken >= 9 && taken <= 10, "taken: " + taken);
    }

    @Test
    void apicIdsAreUnique() {
        assertThrows(IllegalArgumentException.class, () -> chip.addCpu(1, cpu1));
        assertThrows(IllegalArgumentException.class, () -> chip.addCpu(255, cpu1));
        assertEquals(2, chip.apicBus().localApics().size());
    }

    @Test
    void linesOutsideTheChipAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> chip.line(24));
        assertThrows(IllegalArgumentException.class, () -> chip.line(-1));
        for (int gsi = 0; gsi < 24; gsi++) {
            assertNotNull(chip.line(gsi));
        }
    }
}
