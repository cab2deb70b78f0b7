package dev.jvmm.devmodel.devices.rtc;

import static org.junit.jupiter.api.Assertions.*;

import dev.jvmm.devmodel.bus.PortIoBus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** MC146818 RTC and CMOS RAM semantics (register map and status bits from the Motorola datasheet). */
class CmosRtcTest {
    static final int SEC = 0x00, MIN = 0x02, HOUR = 0x04, WDAY = 0x06, MDAY = 0x07, MON = 0x08, YEAR = 0x09,
        REG_A = 0x0A, REG_B = 0x0B, REG_C = 0x0C, REG_D = 0x0D, CENTURY = 0x32;
    static final int B_SET = 0x80, B_DM_BINARY = 0x04, B_24H = 0x02;
    /** Wednesday 25 November 2026, 13:45:56 UTC. */
    static final Instant NOW = Instant.parse("2026-11-25T13:45:56Z");

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        Instant now;

        ManualClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    final ManualClock clock = new ManualClock(NOW);
    final CmosRtc rtc = new CmosRtc(clock);

    int reg(int index) {
        rtc.write(0, 1, index);
        return (int) rtc.read(1, 1);
    }

    void setReg(int index, int value) {
        rtc.write(0, 1, index);
        rtc.write(1, 1, value);
    }

    static CmosRtc at(String instant) {
        return new CmosRtc(Clock.fixed(Instant.parse(instant), ZoneOffset.UTC));
    }

    static int reg(CmosRtc r, int index) {
        r.write(0, 1, index);
        return (int) r.read(1, 1);
    }

    @Test
    void portsAreThePcOnes() {
        assertEquals(0x70, CmosRtc.BASE);
        assertEquals(2, CmosRtc.RANGE);
    }

    @Test
    void timeRegistersAreBcdByDefault() {
        assertEquals(0x56, reg(SEC));
        assertEquals(0x45, reg(MIN));
        assertEquals(0x13, reg(HOUR));
    }

    @Test
    void dateRegistersAreBcdByDefault() {
        assertEquals(0x25, reg(MDAY));
        assertEquals(0x11, reg(MON));
        assertEquals(0x26, reg(YEAR));
        assertEquals(0x20, reg(CENTURY));
    }

    @Test
    void weekdayCountsFromSundayAsOne() {
        assertEquals(4, reg(WDAY), "Wednesday");
        assertEquals(1, reg(at("2026-11-29T00:00:00Z"), WDAY), "Sunday");
        assertEquals(7, reg(at("2026-11-28T23:59:59Z"), WDAY), "Saturday");
        assertEquals(2, reg(at("2026-11-30T12:00:00Z"), WDAY), "Monday");
    }

    @Test
    void statusBDefaultsToBcdAnd24Hours() {
        assertEquals(B_24H, reg(REG_B) & (B_24H | B_DM_BINARY | B_SET));
    }

    @Test
    void binaryModeViaStatusBBitTwo() {
        setReg(REG_B, B_24H | B_DM_BINARY);
        assertEquals(56, reg(SEC));
        assertEquals(45, reg(MIN));
        assertEquals(13, reg(HOUR));
        assertEquals(25, reg(MDAY));
        assertEquals(11, reg(MON));
        assertEquals(26, reg(YEAR));
        assertEquals(20, reg(CENTURY));
        assertEquals(4, reg(WDAY));
    }

    @Test
    void twelveHourBcdModeMarksPmWithBitSeven() {
        setReg(REG_B, 0x00);
        assertEquals(0x81, reg(HOUR), "1 PM");
    }

    @Test
    void twelveHourModeCoversMidnightNoonAndEleven() {
        for (String[] c : new String[][] {
            {"2026-11-25T00:30:00Z", "12"}, {"2026-11-25T11:00:00Z", "11"}, {"2026-11-25T12:00:00Z", "92"},
            {"2026-11-25T23:59:00Z", "91"}}) {
            CmosRtc r = at(c[0]);
            r.write(0, 1, REG_B);
            r.write(1, 1, 0x00);
            assertEquals(Integer.parseInt(c[1], 16), reg(r, HOUR), c[0]);
        }
    }

    @Test
    void twelveHourBinaryMode() {
        CmosRtc r = at("2026-11-25T23:00:00Z");
        r.write(0, 1, REG_B);
        r.write(1, 1, B_DM_BINARY);
        assertEquals(0x80 | 11, reg(r, HOUR));
    }

    @Test
    void statusDReportsValidRamAndTime() {
        assertEquals(0x80, reg(REG_D) & 0x80);
    }

