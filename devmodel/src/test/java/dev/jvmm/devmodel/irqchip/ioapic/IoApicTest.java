package dev.jvmm.devmodel.irqchip.ioapic;

import static org.junit.jupiter.api.Assertions.*;

import dev.jvmm.devmodel.bus.MmioBus;
import dev.jvmm.devmodel.irqchip.ManualTimers;
import dev.jvmm.devmodel.irqchip.apic.ApicBus;
import dev.jvmm.devmodel.irqchip.apic.LocalApic;
import dev.jvmm.devmodel.irqchip.apic.RecordingCpu;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Expected values from the Intel 82093AA datasheet. */
class IoApicTest {
    static final long BASE = 0xFEC0_0000L;

    final ManualTimers timers = new ManualTimers();
    final ApicBus bus = new ApicBus();
    final RecordingCpu cpu0 = new RecordingCpu();
    final RecordingCpu cpu1 = new RecordingCpu();
    final LocalApic apic0 = new LocalApic(0, true, bus, cpu0, timers, 1_000_000_000L);
    final LocalApic apic1 = new LocalApic(1, false, bus, cpu1, timers, 1_000_000_000L);
    final IoApic ioapic = new IoApic(bus);
    final MmioBus mmio = new MmioBus();

    @BeforeEach
    void setUp() {
        bus.attach(apic0);
        bus.attach(apic1);
        bus.addEoiListener(ioapic::endOfInterrupt);
        mmio.register(BASE, IoApic.MMIO_SIZE, ioapic);
        apic0.write(LocalApic.SVR, 4, 0x1FF);
        apic1.write(LocalApic.SVR, 4, 0x1FF);
    }

    int readReg(int reg) {
        mmio.write(BASE, 4, reg);
        return (int) mmio.read(BASE + 0x10, 4);
    }

    void writeReg(int reg, int value) {
        mmio.write(BASE, 4, reg);
        mmio.write(BASE + 0x10, 4, value & 0xFFFF_FFFFL);
    }

    void program(int pin, long entry) {
        writeReg(0x10 + 2 * pin, (int) entry);
        writeReg(0x11 + 2 * pin, (int) (entry >>> 32));
    }

    static boolean irr(LocalApic apic, int vector) {
        return (apic.read(LocalApic.IRR + 0x10 * (vector >> 5), 4) & (1L << (vector & 31))) != 0;
    }

    static boolean tmr(LocalApic apic, int vector) {
        return (apic.read(LocalApic.TMR + 0x10 * (vector >> 5), 4) & (1L << (vector & 31))) != 0;
    }

    @Test
    void identificationRegisters() {
        assertEquals(0x0017_0011, readReg(0x01), "version 0x11, highest entry 23");
        assertEquals(0, readReg(0x00));
        writeReg(0x00, 0x0A00_0000);
        assertEquals(0x0A00_0000, readReg(0x00));
        assertEquals(0x0A00_0000, readReg(0x02), "arbitration ID follows the ID");
        writeReg(0x01, 0);
        assertEquals(0x0017_0011, readReg(0x01), "read-only");
        assertEquals(0x01, mmio.read(BASE, 4), "IOREGSEL reads back");
    }

    @Test
    void entriesResetMasked() {
        for (int pin = 0; pin < 24; pin++) {
            assertEquals(0x0001_0000, readReg(0x10 + 2 * pin));
            assertEquals(0, readReg(0x11 + 2 * pin));
        }
    }

    @Test
    void edgeTriggeredPinDeliversItsVectorToTheDestination() {
        program(3, 0x0100_0000_0000_0031L); // vector 0x31, fixed, physical, edge, destination 1
        assertEquals(0x0000_0031, readReg(0x16));
        assertEquals(0x0100_0000, readReg(0x17));
        ioapic.pin(3).set(true);
        assertTrue(irr(apic1, 0x31));
        assertFalse(irr(apic0, 0x31));
        assertFalse(tmr(apic1, 0x31), "edge: TMR clear");
        assertEquals(0x31, apic1.pendingVector());
        assertEquals(1, cpu1.wakes);
        ioapic.pin(3).set(true);
        apic1.acknowledge(0x31);
        assertFalse(irr(apic1, 0x31), "no new edge while held high");
        ioapic.pin(3).set(false);
        ioapic.pin(3).set(true);
        assertTrue(irr(apic1, 0x31));
    }

