package dev.jvmm.devmodel.devices.acpi;

import dev.jvmm.devmodel.accel.VmLifecycle;
import dev.jvmm.devmodel.accel.VmStop;
import dev.jvmm.devmodel.bus.BusDevice;
import java.util.function.LongSupplier;

/**
 * The ACPI PM1a event and control blocks and the PM timer, at the addresses QEMU's q35 uses
 * (base 0x600: PM1a_EVT 0x600, PM1a_CNT 0x604, PM_TMR 0x608). Setting SLP_EN with sleep type
 * 0 (S5 in jvmm's tables) powers the VM off; other sleep states are not supported and ignored.
 */
public final class AcpiPm implements BusDevice {
    public static final int BASE = 0x600;
    public static final int RANGE = 0x0C;
    public static final long PM_TIMER_HZ = 3_579_545L;

    static final int PM1_STS = 0x0, PM1_EN = 0x2, PM1_CNT = 0x4, PM_TMR = 0x8;
    static final int CNT_SCI_EN = 0x1, CNT_SLP_EN = 1 << 13, CNT_SLP_TYP_SHIFT = 10;
    public static final int SLP_TYP_S5 = 0;

    private final VmLifecycle lifecycle;
    private final LongSupplier nanoTime;
    private final long startNanos;
    private int status, enable, control;

    public AcpiPm(VmLifecycle lifecycle, LongSupplier nanoTime) {
        this.lifecycle = lifecycle;
        this.nanoTime = nanoTime;
        this.startNanos = nanoTime.getAsLong();
    }

    @Override
    public synchronized long read(long offset, int size) {
        if (offset < 0 || offset >= RANGE) {
            return -1L;
        }
        long v = 0;
        for (int i = size - 1; i >= 0; i--) {
            v = (v << 8) | readByte(offset + i);
        }
        return v;
    }

    private long readByte(long off) {
        if (off >= PM_TMR && off < PM_TMR + 4) {
            return (timer() >>> (8 * (off - PM_TMR))) & 0xFF;
        }
        int reg = switch ((int) (off & ~1L)) {
            case PM1_STS -> status;
            case PM1_EN -> enable;
            case PM1_CNT -> control;
            default -> 0xFFFF;
        };
        return (reg >>> (8 * (off & 1))) & 0xFF;
    }

    @Override
    public synchronized void write(long offset, int size, long value) {
        if (offset < 0 || offset >= PM_TMR) {
            return; // the PM timer is read-only
        }
        // Split the access into its 16-bit registers so byte, word and dword writes all merge alike.
        long end = Math.min(offset + size, PM_TMR);
        for (long off = offset; off < end; ) {
            int shift = (int) (off & 1) * 8;
            int bytes = (int) Math.min(2 - (off & 1), end - off);
            int m = ((1 << (bytes * 8)) - 1) << shift;
            int piece = (int) ((value >>> ((off - offset) * 8)) << shift) & m;
            writeRegister((int) (off & ~1L), m, piece);
            off += bytes;
        }
    }

    private void writeRegister(int reg, int m, int piece) {
        switch (reg) {
            case PM1_STS -> status &= ~piece; // write one to clear
            case PM1_EN -> enable = (enable & ~m) | piece;
            case PM1_CNT -> {
                int v = (control & ~m) | piece;
                control = v & ~CNT_SLP_EN; // SLP_EN reads as zero
                if ((v & CNT_SLP_EN) != 0 && ((v >> CNT_SLP_TYP_SHIFT) & 7) == SLP_TYP_S5) {
                    lifecycle.requestStop(new VmStop.PowerOff());
                }
            }
            default -> { }
        }
    }

    /** The 24-bit PM timer: counts at 3.579545 MHz since the device was created. */
    private long timer() {
        long ns = nanoTime.getAsLong() - startNanos;
        // Split at whole seconds so ns * Hz cannot overflow however long the VM runs.
        long ticks = ns / 1_000_000_000L * PM_TIMER_HZ + ns % 1_000_000_000L * PM_TIMER_HZ / 1_000_000_000L;
        return ticks & 0xFF_FFFF;
    }

    public synchronized AcpiPmState state() {
        return new AcpiPmState(status, enable, control);
    }

    public synchronized void restore(AcpiPmState s) {
        status = s.pm1Status() & 0xFFFF;
        enable = s.pm1Enable() & 0xFFFF;
        control = s.pm1Control() & 0xFFFF & ~CNT_SLP_EN;
    }
}
