package dev.jvmm.devmodel.irqchip.apic;

import static org.junit.jupiter.api.Assertions.*;

import dev.jvmm.devmodel.irqchip.ManualTimers;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Expected values from the Intel SDM vol. 3, "Advanced Programmable Interrupt Controller (APIC)". */
class LocalApicTest {
    static final long GHZ = 1_000_000_000L;

    final ManualTimers timers = new ManualTimers();
    final ApicBus bus = new ApicBus();
    final RecordingCpu cpu0 = new RecordingCpu();
    final RecordingCpu cpu1 = new RecordingCpu();
    final LocalApic apic = newApic(0, true, cpu0);
    final LocalApic other = newApic(1, false, cpu1);

    LocalApic newApic(int id, boolean bsp, ApicCpu cpu) {
        LocalApic a = new LocalApic(id, bsp, bus, cpu, timers, GHZ);
        bus.attach(a);
        return a;
    }

    static int rd(LocalApic a, int reg) {
        return (int) a.read(reg, 4);
    }

    static void wr(LocalApic a, int reg, int v) {
        a.write(reg, 4, v & 0xFFFF_FFFFL);
    }

    static boolean bit(LocalApic a, int base, int vector) {
        return (rd(a, base + 0x10 * (vector >> 5)) & (1 << (vector & 31))) != 0;
    }

    static void enable(LocalApic a) {
        wr(a, LocalApic.SVR, 0x1FF);
    }

    int fixed(int destination, int vector) {
        return bus.deliver(destination, false, ApicBus.FIXED, vector, false);
    }

    // ---- reset state and registers -------------------------------------------------------------

    @Test
    void powerUpState() {
        assertEquals(0, rd(apic, LocalApic.ID));
        assertEquals(1 << 24, rd(other, LocalApic.ID), "the ID sits in bits 31:24");
        assertEquals(0x0005_0014, rd(apic, LocalApic.VERSION));
        assertEquals(0xFF, rd(apic, LocalApic.SVR));
        assertEquals(0xFFFF_FFFF, rd(apic, LocalApic.DFR));
        assertEquals(0, rd(apic, LocalApic.TPR));
        assertEquals(0, rd(apic, LocalApic.LDR));
        for (int reg = LocalApic.LVT_TIMER; reg <= LocalApic.LVT_ERROR; reg += 0x10) {
            assertEquals(0x0001_0000, rd(apic, reg), "LVT masked at 0x" + Integer.toHexString(reg));
        }
        assertEquals(0xFEE0_0900L, apic.apicBaseMsr(), "enabled, BSP");
        assertEquals(0xFEE0_0800L, other.apicBaseMsr());
        assertFalse(apic.isSoftwareEnabled());
    }

    @Test
    void onlyAlignedDwordAccessesReachRegisters() {
        wr(apic, LocalApic.TPR, 0x20);
        assertEquals(0, apic.read(LocalApic.TPR, 1));
        assertEquals(0, apic.read(LocalApic.TPR, 8));
        assertEquals(0, apic.read(LocalApic.TPR + 4, 4));
        assertEquals(0, apic.read(0x400, 4));
        assertEquals(0, apic.read(-16, 4));
        apic.write(LocalApic.TPR, 1, 0x40);
        apic.write(LocalApic.TPR + 1, 4, 0x40);
        assertEquals(0x20, rd(apic, LocalApic.TPR));
    }

    @Test
    void readOnlyAndMaskedRegisters() {
        wr(apic, LocalApic.VERSION, 0);
        assertEquals(0x0005_0014, rd(apic, LocalApic.VERSION));
        wr(apic, LocalApic.TPR, 0xFFFF_FFFF);
        assertEquals(0xFF, rd(apic, LocalApic.TPR));
        wr(apic, LocalApic.LDR, 0xFFFF_FFFF);
        assertEquals(0xFF00_0000, rd(apic, LocalApic.LDR));
        wr(apic, LocalApic.DFR, 0);
        assertEquals(0x0FFF_FFFF, rd(apic, LocalApic.DFR), "cluster model; reserved bits read 1");
        wr(apic, LocalApic.TIMER_DIVIDE, 0xFFFF_FFFF);
        assertEquals(0xB, rd(apic, LocalApic.TIMER_DIVIDE));
        wr(apic, LocalApic.ICR_HIGH, 0xFFFF_FFFF);
        assertEquals(0xFF00_0000, rd(apic, LocalApic.ICR_HIGH));
    }