    @Test
    void maskedPinDoesNotDeliverAndEdgesWhileMaskedAreLost() {
        program(5, 0x0000_0000_0001_0040L); // masked
        ioapic.pin(5).pulse();
        assertFalse(irr(apic0, 0x40));
        program(5, 0x40L);
        assertFalse(irr(apic0, 0x40));
        ioapic.pin(5).pulse();
        assertTrue(irr(apic0, 0x40));
    }

    @Test
    void levelTriggeredPinSetsRemoteIrrUntilEoi() {
        program(9, 0x8050L); // vector 0x50, fixed, level, destination 0
        ioapic.pin(9).set(true);
        assertTrue(irr(apic0, 0x50));
        assertTrue(tmr(apic0, 0x50), "level: TMR set");
        assertEquals(0xC050, readReg(0x10 + 18), "remote IRR (bit 14) set");
        assertEquals(0x50, apic0.pendingVector());
        apic0.acknowledge(0x50);
        ioapic.pin(9).set(false);
        ioapic.pin(9).set(true);
        assertFalse(irr(apic0, 0x50), "nothing more until EOI");
        apic0.write(LocalApic.EOI, 4, 0);
        assertTrue(irr(apic0, 0x50), "still asserted after EOI: delivered again");
        assertEquals(0xC050, readReg(0x10 + 18));
        apic0.acknowledge(0x50);
        ioapic.pin(9).set(false);
        apic0.write(LocalApic.EOI, 4, 0);
        assertEquals(0x8050, readReg(0x10 + 18), "EOI clears remote IRR");
        assertFalse(irr(apic0, 0x50));
    }

    @Test
    void unmaskingAnAssertedLevelPinDelivers() {
        program(10, 0x1_8051L); // masked, level
        ioapic.pin(10).set(true);
        assertFalse(irr(apic0, 0x51));
        program(10, 0x8051L);
        assertTrue(irr(apic0, 0x51));
    }

    @Test
    void remoteIrrAndDeliveryStatusAreReadOnly() {
        writeReg(0x10, 0x0000_5060); // tries bits 12 and 14
        assertEquals(0x0000_0060, readReg(0x10));
    }

    @Test
    void logicalDestinationUsesTheLdr() {
        apic0.write(LocalApic.LDR, 4, 0x0100_0000);
        apic1.write(LocalApic.LDR, 4, 0x0200_0000);
        program(4, 0x0200_0000_0000_0861L); // logical, destination 0x02
        ioapic.pin(4).pulse();
        assertTrue(irr(apic1, 0x61));
        assertFalse(irr(apic0, 0x61));
    }

    @Test
    void nmiAndExtIntEntries() {
        program(6, 0x0100_0000_0000_0400L); // NMI to APIC 1
        ioapic.pin(6).pulse();
        assertEquals(1, cpu1.nmis);
        program(0, 0x0700L); // ExtINT to APIC 0
        ioapic.pin(0).pulse();
        assertEquals(LocalApic.EXTINT, apic0.pendingVector());
        apic0.acknowledge(LocalApic.EXTINT);
        assertEquals(-1, apic0.pendingVector());
    }

    @Test
    void stateRoundTrips() {
        program(9, 0x8050L);
        ioapic.pin(9).set(true);
        writeReg(0x00, 0x0300_0000);
        mmio.write(BASE, 4, 0x23);
        IoApicState s = ioapic.state();
        IoApic copy = new IoApic(new ApicBus());
        copy.restore(s);
        IoApicState c = copy.state();
        assertEquals(s.id(), c.id());
        assertEquals(s.ioregsel(), c.ioregsel());
        assertArrayEquals(s.redirection(), c.redirection());
        assertEquals(s.pinLevels(), c.pinLevels());
        assertEquals(0xC050, (int) c.redirection()[9]);
    }

    @Test
    void hostileAccessesNeverThrow() {
        Random r = new Random(3);
        for (int i = 0; i < 100_000; i++) {
            long off = r.nextInt(4) == 0 ? r.nextLong() : r.nextInt(0x20);
            int size = 1 << r.nextInt(4);
            if (r.nextBoolean()) {
                ioapic.write(off, size, r.nextLong());
            } else {
                ioapic.read(off, size);
            }
            ioapic.pin(r.nextInt(24)).set(r.nextBoolean());
            if (r.nextInt(10) == 0) {
                ioapic.endOfInterrupt(r.nextInt());
                apic0.write(LocalApic.EOI, 4, 0);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> ioapic.pin(24));
    }
}