    @Test
    void statusDIsReadOnly() {
        setReg(REG_D, 0x00);
        assertEquals(0x80, reg(REG_D) & 0x80);
    }

    @Test
    void statusAHasNoUpdateInProgressAndUipCannotBeWritten() {
        assertEquals(0, reg(REG_A) & 0x80);
        setReg(REG_A, 0xA6);
        assertEquals(0x26, reg(REG_A), "divider and rate bits are stored, UIP is read-only");
    }

    @Test
    void statusCHasNoInterruptFlags() {
        assertEquals(0, reg(REG_C));
    }

    @Test
    void indexPortMasksTheNmiBit() {
        assertEquals(0x56, reg(0x80 | SEC));
        assertEquals(0x25, reg(0x80 | MDAY));
        setReg(0x80 | 0x40, 0x9C);
        assertEquals(0x9C, reg(0x40));
    }

    @Test
    void dataPortReadsTheSelectedRegisterRepeatedly() {
        rtc.write(0, 1, MIN);
        assertEquals(0x45, rtc.read(1, 1));
        assertEquals(0x45, rtc.read(1, 1));
    }

    @Test
    void readsThroughThePortBus() {
        PortIoBus bus = new PortIoBus();
        bus.register(CmosRtc.BASE, CmosRtc.RANGE, rtc);
        bus.write(0x70, 1, MON);
        assertEquals(0x11, bus.read(0x71, 1));
    }

    @Test
    void wideAccessesAreIgnored() {
        rtc.write(0, 1, 0x40);
        rtc.write(1, 1, 0x12);
        rtc.write(0, 2, SEC);
        rtc.write(1, 4, 0x34);
        assertEquals(0x12, rtc.read(1, 1), "index and RAM unchanged by wide writes");
    }

    @Test
    void readsFollowTheHostClock() {
        clock.advance(Duration.ofSeconds(4));
        assertEquals(0x00, reg(SEC));
        assertEquals(0x46, reg(MIN));
        clock.advance(Duration.ofDays(7));
        assertEquals(0x02, reg(MDAY), "2 December");
        assertEquals(0x12, reg(MON));
    }

    // ---- setting the clock ------------------------------------------------------------------------

    @Test
    void settingSecondsMovesSubsequentReads() {
        setReg(SEC, 0x00);
        assertEquals(0x00, reg(SEC));
        assertEquals(0x45, reg(MIN));
        clock.advance(Duration.ofSeconds(10));
        assertEquals(0x10, reg(SEC), "the guest clock keeps running from the value it set");
        assertEquals(0x45, reg(MIN));
    }

    @Test
    void settingTheYearMovesTheDateAndTheWeekday() {
        setReg(YEAR, 0x27);
        assertEquals(0x27, reg(YEAR));
        assertEquals(0x20, reg(CENTURY));
        assertEquals(0x11, reg(MON));
        assertEquals(0x25, reg(MDAY));
        assertEquals(5, reg(WDAY), "25 November 2027 is a Thursday");
        assertEquals(0x56, reg(SEC));
    }

    @Test
    void settingTheCentury() {
        setReg(CENTURY, 0x21);
        assertEquals(0x21, reg(CENTURY));
        assertEquals(0x26, reg(YEAR));
    }

    @Test
    void settingMonthAndDay() {
        setReg(MON, 0x03);
        setReg(MDAY, 0x01);
        assertEquals(0x03, reg(MON));
        assertEquals(0x01, reg(MDAY));
        assertEquals(1, reg(WDAY), "1 March 2026 is a Sunday");
    }

    @Test
    void settingTimeInBinaryMode() {
        setReg(REG_B, B_24H | B_DM_BINARY);
        setReg(MIN, 7);
        setReg(HOUR, 22);
        assertEquals(7, reg(MIN));
        assertEquals(22, reg(HOUR));
        setReg(REG_B, B_24H);
        assertEquals(0x07, reg(MIN));
        assertEquals(0x22, reg(HOUR));
    }

    @Test
    void settingAPmHourInTwelveHourMode() {
        setReg(REG_B, 0x00);
        setReg(HOUR, 0x83); // 3 PM
        setReg(REG_B, B_24H);
        assertEquals(0x15, reg(HOUR));
    }

    @Test
    void settingTwelveAmInTwelveHourModeIsMidnight() {
        setReg(REG_B, 0x00);
        setReg(HOUR, 0x12);
        setReg(REG_B, B_24H);
        assertEquals(0x00, reg(HOUR));
        setReg(REG_B, 0x00);
        setReg(HOUR, 0x92); // 12 PM
        setReg(REG_B, B_24H);
        assertEquals(0x12, reg(HOUR));
    }