    // ---- enabling ------------------------------------------------------------------------------

    @Test
    void softwareEnableViaSvr() {
        assertEquals(0, fixed(0, 0x40), "a software-disabled APIC drops fixed interrupts");
        assertFalse(bit(apic, LocalApic.IRR, 0x40));
        wr(apic, LocalApic.LVT_TIMER, 0x30);
        assertEquals(0x0001_0030, rd(apic, LocalApic.LVT_TIMER), "cannot unmask while disabled");

        enable(apic);
        assertTrue(apic.isSoftwareEnabled());
        assertEquals(0x1FF, rd(apic, LocalApic.SVR));
        wr(apic, LocalApic.LVT_TIMER, 0x30);
        assertEquals(0x30, rd(apic, LocalApic.LVT_TIMER));
        assertEquals(1, fixed(0, 0x40));
        assertTrue(bit(apic, LocalApic.IRR, 0x40));

        wr(apic, LocalApic.SVR, 0xFF);
        assertEquals(0x0001_0030, rd(apic, LocalApic.LVT_TIMER), "disabling masks every LVT entry");
        assertTrue(bit(apic, LocalApic.IRR, 0x40), "pending interrupts are held");
    }

    @Test
    void hardwareDisableHidesThePageAndResets() {
        enable(apic);
        wr(apic, LocalApic.TPR, 0x30);
        apic.setApicBaseMsr(0xFEE0_0100L); // enable bit clear
        assertFalse(apic.isHardwareEnabled());
        assertEquals(-1L, apic.read(LocalApic.VERSION, 4));
        assertEquals(0, fixed(0, 0x40));
        apic.setApicBaseMsr(0xFEE0_0900L);
        assertEquals(0, rd(apic, LocalApic.TPR), "power-up state again");
        assertEquals(0xFF, rd(apic, LocalApic.SVR));
    }

    @Test
    void hardwareDisabledApicPassesThe8259Through() {
        boolean[] intr = {true};
        apic.connectExtInt(() -> intr[0]);
        assertEquals(-1, apic.pendingVector(), "LINT0 masked");
        apic.setApicBaseMsr(0);
        assertEquals(LocalApic.EXTINT, apic.pendingVector());
        intr[0] = false;
        assertEquals(-1, apic.pendingVector());
    }

    @Test
    void virtualWireRoutesThe8259ThroughLint0() {
        boolean[] intr = {false};
        apic.connectExtInt(() -> intr[0]);
        apic.enableVirtualWire();
        assertEquals(0x700, rd(apic, LocalApic.LVT_LINT0));
        assertEquals(0x400, rd(apic, LocalApic.LVT_LINT1));
        assertEquals(-1, apic.pendingVector());
        intr[0] = true;
        apic.extIntChanged();
        assertEquals(1, cpu0.wakes);
        assertEquals(LocalApic.EXTINT, apic.pendingVector());
    }

    @Test
    void apicBaseRelocation() {
        apic.setApicBaseMsr(0xFED0_0900L);
        assertEquals(0xFED0_0000L, apic.mmioBase());
        assertEquals(0xFED0_0900L, apic.apicBaseMsr());
        apic.setApicBaseMsr(0xFEE0_0D00L); // x2APIC enable is not supported: dropped
        assertEquals(0xFEE0_0900L, apic.apicBaseMsr());
        assertFalse(LocalApic.isValidApicBaseMsr(0xFEE0_0D00L));
        assertTrue(LocalApic.isValidApicBaseMsr(0xFEE0_0900L));
    }

