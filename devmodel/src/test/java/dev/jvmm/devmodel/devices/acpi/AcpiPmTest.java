package dev.jvmm.devmodel.devices.acpi;

import static org.junit.jupiter.api.Assertions.*;

import dev.jvmm.devmodel.accel.VmLifecycle;
import dev.jvmm.devmodel.accel.VmStop;
import dev.jvmm.devmodel.bus.PortIoBus;
import java.math.BigInteger;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** ACPI PM1a event/control registers and the PM timer (ACPI spec, "Fixed Hardware Programming Model"). */
class AcpiPmTest {
    static final int PM1_STS = 0x600, PM1_EN = 0x602, PM1_CNT = 0x604, PM_TMR = 0x608;
    static final int SCI_EN = 1, SLP_EN = 1 << 13;
    static final long HZ = 3_579_545L;
    static final long SECOND = 1_000_000_000L;
    static final long MASK24 = (1L << 24) - 1;

    /** The host clock, moved by hand. */
    long nanos = 123_456_789L;

    final VmLifecycle lifecycle = new VmLifecycle();
    final AcpiPm pm = new AcpiPm(lifecycle, () -> nanos);
    final PortIoBus bus = new PortIoBus();

    AcpiPmTest() {
        bus.register(AcpiPm.BASE, AcpiPm.RANGE, pm);
    }

    long timer() {
        return bus.read(PM_TMR, 4);
    }

    /** floor(elapsedNanos * 3579545 / 1e9) mod 2^24, computed without any chance of overflow. */
    static long expectedTicks(long elapsedNanos) {
        return BigInteger.valueOf(elapsedNanos).multiply(BigInteger.valueOf(HZ))
            .divide(BigInteger.valueOf(SECOND)).longValue() & MASK24;
    }

    @Test
    void blockLayoutIsQemuQ35s() {
        assertEquals(0x600, AcpiPm.BASE);
        assertEquals(3_579_545L, AcpiPm.PM_TIMER_HZ);
        assertTrue(AcpiPm.RANGE >= 0x0C, "PM1a_EVT (4) + PM1a_CNT (2, padded) + PM_TMR (4)");
    }

    // ---- PM1a_CNT ---------------------------------------------------------------------------------

    @Test
    void slpEnWithSleepTypeZeroPowersOff() throws InterruptedException {
        bus.write(PM1_CNT, 2, 0x2000);
        VmStop s = lifecycle.awaitStop(0, TimeUnit.SECONDS);
        assertEquals(new VmStop.PowerOff(), s);
        assertEquals(0, s.exitStatus());
    }

    @Test
    void slpEnWithSciEnStillPowersOff() {
        bus.write(PM1_CNT, 2, SLP_EN | SCI_EN);
        assertTrue(lifecycle.isStopping());
    }

    @Test
    void otherSleepTypesDoNotPowerOff() {
        for (int typ = 1; typ < 8; typ++) {
            bus.write(PM1_CNT, 2, SLP_EN | (typ << 10));
            assertFalse(lifecycle.isStopping(), "SLP_TYP " + typ);
        }
    }

    @Test
    void sleepTypeZeroWithoutSlpEnDoesNotPowerOff() {
        bus.write(PM1_CNT, 2, 0x0000);
        bus.write(PM1_CNT, 2, SCI_EN);
        assertFalse(lifecycle.isStopping());
    }

    @Test
    void slpEnReadsBackAsZero() {
        bus.write(PM1_CNT, 2, SLP_EN | (5 << 10) | SCI_EN);
        assertEquals((5 << 10) | SCI_EN, bus.read(PM1_CNT, 2));
    }

    @Test
    void controlRegisterHoldsItsBits() {
        bus.write(PM1_CNT, 2, SCI_EN);
        assertEquals(SCI_EN, bus.read(PM1_CNT, 2));
        assertEquals(SCI_EN, bus.read(PM1_CNT, 1), "low byte");
        bus.write(PM1_CNT, 2, 0x1C01); // SLP_TYP 7, SCI_EN
        assertEquals(0x1C, bus.read(PM1_CNT + 1, 1), "high byte");
    }

    // ---- PM1a_EVT ---------------------------------------------------------------------------------

    @Test
    void statusIsWriteOneToClear() {
        pm.restore(new AcpiPmState(0x8101, 0, 0)); // WAK_STS, PWRBTN_STS, TMR_STS
        bus.write(PM1_STS, 2, 0x0100);
        assertEquals(0x8001, bus.read(PM1_STS, 2));
        bus.write(PM1_STS, 2, 0x0000);
        assertEquals(0x8001, bus.read(PM1_STS, 2), "writing zeros changes nothing");
        bus.write(PM1_STS, 2, 0xFFFF);
        assertEquals(0, bus.read(PM1_STS, 2));
    }

    @Test
    void statusCannotBeSetByWriting() {
        bus.write(PM1_STS, 2, 0x0101);
        assertEquals(0, bus.read(PM1_STS, 2));
    }

    @Test
    void enableRegisterHoldsItsBits() {
        bus.write(PM1_EN, 2, 0x0121);
        assertEquals(0x0121, bus.read(PM1_EN, 2));
        assertEquals(0, bus.read(PM1_STS, 2), "enable is a separate register");
        assertFalse(lifecycle.isStopping());
    }

    // ---- PM timer ---------------------------------------------------------------------------------

    @Test
    void timerStartsAtZero() {
        assertEquals(0, timer());
    }

    @Test
    void timerAdvancesAt3579545HzPerSecond() {
        nanos += SECOND;
        assertEquals(3_579_545L, timer());
    }

