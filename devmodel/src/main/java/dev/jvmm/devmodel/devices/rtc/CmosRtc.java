package dev.jvmm.devmodel.devices.rtc;

import dev.jvmm.devmodel.bus.BusDevice;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * The MC146818 real-time clock and CMOS RAM at ports 0x70 (index) and 0x71 (data). The time
 * registers read the host clock (UTC) plus an offset; a guest that sets the time moves the offset.
 * No periodic or alarm interrupts.
 */
public final class CmosRtc implements BusDevice {
    public static final int BASE = 0x70;
    public static final int RANGE = 2;

    static final int SECONDS = 0x00, MINUTES = 0x02, HOURS = 0x04, WEEKDAY = 0x06, DAY = 0x07, MONTH = 0x08,
        YEAR = 0x09, STATUS_A = 0x0A, STATUS_B = 0x0B, STATUS_C = 0x0C, STATUS_D = 0x0D, CENTURY = 0x32;
    static final int B_24H = 0x02, B_BINARY = 0x04, B_SET = 0x80;
    static final int D_VALID_RAM_AND_TIME = 0x80;

    private final Clock clock;
    private final byte[] cmos = new byte[128];
    private int index;
    private long offsetSeconds;

    public CmosRtc(Clock clock) {
        this.clock = clock;
        cmos[STATUS_A] = 0x26; // 32.768 kHz time base, 1024 Hz rate, update not in progress
        cmos[STATUS_B] = B_24H; // BCD, 24-hour: what a PC BIOS leaves
        cmos[STATUS_D] = (byte) D_VALID_RAM_AND_TIME;
    }

    @Override
    public synchronized long read(long offset, int size) {
        if (size != 1) {
            return -1L;
        }
        if (offset == 0) {
            return 0xFF; // the index port is write-only
        }
        return readRegister(index);
    }

    @Override
    public synchronized void write(long offset, int size, long value) {
        if (size != 1) {
            return;
        }
        int v = (int) (value & 0xFF);
        if (offset == 0) {
            index = v & 0x7F; // bit 7 is the NMI mask
        } else {
            writeRegister(index, v);
        }
    }

    private LocalDateTime now() {
        return LocalDateTime.ofEpochSecond(clock.instant().getEpochSecond() + offsetSeconds, 0, ZoneOffset.UTC);
    }

    private boolean setMode() {
        return (cmos[STATUS_B] & B_SET) != 0;
    }

    private static boolean isTimeRegister(int reg) {
        return reg == SECONDS || reg == MINUTES || reg == HOURS || reg == WEEKDAY || reg == DAY || reg == MONTH
            || reg == YEAR || reg == CENTURY;
    }

    private int readRegister(int reg) {
        if (setMode() && isTimeRegister(reg)) {
            return cmos[reg] & 0xFF; // updates are held while SET: the guest sees what it wrote
        }
        LocalDateTime t = now();
        return switch (reg) {
            case SECONDS -> encode(t.getSecond());
            case MINUTES -> encode(t.getMinute());
            case HOURS -> encodeHour(t.getHour());
            case WEEKDAY -> encode(t.getDayOfWeek().getValue() % 7 + 1); // 1 = Sunday
            case DAY -> encode(t.getDayOfMonth());
            case MONTH -> encode(t.getMonthValue());
            case YEAR -> encode(t.getYear() % 100);
            case CENTURY -> encode(t.getYear() / 100);
            case STATUS_C -> 0; // no interrupt flags: no periodic, alarm or update interrupts
            default -> cmos[reg] & 0xFF;
        };
    }

    private void writeRegister(int reg, int v) {
        if (setMode() && isTimeRegister(reg)) {
            cmos[reg] = (byte) v; // taken as a whole when SET is cleared
            return;
        }
        switch (reg) {
            case STATUS_B -> writeStatusB(v);
            case SECONDS, MINUTES, HOURS, DAY, MONTH, YEAR, CENTURY -> setTimeField(reg, v);
            case STATUS_A -> cmos[reg] = (byte) (v & 0x7F); // UIP is read-only
            case STATUS_C, STATUS_D, WEEKDAY -> { } // read-only, or derived from the date
            default -> cmos[reg] = (byte) v;
        }
    }

    /**
     * MC146818: setting SET freezes the time registers so software can write the whole date; clearing
     * it loads them at once. Checking fields one by one would refuse a day the current month lacks.
     */
    private void writeStatusB(int v) {
        boolean wasSet = setMode();
        boolean nowSet = (v & B_SET) != 0;
        if (!wasSet && nowSet) {
            for (int reg : new int[] {SECONDS, MINUTES, HOURS, WEEKDAY, DAY, MONTH, YEAR, CENTURY}) {
                cmos[reg] = (byte) readRegister(reg);
            }
        }
        cmos[STATUS_B] = (byte) v;
        if (wasSet && !nowSet) {
            try {
                LocalDateTime t = LocalDateTime.of(decode(cmos[CENTURY] & 0xFF) * 100 + decode(cmos[YEAR] & 0xFF),
                    decode(cmos[MONTH] & 0xFF), decode(cmos[DAY] & 0xFF), decodeHour(cmos[HOURS] & 0xFF),
                    decode(cmos[MINUTES] & 0xFF), decode(cmos[SECONDS] & 0xFF));
                offsetSeconds = t.toEpochSecond(ZoneOffset.UTC) - clock.instant().getEpochSecond();
            } catch (java.time.DateTimeException e) {
                // an impossible date is ignored; the clock keeps its time
            }
        }
    }

    private void setTimeField(int reg, int raw) {
        LocalDateTime t = now();
        int v = reg == HOURS ? decodeHour(raw) : decode(raw);
        try {
            t = switch (reg) {
                case SECONDS -> t.withSecond(v);
                case MINUTES -> t.withMinute(v);
                case HOURS -> t.withHour(v);
                case DAY -> t.withDayOfMonth(v);
                case MONTH -> t.withMonth(v);
                case YEAR -> t.withYear(t.getYear() / 100 * 100 + v);
                default -> t.withYear(v * 100 + t.getYear() % 100);
            };
        } catch (java.time.DateTimeException e) {
            return; // an impossible date from the guest is ignored, as a real RTC would misbehave silently
        }
        offsetSeconds = t.toEpochSecond(ZoneOffset.UTC) - clock.instant().getEpochSecond();
    }

    private boolean binary() {
        return (cmos[STATUS_B] & B_BINARY) != 0;
    }

    private int encode(int v) {
        return binary() ? v : ((v / 10) << 4) | (v % 10);
    }

    private int decode(int v) {
        return binary() ? v : ((v >> 4) & 0xF) * 10 + (v & 0xF);
    }

    private int encodeHour(int h) {
        if ((cmos[STATUS_B] & B_24H) != 0) {
            return encode(h);
        }
        int h12 = h % 12 == 0 ? 12 : h % 12;
        return encode(h12) | (h >= 12 ? 0x80 : 0);
    }

    private int decodeHour(int raw) {
        if ((cmos[STATUS_B] & B_24H) != 0) {
            return decode(raw);
        }
        int h12 = decode(raw & 0x7F) % 12;
        return (raw & 0x80) != 0 ? h12 + 12 : h12;
    }

    public synchronized CmosRtcState state() {
        return new CmosRtcState(index, cmos, offsetSeconds);
    }

    public synchronized void restore(CmosRtcState s) {
        byte[] c = s.cmos();
        System.arraycopy(c, 0, cmos, 0, Math.min(c.length, cmos.length));
        index = s.index() & 0x7F;
        offsetSeconds = s.offsetSeconds();
    }
}