    // ---- priorities ----------------------------------------------------------------------------

    @Test
    void tprMasksByPriorityClass() {
        enable(apic);
        fixed(0, 0x45);
        wr(apic, LocalApic.TPR, 0x50);
        assertEquals(0x50, rd(apic, LocalApic.PPR));
        assertEquals(-1, apic.pendingVector());
        wr(apic, LocalApic.TPR, 0x40);
        assertEquals(-1, apic.pendingVector(), "class 4 must be above the PPR's class 4");
        int wakes = cpu0.wakes;
        wr(apic, LocalApic.TPR, 0x3F);
        assertEquals(0x45, apic.pendingVector());
        assertTrue(cpu0.wakes > wakes, "lowering the TPR wakes the CPU");
        apic.setTpr(0x50);
        assertEquals(0x50, apic.tpr());
        assertEquals(-1, apic.pendingVector());
    }

    @Test
    void irrAndIsrPriorityOrderingAndEoi() {
        enable(apic);
        fixed(0, 0x35);
        fixed(0, 0x62);
        fixed(0, 0x51);
        assertEquals(0x62, apic.pendingVector());
        apic.acknowledge(0x62);
        assertTrue(bit(apic, LocalApic.ISR, 0x62));
        assertFalse(bit(apic, LocalApic.IRR, 0x62));
        assertEquals(0x60, rd(apic, LocalApic.PPR), "PPR follows the in-service class");
        assertEquals(-1, apic.pendingVector(), "0x51 waits below the in-service class");
        fixed(0, 0x71);
        assertEquals(0x71, apic.pendingVector(), "a higher class nests");
        apic.acknowledge(0x71);
        wr(apic, LocalApic.EOI, 0);
        assertFalse(bit(apic, LocalApic.ISR, 0x71), "EOI retires the highest in-service vector");
        assertTrue(bit(apic, LocalApic.ISR, 0x62));
        wr(apic, LocalApic.EOI, 0);
        assertEquals(0, rd(apic, LocalApic.PPR));
        assertEquals(0x51, apic.pendingVector());
        apic.acknowledge(0x51);
        wr(apic, LocalApic.EOI, 0);
        assertEquals(0x35, apic.pendingVector());
    }

    @Test
    void arbitrationPriority() {
        enable(apic);
        wr(apic, LocalApic.TPR, 0x35);
        assertEquals(0x35, rd(apic, LocalApic.APR));
        fixed(0, 0x62);
        assertEquals(0x60, rd(apic, LocalApic.APR));
    }

    @Test
    void illegalVectorsSetTheErrorStatus() {
        enable(apic);
        wr(apic, LocalApic.LVT_ERROR, 0xFE);
        wr(apic, LocalApic.ESR, 0);
        wr(apic, LocalApic.ICR_LOW, 0x0004_0005); // self, fixed, vector 5
        assertEquals(0x20, rd(apic, LocalApic.ESR), "send illegal vector");
        assertTrue(bit(apic, LocalApic.IRR, 0xFE), "the error LVT fires");
        wr(apic, LocalApic.ESR, 0);
        assertEquals(0, rd(apic, LocalApic.ESR));
        enable(other);
        assertEquals(0, fixed(1, 3));
        assertEquals(0x40, rd(other, LocalApic.ESR), "receive illegal vector");
    }

    // ---- timer ---------------------------------------------------------------------------------

    @Test
    void oneShotTimerWithDivideBy16() {
        enable(apic);
        wr(apic, LocalApic.LVT_TIMER, 0x30);
        wr(apic, LocalApic.TIMER_DIVIDE, 0x3); // divide by 16
        wr(apic, LocalApic.TIMER_INITIAL_COUNT, 1000); // 16000 ns
        timers.advance(8000);
        assertEquals(500, rd(apic, LocalApic.TIMER_CURRENT_COUNT));
        timers.advance(7999);
        assertFalse(bit(apic, LocalApic.IRR, 0x30));
        assertEquals(1, rd(apic, LocalApic.TIMER_CURRENT_COUNT));
        timers.advance(1);
        assertTrue(bit(apic, LocalApic.IRR, 0x30));
        assertEquals(0, rd(apic, LocalApic.TIMER_CURRENT_COUNT));
        assertEquals(1000, rd(apic, LocalApic.TIMER_INITIAL_COUNT));
        assertEquals(0, timers.pending());
    }