    @Test
    void timerCountsFractionsOfASecond() {
        nanos += 1_000_000; // 1 ms: 3579.545 ticks
        assertEquals(3579, timer());
        nanos += 279; // 1.000279 ms: 3580.54 ticks
        assertEquals(3580, timer());
    }

    @Test
    void timerWrapsAt24Bits() {
        nanos += 5 * SECOND; // 17897725 ticks
        assertEquals(17_897_725L - (1L << 24), timer());
        assertEquals(1_120_509L, timer());
    }

    @Test
    void timerNeverExceeds24Bits() {
        for (long t = 0; t < 20 * SECOND; t += 333_333_333L) {
            nanos += 333_333_333L;
            long v = timer();
            assertTrue(v >= 0 && v <= MASK24, "0x" + Long.toHexString(v));
        }
    }

    @Test
    void timerIsMonotonicModulo24BitsAndExact() {
        long start = nanos;
        long previous = timer();
        for (int i = 1; i <= 20_000; i++) {
            nanos += 997_001; // just under 1 ms, so the tick count wraps several times
            long now = timer();
            assertEquals(expectedTicks(nanos - start), now, "step " + i);
            long delta = (now - previous) & MASK24;
            assertTrue(delta > 0 && delta < (1 << 23), "step " + i + " went backwards or jumped: " + delta);
            previous = now;
        }
    }

    @Test
    void timerDoesNotOverflowAfterTenYearsOfUptime() {
        long tenYears = 10L * 365 * 24 * 3600 * SECOND + 2 * 24 * 3600 * SECOND + 123_456_789L;
        nanos += tenYears;
        assertEquals(expectedTicks(tenYears), timer());
        nanos += SECOND;
        assertEquals(expectedTicks(tenYears + SECOND), timer());
        assertEquals(HZ, (expectedTicks(tenYears + SECOND) - expectedTicks(tenYears)) & MASK24);
    }

    @Test
    void timerSurvivesTheHostNanoTimeWrapping() {
        long[] host = {Long.MAX_VALUE - SECOND / 2};
        AcpiPm p = new AcpiPm(lifecycle, () -> host[0]);
        host[0] += SECOND; // wraps to a negative value
        assertTrue(host[0] < 0);
        assertEquals(HZ, p.read(8, 4) & MASK24);
    }

    @Test
    void timerBytesAreReadableSeparately() {
        nanos += SECOND; // 3579545 = 0x369E99
        assertEquals(0x369E99, timer());
        assertEquals(0x99, bus.read(PM_TMR, 1));
        assertEquals(0x9E, bus.read(PM_TMR + 1, 1));
        assertEquals(0x36, bus.read(PM_TMR + 2, 1));
        assertEquals(0x00, bus.read(PM_TMR + 3, 1));
        assertEquals(0x9E99, bus.read(PM_TMR, 2));
    }

    @Test
    void timerIsReadOnly() {
        nanos += SECOND;
        bus.write(PM_TMR, 4, 0);
        assertEquals(HZ, timer());
        assertFalse(lifecycle.isStopping());
    }

    // ---- save and restore -------------------------------------------------------------------------

    @Test
    void stateRoundTrip() {
        pm.restore(new AcpiPmState(0x0001, 0, 0));
        bus.write(PM1_EN, 2, 0x0100);
        bus.write(PM1_CNT, 2, SCI_EN | (3 << 10));
        AcpiPmState s = pm.state();
        assertEquals(new AcpiPmState(0x0001, 0x0100, SCI_EN | (3 << 10)), s);
        AcpiPm copy = new AcpiPm(lifecycle, () -> nanos);
        copy.restore(s);
        assertEquals(s, copy.state());
        assertEquals(0x0001, copy.read(0, 2) & 0xFFFF);
        assertEquals(0x0100, copy.read(2, 2) & 0xFFFF);
        assertEquals(SCI_EN | (3 << 10), copy.read(4, 2) & 0xFFFF);
    }

    @Test
    void restoreWithSlpEnDoesNotPowerOffAndClearsIt() {
        pm.restore(new AcpiPmState(0, 0, SLP_EN | SCI_EN));
        assertFalse(lifecycle.isStopping());
        assertEquals(SCI_EN, bus.read(PM1_CNT, 2));
    }

    @Test
    void restoreMasksTo16Bits() {
        pm.restore(new AcpiPmState(0x1_0001, 0x2_0002, 0x4_0001));
        assertEquals(new AcpiPmState(0x0001, 0x0002, 0x0001), pm.state());
    }

    @Test
    void byteWriteOfTheHighHalfOfPm1ControlPowersOff() {
        // SLP_EN is bit 13, i.e. bit 5 of the byte at 0x605: 0x20 there means SLP_TYP 0 with SLP_EN.
        pm.write(5, 1, 0x20);
        assertEquals(new dev.jvmm.devmodel.accel.VmStop.PowerOff(), stopOrNull());
    }

    @Test
    void byteWriteOfTheLowHalfKeepsTheHighHalf() {
        pm.write(4, 2, 3 << 10); // SLP_TYP = 3, no SLP_EN
        pm.write(4, 1, 0x01); // SCI_EN via the low byte only
        assertEquals((3 << 10) | 1, pm.read(4, 2));
    }

    @Test
    void dwordWriteAtOffsetZeroSetsStatusAndEnableTogether() {
        pm.restore(new AcpiPmState(0x0001, 0, 0));
        pm.write(0, 4, 0x0100_0001L); // clear TMR_STS, enable PWRBTN
        assertEquals(0, pm.read(0, 2));
        assertEquals(0x0100, pm.read(2, 2));
        assertEquals(0x0100_0000L, pm.read(0, 4));
    }

    private dev.jvmm.devmodel.accel.VmStop stopOrNull() {
        try {
            return lifecycle.awaitStop(0, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
