package dev.jvmm.devmodel.bus;

import java.util.concurrent.atomic.LongAdder;

/**
 * An address space of non-overlapping ranges, each owned by a device. Reads of unclaimed
 * addresses return all ones; writes to them are counted and dropped, as on real hardware.
 * Accesses of a size other than 1, 2, 4 or 8 are treated as unclaimed.
 */
public abstract sealed class IoBus permits PortIoBus, MmioBus {
    private final LongAdder unclaimedReads = new LongAdder();
    private final LongAdder unclaimedWrites = new LongAdder();

    /** Attaches {@code device} at [base, base+length); throws {@link BusConflictException} on overlap. */
    public abstract void register(long base, long length, BusDevice device);

    /** Detaches whatever is registered at exactly {@code base}; returns whether there was one. */
    public abstract boolean unregister(long base);

    public abstract long read(long addr, int size);

    public abstract void write(long addr, int size, long value);

    public final long unclaimedReads() {
        return unclaimedReads.sum();
    }

    public final long unclaimedWrites() {
        return unclaimedWrites.sum();
    }

    protected final long unclaimedRead(int size) {
        unclaimedReads.increment();
        return allOnes(size);
    }

    protected final void unclaimedWrite() {
        unclaimedWrites.increment();
    }

    protected static boolean validSize(int size) {
        return size == 1 || size == 2 || size == 4 || size == 8;
    }

    /** All ones in the low {@code size} bytes (the value a floating bus returns). */
    public static long allOnes(int size) {
        return size >= 8 ? -1L : (1L << (size * 8)) - 1;
    }

    /** Immutable (base, device) pair: a lookup reads one reference, so it never sees a torn pair. */
    protected record Mapping(long base, long length, BusDevice device) {
        long end() {
            return base + length;
        }
    }
}