    @Test
    void divideConfigurationEncodings() {
        int[][] table = {{0x0, 2}, {0x1, 4}, {0x2, 8}, {0x3, 16}, {0x8, 32}, {0x9, 64}, {0xA, 128}, {0xB, 1}};
        for (int[] row : table) {
            LocalApic a = newApic(7, false, ApicCpu.NONE);
            wr(a, LocalApic.TIMER_DIVIDE, row[0]);
            wr(a, LocalApic.TIMER_INITIAL_COUNT, 1_000_000);
            timers.advance(1280);
            assertEquals(1_000_000 - 1280 / row[1], rd(a, LocalApic.TIMER_CURRENT_COUNT), "divide " + row[1]);
            bus.detach(a);
        }
    }

    @Test
    void periodicTimer() {
        enable(apic);
        wr(apic, LocalApic.LVT_TIMER, 0x2_0031); // periodic
        wr(apic, LocalApic.TIMER_DIVIDE, 0xB); // divide by 1
        wr(apic, LocalApic.TIMER_INITIAL_COUNT, 100_000); // 100 us
        int expiries = 0;
        for (int i = 0; i < 10; i++) {
            timers.advance(100_000);
            if (apic.pendingVector() == 0x31) {
                apic.acknowledge(0x31);
                wr(apic, LocalApic.EOI, 0);
                expiries++;
            }
        }
        assertEquals(10, expiries);
        assertEquals(1, timers.pending(), "one event per period");
        timers.advance(25_000);
        assertEquals(75_000, rd(apic, LocalApic.TIMER_CURRENT_COUNT), "reloads and keeps counting");
        wr(apic, LocalApic.TIMER_INITIAL_COUNT, 0);
        assertEquals(0, timers.pending(), "a zero initial count stops it");
        assertEquals(0, rd(apic, LocalApic.TIMER_CURRENT_COUNT));
    }

    @Test
    void periodicTimerIsClampedToTheMinimumPeriod() {
        enable(apic);
        wr(apic, LocalApic.LVT_TIMER, 0x2_0031);
        wr(apic, LocalApic.TIMER_DIVIDE, 0xB);
        wr(apic, LocalApic.TIMER_INITIAL_COUNT, 1);
        int wakes = cpu0.wakes;
        timers.advance(1_000_000);
        int delivered = cpu0.wakes - wakes;
        assertTrue(delivered <= 1_000_000 / LocalApic.MIN_PERIOD_NANOS + 1, "deliveries: " + delivered);
        assertTrue(delivered >= 20);
    }

    @Test
    void maskedTimerKeepsCountingWithoutInterrupts() {
        enable(apic);
        wr(apic, LocalApic.LVT_TIMER, 0x1_0030);
        wr(apic, LocalApic.TIMER_DIVIDE, 0xB);
        wr(apic, LocalApic.TIMER_INITIAL_COUNT, 1000);
        timers.advance(2000);
        assertFalse(bit(apic, LocalApic.IRR, 0x30));
        assertEquals(0, rd(apic, LocalApic.TIMER_CURRENT_COUNT));
    }

    @Test
    void changingTheDivisorWhileCountingContinuesFromTheCurrentCount() {
        wr(apic, LocalApic.TIMER_DIVIDE, 0xB);
        wr(apic, LocalApic.TIMER_INITIAL_COUNT, 1000);
        timers.advance(400);
        wr(apic, LocalApic.TIMER_DIVIDE, 0x0); // divide by 2
        assertEquals(600, rd(apic, LocalApic.TIMER_CURRENT_COUNT));
        timers.advance(400);
        assertEquals(400, rd(apic, LocalApic.TIMER_CURRENT_COUNT));
    }

