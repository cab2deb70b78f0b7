package dev.jvmm.devmodel.irqchip.pit;

import dev.jvmm.devmodel.bus.BusDevice;
import dev.jvmm.devmodel.bus.PortIoBus;
import dev.jvmm.devmodel.irq.IrqLine;
import dev.jvmm.devmodel.irqchip.Cancellable;
import dev.jvmm.devmodel.irqchip.TimerScheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The 8254 programmable interval timer at ports 0x40-0x43 (counters 0-2 and the control word),
 * clocked at 1.193182 MHz, plus the two bits of port 0x61 that belong to it: bit 0 (counter 2's
 * gate, writable) and bit 5 (counter 2's output, read-only).
 *
 * <p>Counters do not tick: a count or output is computed from the time elapsed since the count
 * was loaded, read from the scheduler's clock. Counter 0's output drives IRQ 0 through timer
 * events, one per expiry: a one-shot (modes 0, 1, 4, 5) schedules one event; a rate or square
 * wave (modes 2, 3) schedules the next period's event when the current one fires. Reprogramming
 * cancels the pending event. Periods shorter than {@link #MIN_PERIOD_NANOS} (a reload below 60)
 * fire every {@code MIN_PERIOD_NANOS} instead, so a guest cannot make the host take millions of
 * timer events a second; the count a guest reads still follows the true rate. Periods missed
 * while the host was late are coalesced into one interrupt.
 *
 * <p>The IRQ line's model: modes 0 and 1 lower it when counting starts and raise it at terminal
 * count (it stays high, like OUT); modes 2-5 rest low and pulse it (raise, lower) at each
 * terminal count, the rising edge an edge-triggered PIC or IOAPIC input latches. The square wave
 * of mode 3 is visible only in reads (read-back status, port 0x61 bit 5).
 *
 * <p>Implemented: modes 0-5, binary and BCD counting, low/high/low-then-high access, the counter
 * latch command, the read-back command (count and/or status of any counters), status bytes with
 * OUT and NULL COUNT, gate 2 (levels for modes 0, 2, 3, 4; rising edges for 1, 5). Counters 0
 * and 1 have their gates tied high, as on a PC. Simplifications: a new count written in modes 2
 * and 3 takes effect at once rather than at the next reload; the one-clock load delay after a
 * count write is not modelled; in mode 3 with an odd count the count read is approximate.
 */
public final class Pit8254 implements BusDevice {
    public static final int BASE = 0x40;
    public static final int PORTS = 4;
    public static final int PORT_61 = 0x61;
    public static final int CHANNELS = 3;
    public static final long FREQUENCY_HZ = 1_193_182;
    /** The shortest interval between two timer events of a periodic counter. */
    public static final long MIN_PERIOD_NANOS = 50_000;
    /** Port 0x61 bit 4 toggles every 15.085 microseconds, as the DRAM refresh request did. */
    static final long REFRESH_TOGGLE_NANOS = 15_085;
    static final int CONTROL = 3;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final TimerScheduler timers;
    private final IrqLine irq0;
    private final Channel[] channels = new Channel[CHANNELS];
    private final BusDevice port61Device = new Port61();
    private int port61;

    public Pit8254(TimerScheduler timers, IrqLine irq0) {
        this.timers = Objects.requireNonNull(timers);
        this.irq0 = Objects.requireNonNull(irq0);
        for (int i = 0; i < CHANNELS; i++) {
            channels[i] = new Channel(i);
        }
        channels[2].gate = false; // port 0x61 bit 0 resets to 0
    }

    /** Port 0x61 (bit 0 gate 2, bit 1 speaker enable, bits 2-3 stored, bit 4 refresh, bit 5 OUT2). */
    public BusDevice port61() {
        return port61Device;
    }

    /** Registers the counters at 0x40-0x43 and port 0x61. */
    public void registerOn(PortIoBus pio) {
        pio.register(BASE, PORTS, this);
        pio.register(PORT_61, 1, port61Device);
    }

    /** Counter {@code channel}'s OUT pin now (0-2). */
    public synchronized boolean output(int channel) {
        return channels[Objects.checkIndex(channel, CHANNELS)].out(timers.nanoTime());
    }

    @Override
    public synchronized long read(long offset, int size) {
        if (size != 1 || offset < 0 || offset >= CONTROL) {
            return 0xFF; // the control word register cannot be read
        }
        return channels[(int) offset].readByte(timers.nanoTime());
    }

    @Override
    public synchronized void write(long offset, int size, long value) {
        if (size != 1 || offset < 0 || offset >= PORTS) {
            return;
        }
        int v = (int) (value & 0xFF);
        long now = timers.nanoTime();
        if (offset < CONTROL) {
            channels[(int) offset].writeByte(v, now);
        } else if ((v >> 6) == 3) {
            readBack(v, now);
        } else {
            channels[v >> 6].control(v, now);
        }
    }

    private void readBack(int v, long now) {
        for (int i = 0; i < CHANNELS; i++) {
            if ((v & (2 << i)) == 0) {
                continue;
            }
            if ((v & 0x20) == 0) {
                channels[i].latchCount(now);
            }
            if ((v & 0x10) == 0) {
                channels[i].latchStatus(now);
            }
        }
    }

    public synchronized Pit8254State state() {
        long now = timers.nanoTime();
        List<PitChannelState> list = new ArrayList<>(CHANNELS);
        for (Channel c : channels) {
            list.add(c.state(now));
        }
        return new Pit8254State(list, port61);
    }

    public synchronized void restore(Pit8254State s) {
        long now = timers.nanoTime();
        port61 = s.port61() & 0x0F;
        for (int i = 0; i < CHANNELS; i++) {
            channels[i].restore(s.channels().get(i), now);
        }
    }

    // ---- time arithmetic, exact and overflow-free for any elapsed time ----

    /** Input clocks in {@code nanos} (floor). */
    static long ticksIn(long nanos) {
        if (nanos <= 0) {
            return 0;
        }
        return nanos / NANOS_PER_SECOND * FREQUENCY_HZ + nanos % NANOS_PER_SECOND * FREQUENCY_HZ / NANOS_PER_SECOND;
    }

    /** The nanoseconds until {@code ticks} input clocks have passed (ceiling), saturating. */
    static long nanosFor(long ticks) {
        if (ticks <= 0) {
            return 0;
        }
        long whole = ticks / FREQUENCY_HZ;
        if (whole > Long.MAX_VALUE / 4 / NANOS_PER_SECOND) {
            return Long.MAX_VALUE / 4;
        }
        long rest = ticks % FREQUENCY_HZ * NANOS_PER_SECOND;
        return whole * NANOS_PER_SECOND + (rest + FREQUENCY_HZ - 1) / FREQUENCY_HZ;
    }

    static long saturatingAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? (b > 0 ? Long.MAX_VALUE : Long.MIN_VALUE) : r;
    }

    static int toBcd(long v) {
        int x = (int) (v % 10000);
        return (x / 1000) << 12 | (x / 100 % 10) << 8 | (x / 10 % 10) << 4 | x % 10;
    }

    static int fromBcd(int v) {
        return ((v >> 12) & 0xF) * 1000 + ((v >> 8) & 0xF) * 100 + ((v >> 4) & 0xF) * 10 + (v & 0xF);
    }

    private final class Channel {
        final int index;
        int mode;
        int access = 3;
        boolean bcd;
        int reload;
        boolean gate = true;
        boolean countWritten;
        /** Advancing: ticks = baseTicks + clocks since startNanos; otherwise frozen at baseTicks. */
        boolean counting;
        long baseTicks;
        long startNanos;
        boolean nullCount = true;
        boolean writeHigh;
        int pendingLow;
        boolean readHigh;
        int latchedCount;
        int latchState;
        int latchedStatus = -1;
        boolean irqLevel;
        long generation;
        long periodIndex;
        Cancellable event = Cancellable.NONE;

        Channel(int index) {
            this.index = index;
        }

        long modulus() {
            return bcd ? 10_000 : 65_536;
        }

        /** The reload value as a count of clocks, 1..modulus. */
        long n() {
            long m = modulus();
            long v = (bcd ? fromBcd(reload) : reload) % m;
            return v == 0 ? m : v;
        }

        long ticks(long now) {
            return counting ? baseTicks + ticksIn(now - startNanos) : baseTicks;
        }

        long count(long now) {
            long n = n();
            long t = ticks(now);
            long c;
            switch (mode) {
                case 2 -> c = counting ? n - t % n : n;
                case 3 -> {
                    if (!counting || n < 2) {
                        c = n;
                    } else {
                        long p = t % n;
                        long half = (n + 1) / 2;
                        c = Math.max(2, (n & ~1L) - 2 * (p < half ? p : p - half));
                    }
                }
                default -> c = n - t;
            }
            c = Math.floorMod(c, modulus());
            return bcd ? toBcd(c) : c;
        }

        boolean out(long now) {
            long n = n();
            long t = ticks(now);
            return switch (mode) {
                case 0 -> countWritten && t >= n;
                case 1 -> !counting || t >= n;
                case 2 -> !counting || n == 1 || t % n != n - 1;
                case 3 -> !counting || t % n < (n + 1) / 2;
                case 4 -> !countWritten || t != n;
                default -> !counting || t != n;
            };
        }

        int status(long now) {
            return (out(now) ? 0x80 : 0) | (nullCount ? 0x40 : 0) | access << 4 | mode << 1 | (bcd ? 1 : 0);
        }

        void latchCount(long now) {
            if (latchState != 0) {
                return; // a second latch before the first is read is ignored
            }
            latchedCount = (int) count(now);
            latchState = access == 1 ? 1 : access == 2 ? 2 : 3;
        }

        void latchStatus(long now) {
            if (latchedStatus < 0) {
                latchedStatus = status(now);
            }
        }

        int readByte(long now) {
            if (latchedStatus >= 0) {
                int s = latchedStatus;
                latchedStatus = -1;
                return s;
            }
            switch (latchState) {
                case 1 -> {
                    latchState = 0;
                    return latchedCount & 0xFF;
                }
                case 2 -> {
                    latchState = 0;
                    return (latchedCount >> 8) & 0xFF;
                }
                case 3 -> {
                    latchState = 4;
                    return latchedCount & 0xFF;
                }
                case 4 -> {
                    latchState = 0;
                    return (latchedCount >> 8) & 0xFF;
                }
                default -> { }
            }
            int c = (int) count(now);
            boolean high = access == 2 || access == 3 && readHigh;
            if (access == 3) {
                readHigh = !readHigh;
            }
            return (high ? c >> 8 : c) & 0xFF;
        }

        void control(int v, long now) {
            int rw = (v >> 4) & 3;
            if (rw == 0) {
                latchCount(now);
                return;
            }
            int m = (v >> 1) & 7;
            mode = m > 5 ? m - 4 : m;
            access = rw;
            bcd = (v & 1) != 0;
            countWritten = false;
            counting = false;
            baseTicks = 0;
            nullCount = true;
            writeHigh = false;
            readHigh = false;
            latchState = 0;
            latchedStatus = -1;
            setIrq(false);
            arm(now);
        }

        void writeByte(int v, long now) {
            switch (access) {
                case 1 -> {
                    reload = v;
                    load(now);
                }
                case 2 -> {
                    reload = v << 8;
                    load(now);
                }
                default -> {
                    if (!writeHigh) {
                        pendingLow = v;
                        writeHigh = true;
                        if (mode == 0) { // the first byte stops counting and sets OUT low
                            baseTicks = 0;
                            counting = false;
                            countWritten = false;
                            setIrq(false);
                            arm(now);
                        }
                    } else {
                        reload = pendingLow | v << 8;
                        writeHigh = false;
                        load(now);
                    }
                }
            }
        }

        private void load(long now) {
            countWritten = true;
            switch (mode) {
                case 1, 5 -> { } // loaded at the next gate trigger
                default -> {
                    nullCount = false;
                    baseTicks = 0;
                    startNanos = now;
                    counting = gate;
                    if (mode == 0) {
                        setIrq(false);
                    }
                }
            }
            arm(now);
        }

        void setGate(boolean level, long now) {
            if (gate == level) {
                return;
            }
            gate = level;
            switch (mode) {
                case 0, 4 -> {
                    if (countWritten && !level) {
                        baseTicks = ticks(now);
                        counting = false;
                    } else if (countWritten) {
                        startNanos = now;
                        counting = true;
                    }
                }
                case 2, 3 -> {
                    if (!level) {
                        counting = false;
                        baseTicks = 0;
                    } else if (countWritten) {
                        baseTicks = 0;
                        startNanos = now;
                        counting = true;
                    }
                }
                default -> { // 1, 5: a rising edge (re)triggers
                    if (level && countWritten) {
                        nullCount = false;
                        baseTicks = 0;
                        startNanos = now;
                        counting = true;
                        if (mode == 1) {
                            setIrq(false);
                        }
                    }
                }
            }
            arm(now);
        }

        private void setIrq(boolean level) {
            if (index == 0 && irqLevel != level) {
                irqLevel = level;
                irq0.set(level);
            }
        }

        private void pulse() {
            if (index == 0) {
                irq0.set(true);
                irq0.set(false);
                irqLevel = false;
            }
        }

        /** Cancels the pending event and schedules the next one (counter 0 only). */
        void arm(long now) {
            event.cancel();
            event = Cancellable.NONE;
            long gen = ++generation;
            if (index != 0 || !counting) {
                return;
            }
            long n = n();
            switch (mode) {
                case 0, 1, 4, 5 -> {
                    if (baseTicks < n) {
                        boolean strobe = mode >= 4;
                        schedule(saturatingAdd(startNanos, nanosFor(n - baseTicks)), () -> terminalCount(gen, strobe));
                    }
                }
                default -> {
                    periodIndex = baseTicks / n + 1;
                    schedulePeriod(gen);
                }
            }
        }

        private boolean clamped() {
            return nanosFor(n()) < MIN_PERIOD_NANOS;
        }

        private void schedulePeriod(long gen) {
            long deadline = clamped()
                ? saturatingAdd(startNanos, periodIndex > Long.MAX_VALUE / MIN_PERIOD_NANOS
                    ? Long.MAX_VALUE / 4 : periodIndex * MIN_PERIOD_NANOS)
                : saturatingAdd(startNanos, nanosFor(periodIndex > Long.MAX_VALUE / 65_536 ? Long.MAX_VALUE / 4
                    : periodIndex * n() - baseTicks));
            schedule(deadline, () -> period(gen));
        }

        private void schedule(long deadline, Runnable action) {
            if (deadline == Long.MAX_VALUE) {
                return; // never
            }
            event = timers.schedule(deadline, action);
        }

        private void terminalCount(long gen, boolean strobe) {
            synchronized (Pit8254.this) {
                if (gen != generation) {
                    return;
                }
                event = Cancellable.NONE;
                if (strobe) {
                    pulse();
                } else {
                    setIrq(true);
                }
            }
        }

        private void period(long gen) {
            synchronized (Pit8254.this) {
                if (gen != generation) {
                    return;
                }
                pulse();
                long now = timers.nanoTime();
                long next = periodIndex + 1;
                long due = clamped()
                    ? Math.max(0, now - startNanos) / MIN_PERIOD_NANOS + 1
                    : ticks(now) / n() + 1;
                periodIndex = Math.max(next, due); // missed periods are coalesced
                schedulePeriod(gen);
            }
        }

        /** Ticks reduced so that count and OUT are unchanged but the value stays small. */
        private long reducedTicks(long t) {
            long n = n();
            if (mode == 2 || mode == 3) {
                return t % n;
            }
            long m = modulus();
            return t > n ? n + 1 + Math.floorMod(t - n - 1, m) : t;
        }

        PitChannelState state(long now) {
            return new PitChannelState(mode, access, bcd, reload, gate, countWritten, counting,
                reducedTicks(ticks(now)), nullCount, writeHigh, pendingLow, readHigh, latchedCount, latchState,
                latchedStatus, irqLevel);
        }

        void restore(PitChannelState s, long now) {
            mode = s.mode() >= 0 && s.mode() <= 5 ? s.mode() : 0;
            access = s.accessMode() >= 1 && s.accessMode() <= 3 ? s.accessMode() : 3;
            bcd = s.bcd();
            reload = s.reload() & 0xFFFF;
            gate = index != 2 || s.gate();
            countWritten = s.countWritten();
            counting = s.counting();
            baseTicks = reducedTicks(Math.max(0, s.ticks()));
            startNanos = now;
            nullCount = s.nullCount();
            writeHigh = s.writeHigh();
            pendingLow = s.pendingLow() & 0xFF;
            readHigh = s.readHigh();
            latchedCount = s.latchedCount() & 0xFFFF;
            latchState = s.latchState() >= 0 && s.latchState() <= 4 ? s.latchState() : 0;
            latchedStatus = s.latchedStatus() < 0 ? -1 : s.latchedStatus() & 0xFF;
            setIrq(s.irqLevel());
            arm(now);
        }
    }

    private final class Port61 implements BusDevice {
        @Override
        public long read(long offset, int size) {
            if (size != 1 || offset != 0) {
                return 0xFF;
            }
            synchronized (Pit8254.this) {
                long now = timers.nanoTime();
                int refresh = (int) (Math.floorDiv(now, REFRESH_TOGGLE_NANOS) & 1) << 4;
                return (port61 & 0x0F) | refresh | (channels[2].out(now) ? 0x20 : 0);
            }
        }

        @Override
        public void write(long offset, int size, long value) {
            if (size != 1 || offset != 0) {
                return;
            }
            synchronized (Pit8254.this) {
                port61 = (int) (value & 0x0F);
                channels[2].setGate((value & 1) != 0, timers.nanoTime());
            }
        }
    }
}