    @Test
    void impossibleDayIsIgnored() {
        setReg(MDAY, 0x31); // November has 30 days
        assertEquals(0x25, reg(MDAY));
        assertEquals(0x11, reg(MON));
    }

    @Test
    void impossibleFieldValuesAreIgnored() {
        setReg(MON, 0x13);
        setReg(MON, 0x00);
        setReg(MDAY, 0x00);
        setReg(HOUR, 0x24);
        setReg(MIN, 0x60);
        setReg(SEC, 0x5A); // not BCD
        assertEquals(0x56, reg(SEC));
        assertEquals(0x45, reg(MIN));
        assertEquals(0x13, reg(HOUR));
        assertEquals(0x25, reg(MDAY));
        assertEquals(0x11, reg(MON));
        assertEquals(0x26, reg(YEAR));
    }

    @Test
    void weekdayWriteDoesNotMoveTheDate() {
        setReg(WDAY, 0x01);
        assertEquals(4, reg(WDAY));
        assertEquals(0x25, reg(MDAY));
    }

    // ---- CMOS RAM ---------------------------------------------------------------------------------

    @Test
    void cmosRamBytesRoundTrip() {
        for (int i = 0x0E; i < 0x80; i++) {
            if (i != CENTURY) {
                setReg(i, i ^ 0xA5);
            }
        }
        for (int i = 0x0E; i < 0x80; i++) {
            if (i != CENTURY) {
                assertEquals(i ^ 0xA5, reg(i), "CMOS byte 0x" + Integer.toHexString(i));
            }
        }
        assertEquals(0x56, reg(SEC), "RAM writes leave the clock alone");
    }

    @Test
    void alarmRegistersAreStorage() {
        setReg(0x01, 0x30);
        setReg(0x03, 0x15);
        setReg(0x05, 0x07);
        assertEquals(0x30, reg(0x01));
        assertEquals(0x15, reg(0x03));
        assertEquals(0x07, reg(0x05));
    }

    @Test
    void cmosRamStartsZeroed() {
        assertEquals(0, reg(0x40));
        assertEquals(0, reg(0x7F));
    }

    // ---- save and restore -------------------------------------------------------------------------

    @Test
    void stateRoundTripKeepsRamModeIndexAndClockOffset() {
        setReg(0x10, 0x42);
        setReg(0x7F, 0xEE);
        setReg(REG_B, B_24H | B_DM_BINARY);
        setReg(MIN, 0);
        rtc.write(0, 1, MON);

        CmosRtc copy = new CmosRtc(clock);
        copy.restore(rtc.state());
        assertEquals(11, copy.read(1, 1), "index restored; binary mode restored");
        assertEquals(0x42, reg(copy, 0x10));
        assertEquals(0xEE, reg(copy, 0x7F));
        assertEquals(0, reg(copy, MIN), "clock offset restored");
        assertEquals(56, reg(copy, SEC));
        clock.advance(Duration.ofSeconds(5));
        assertEquals(reg(rtc, SEC), reg(copy, SEC));
        assertEquals(1, reg(copy, SEC));
    }

    @Test
    void stateIsASnapshot() {
        setReg(0x20, 1);
        CmosRtcState s = rtc.state();
        setReg(0x20, 2);
        s.cmos()[0x20] = 3;
        CmosRtc copy = new CmosRtc(clock);
        copy.restore(s);
        assertEquals(1, reg(copy, 0x20));
    }

    @Test
    void restoreMasksTheIndex() {
        CmosRtc copy = new CmosRtc(clock);
        copy.restore(new CmosRtcState(0x80 | MDAY, rtc.state().cmos(), 0));
        assertEquals(0x25, copy.read(1, 1));
    }

    @Test
    void dateWrittenFieldByFieldUnderSetIsTakenWhole() {
        // MC146818: with SET (status B bit 7) the update cycle is inhibited "and the program may
        // initialize the time and calendar bytes"; FreeBSD's atrtc writes them in register order.
        setReg(REG_B, B_SET | B_24H);
        setReg(SEC, 0x00);
        setReg(MIN, 0x00);
        setReg(HOUR, 0x08);
        setReg(MDAY, 0x31); // not a November day, but the month comes next
        setReg(MON, 0x12);
        setReg(YEAR, 0x26);
        setReg(REG_B, B_24H);
        assertEquals(0x31, reg(MDAY));
        assertEquals(0x12, reg(MON));
        assertEquals(0x08, reg(HOUR));
    }
}