    @Test
    void tscDeadlineTimer() {
        LocalApic a = new LocalApic(5, false, bus, cpu1, timers, 2 * GHZ); // 2 GHz TSC
        bus.attach(a);
        enable(a);
        a.setTscDeadline(2000);
        assertEquals(0, a.tscDeadline(), "ignored outside TSC-deadline mode");
        wr(a, LocalApic.LVT_TIMER, 0x4_0041); // TSC-deadline mode
        wr(a, LocalApic.TIMER_INITIAL_COUNT, 500);
        assertEquals(0, rd(a, LocalApic.TIMER_INITIAL_COUNT), "the initial count is ignored");
        a.setTscDeadline(2000); // 1000 ns at 2 GHz
        assertEquals(2000, a.tscDeadline());
        timers.advance(999);
        assertFalse(bit(a, LocalApic.IRR, 0x41));
        timers.advance(1);
        assertTrue(bit(a, LocalApic.IRR, 0x41));
        assertEquals(0, a.tscDeadline(), "the MSR clears when the timer fires");
        a.setTscDeadline(1); // in the past: fires at once
        timers.advance(0);
        assertEquals(0, a.tscDeadline());
        a.setTscDeadline(-1L); // 2^64 - 1 cycles away: never
        timers.advance(1_000_000_000);
        assertEquals(-1L, a.tscDeadline());
        wr(a, LocalApic.LVT_TIMER, 0x0041); // back to one-shot disarms
        assertEquals(0, a.tscDeadline());
        assertEquals(0, timers.pending());
    }

    @Test
    void tscOffsetShiftsTheDeadline() {
        LocalApic a = new LocalApic(5, false, bus, cpu1, timers, GHZ);
        enable(a);
        wr(a, LocalApic.LVT_TIMER, 0x4_0041);
        a.setTscOffset(1_000_000);
        assertEquals(1_000_000, a.tsc());
        a.setTscDeadline(1_000_500);
        timers.advance(499);
        assertFalse(bit(a, LocalApic.IRR, 0x41));
        timers.advance(1);
        assertTrue(bit(a, LocalApic.IRR, 0x41));
    }

    // ---- IPIs ----------------------------------------------------------------------------------

    @Test
    void selfIpiThroughIcr() {
        enable(apic);
        wr(apic, LocalApic.ICR_LOW, 0x0004_0050); // shorthand self, fixed, vector 0x50
        assertTrue(bit(apic, LocalApic.IRR, 0x50));
        assertEquals(0x0004_0050, rd(apic, LocalApic.ICR_LOW), "delivery status reads idle");
        assertEquals(0x50, apic.pendingVector());
    }

    @Test
    void initAndStartupReachTheOtherCpu() {
        wr(other, LocalApic.TPR, 0x20);
        wr(apic, LocalApic.ICR_HIGH, 0x0100_0000); // physical destination 1
        wr(apic, LocalApic.ICR_LOW, 0x0000_4500); // INIT, assert
        assertEquals(1, cpu1.inits);
        assertEquals(0, cpu0.inits);
        assertEquals(0, rd(other, LocalApic.TPR), "INIT resets the target APIC");
        assertEquals(1 << 24, rd(other, LocalApic.ID), "but keeps its ID");
        wr(apic, LocalApic.ICR_LOW, 0x0000_8500); // INIT level de-assert
        assertEquals(1, cpu1.inits, "de-assert is not an INIT");
        wr(apic, LocalApic.ICR_LOW, 0x0000_0608); // start-up, vector 8 (0x8000)
        wr(apic, LocalApic.ICR_LOW, 0x0000_0608);
        assertEquals(List.of(8, 8), cpu1.startups);
        assertTrue(cpu0.startups.isEmpty());
    }

    @Test
    void nmiIpi() {
        wr(apic, LocalApic.ICR_HIGH, 0x0100_0000);
        wr(apic, LocalApic.ICR_LOW, 0x0000_0400);
        assertEquals(1, cpu1.nmis);
        assertEquals(0, cpu0.nmis);
    }

    @Test
    void logicalFlatDestination() {
        enable(apic);
        enable(other);
        wr(apic, LocalApic.LDR, 0x0100_0000);
        wr(other, LocalApic.LDR, 0x0200_0000);
        wr(apic, LocalApic.ICR_HIGH, 0x0200_0000);
        wr(apic, LocalApic.ICR_LOW, 0x0000_0860); // logical, fixed, vector 0x60
        assertTrue(bit(other, LocalApic.IRR, 0x60));
        assertFalse(bit(apic, LocalApic.IRR, 0x60));
        wr(apic, LocalApic.ICR_HIGH, 0x0300_0000);
        wr(apic, LocalApic.ICR_LOW, 0x0000_0861);
        assertTrue(bit(other, LocalApic.IRR, 0x61));
        assertTrue(bit(apic, LocalApic.IRR, 0x61));
    }

    @Test
    void logicalClusterDestination() {
        enable(other);
        wr(other, LocalApic.DFR, 0x0FFF_FFFF);
        wr(other, LocalApic.LDR, 0x1200_0000); // cluster 1, member bit 1
        assertEquals(1, bus.deliver(0x12, true, ApicBus.FIXED, 0x70, false));
        assertEquals(1, bus.deliver(0x13, true, ApicBus.FIXED, 0x71, false));
        assertEquals(0, bus.deliver(0x22, true, ApicBus.FIXED, 0x72, false), "another cluster");
        assertEquals(0, bus.deliver(0x11, true, ApicBus.FIXED, 0x73, false), "another member");
        assertTrue(bit(other, LocalApic.IRR, 0x70));
        assertFalse(bit(other, LocalApic.IRR, 0x72));
    }

    @Test
    void broadcastAndShorthands() {
        enable(apic);
        enable(other);
        wr(apic, LocalApic.ICR_HIGH, 0xFF00_0000);
        wr(apic, LocalApic.ICR_LOW, 0x0000_0090); // physical broadcast
        assertTrue(bit(apic, LocalApic.IRR, 0x90));
        assertTrue(bit(other, LocalApic.IRR, 0x90));
        wr(apic, LocalApic.ICR_HIGH, 0);
        wr(apic, LocalApic.ICR_LOW, 0x000C_0091); // all excluding self
        assertFalse(bit(apic, LocalApic.IRR, 0x91));
        assertTrue(bit(other, LocalApic.IRR, 0x91));
        wr(apic, LocalApic.ICR_LOW, 0x0008_0092); // all including self
        assertTrue(bit(apic, LocalApic.IRR, 0x92));
        assertTrue(bit(other, LocalApic.IRR, 0x92));
    }

    @Test
    void lowestPriorityPicksTheLowestProcessorPriority() {
        enable(apic);
        enable(other);
        wr(apic, LocalApic.LDR, 0x0100_0000);
        wr(other, LocalApic.LDR, 0x0200_0000);
        wr(apic, LocalApic.TPR, 0x20);
        wr(other, LocalApic.TPR, 0x10);
        assertEquals(1, bus.deliver(0x03, true, ApicBus.LOWEST_PRIORITY, 0xA0, false));
        assertTrue(bit(other, LocalApic.IRR, 0xA0));
        assertFalse(bit(apic, LocalApic.IRR, 0xA0));
        wr(other, LocalApic.TPR, 0x30);
        bus.deliver(0x03, true, ApicBus.LOWEST_PRIORITY, 0xA1, false);
        assertTrue(bit(apic, LocalApic.IRR, 0xA1));
    }

    @Test
    void levelTriggeredEoiIsBroadcast() {
        enable(apic);
        int[] eois = {-1};
        bus.addEoiListener(v -> eois[0] = v);
        bus.deliver(0, false, ApicBus.FIXED, 0x66, true);
        assertTrue(bit(apic, LocalApic.TMR, 0x66));
        apic.acknowledge(0x66);
        wr(apic, LocalApic.EOI, 0);
        assertEquals(0x66, eois[0]);
        eois[0] = -1;
        bus.deliver(0, false, ApicBus.FIXED, 0x67, false);
        apic.acknowledge(0x67);
        wr(apic, LocalApic.EOI, 0);
        assertEquals(-1, eois[0], "edge-triggered EOIs stay local");
    }

    @Test
    void msiDelivery() {
        enable(other);
        assertEquals(1, bus.deliverMsi(0xFEE0_1000L, 0x4055)); // destination 1, vector 0x55, edge
        assertTrue(bit(other, LocalApic.IRR, 0x55));
        assertEquals(0, bus.deliverMsi(0xFED0_1000L, 0x55));
    }

    @Test
    void lint1AsNmi() {
        apic.enableVirtualWire();
        apic.setLint(1, true);
        apic.setLint(1, true);
        apic.setLint(1, false);
        assertEquals(1, cpu0.nmis);
    }

    @Test
    void mmioDispatchFollowsTheCallingThread() {
        bus.bindCurrentThread(other);
        assertEquals(1L << 24, bus.mmio().read(LocalApic.ID, 4));
        bus.bindCurrentThread(apic);
        assertEquals(0L, bus.mmio().read(LocalApic.ID, 4));
        bus.bindCurrentThread(null);
        assertEquals(-1L, bus.mmio().read(LocalApic.ID, 4));
    }

    // ---- state ---------------------------------------------------------------------------------

    static int le(byte[] page, int offset) {
        return (page[offset] & 0xFF) | (page[offset + 1] & 0xFF) << 8 | (page[offset + 2] & 0xFF) << 16
            | (page[offset + 3] & 0xFF) << 24;
    }

    @Test
    void pageLayoutIsArchitectural() {
        LocalApic a = newApic(3, false, ApicCpu.NONE);
        enable(a);
        wr(a, LocalApic.TPR, 0x42);
        byte[] page = a.registerPage();
        assertEquals(1024, page.length);
        assertEquals(0x00, page[0x20]);
        assertEquals(0x00, page[0x21]);
        assertEquals(0x00, page[0x22]);
        assertEquals(0x03, page[0x23], "ID 3 in bits 31:24, little-endian");
        assertEquals(0x0005_0014, le(page, 0x30));
        assertEquals(0x42, le(page, 0x80));
        assertEquals(0x1FF, le(page, 0xF0));
        assertEquals(0xFFFF_FFFF, le(page, 0xE0));
        assertEquals(0x0001_0000, le(page, 0x350));
    }

    @Test
    void statePageRoundTrip() {
        LocalApic a = newApic(3, false, ApicCpu.NONE);
        enable(a);
        wr(a, LocalApic.TPR, 0x20);
        wr(a, LocalApic.LDR, 0x0500_0000);
        wr(a, LocalApic.DFR, 0x0FFF_FFFF);
        wr(a, LocalApic.LVT_LINT0, 0x700);
        wr(a, LocalApic.LVT_LINT1, 0x400);
        wr(a, LocalApic.LVT_ERROR, 0xFE);
        wr(a, LocalApic.LVT_THERMAL, 0x1_00F0);
        wr(a, LocalApic.LVT_PERF, 0x4F1);
        wr(a, LocalApic.TIMER_DIVIDE, 0x3);
        wr(a, LocalApic.LVT_TIMER, 0x2_0030);
        wr(a, LocalApic.TIMER_INITIAL_COUNT, 5000);
        wr(a, LocalApic.ICR_HIGH, 0x0700_0000);
        wr(a, LocalApic.ICR_LOW, 0x0000_0455); // an NMI to APIC 7 (absent)
        bus.deliver(3, false, ApicBus.FIXED, 0x55, true);
        bus.deliver(3, false, ApicBus.FIXED, 0x99, false);
        a.acknowledge(0x99);
        bus.deliver(3, false, ApicBus.FIXED, 0xE1, false);
        timers.advance(16 * 1234);

        int[] regs = {LocalApic.ID, LocalApic.VERSION, LocalApic.TPR, LocalApic.APR, LocalApic.PPR, LocalApic.LDR,
            LocalApic.DFR, LocalApic.SVR, LocalApic.ESR, LocalApic.ICR_LOW, LocalApic.ICR_HIGH, LocalApic.LVT_TIMER,
            LocalApic.LVT_THERMAL, LocalApic.LVT_PERF, LocalApic.LVT_LINT0, LocalApic.LVT_LINT1, LocalApic.LVT_ERROR,
            LocalApic.TIMER_INITIAL_COUNT, LocalApic.TIMER_CURRENT_COUNT, LocalApic.TIMER_DIVIDE};
        LocalApicState s = a.state();
        assertEquals(5000 - 1234, s.register(LocalApic.TIMER_CURRENT_COUNT));

        LocalApic fresh = new LocalApic(9, false, new ApicBus(), ApicCpu.NONE, timers, GHZ);
        fresh.restore(s);
        for (int reg : regs) {
            assertEquals(rd(a, reg), rd(fresh, reg), "register 0x" + Integer.toHexString(reg));
        }
        for (int i = 0; i < 8; i++) {
            assertEquals(rd(a, LocalApic.ISR + 0x10 * i), rd(fresh, LocalApic.ISR + 0x10 * i));
            assertEquals(rd(a, LocalApic.TMR + 0x10 * i), rd(fresh, LocalApic.TMR + 0x10 * i));
            assertEquals(rd(a, LocalApic.IRR + 0x10 * i), rd(fresh, LocalApic.IRR + 0x10 * i));
        }
        assertArrayEquals(a.registerPage(), fresh.registerPage());
        assertEquals(a.apicBaseMsr(), fresh.apicBaseMsr());
        assertEquals(3, fresh.id());
        assertEquals(0xE1, fresh.pendingVector());

        timers.advance(16 * 1000);
        assertEquals(rd(a, LocalApic.TIMER_CURRENT_COUNT), rd(fresh, LocalApic.TIMER_CURRENT_COUNT),
            "the restored timer keeps counting in step");
    }

    @Test
    void loadRegisterPageFromAnotherAccelerator() {
        byte[] page = new byte[1024];
        page[0x23] = 2; // ID 2
        page[0xF1] = 0x01; // SVR 0x1FF
        page[0xF0] = (byte) 0xFF;
        page[0x351] = 0x07; // LINT0 ExtINT, unmasked
        page[0x210 + 2] = 0x01; // IRR bit 48 (0x30)
        other.loadRegisterPage(page);
        assertEquals(2, other.id());
        assertTrue(other.isSoftwareEnabled());
        assertEquals(0x700, rd(other, LocalApic.LVT_LINT0));
        assertEquals(0x30, other.pendingVector());
        assertThrows(IllegalArgumentException.class, () -> other.loadRegisterPage(new byte[100]));
    }

    @Test
    void hostileAccessesNeverThrow() {
        Random r = new Random(11);
        enable(apic);
        for (int i = 0; i < 200_000; i++) {
            LocalApic a = r.nextBoolean() ? apic : other;
            long off = r.nextInt(8) == 0 ? r.nextLong() : r.nextInt(0x400) & ~0xF;
            int size = r.nextInt(4) == 0 ? 1 << r.nextInt(4) : 4;
            if (r.nextBoolean()) {
                a.write(off, size, r.nextLong());
            } else {
                a.read(off, size);
            }
            if (r.nextInt(50) == 0) {
                timers.advance(r.nextInt(200_000));
            }
            if (r.nextInt(20) == 0) {
                int v = a.pendingVector();
                a.acknowledge(v);
            }
            assertTrue(timers.pending() <= 3);
        }
        apic.setApicBaseMsr(-1L);
        apic.setTscDeadline(Long.MIN_VALUE);
        apic.acknowledge(Integer.MAX_VALUE);
        apic.acknowledge(-7);
    }
}
