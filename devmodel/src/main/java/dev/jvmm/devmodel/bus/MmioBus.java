package dev.jvmm.devmodel.bus;

import java.util.Arrays;

/**
 * The 64-bit physical address space outside RAM: ranges sorted by base, found by binary search
 * over an immutable snapshot (copy on register), so lookups take no lock.
 */
public final class MmioBus extends IoBus {
    private volatile Mapping[] sorted = new Mapping[0];

    @Override
    public synchronized void register(long base, long length, BusDevice device) {
        // Unsigned: a range may cross 2^63, and may end exactly at 2^64 (end wraps to 0), but not beyond.
        if (length <= 0 || (base + length != 0 && Long.compareUnsigned(base + length, base) < 0)) {
            throw new BusConflictException("mmio", base, length, "empty or wraps around");
        }
        Mapping m = new Mapping(base, length, device);
        for (Mapping o : sorted) {
            if (Long.compareUnsigned(base, o.end() - 1) <= 0 && Long.compareUnsigned(o.base(), base + length - 1) <= 0) {
                throw new BusConflictException("mmio", base, length,
                    String.format("overlaps 0x%x+0x%x", o.base(), o.length()));
            }
        }
        Mapping[] copy = Arrays.copyOf(sorted, sorted.length + 1);
        copy[copy.length - 1] = m;
        Arrays.sort(copy, (a, b) -> Long.compareUnsigned(a.base(), b.base()));
        sorted = copy;
    }

    @Override
    public synchronized boolean unregister(long base) {
        Mapping[] s = sorted;
        for (int i = 0; i < s.length; i++) {
            if (s[i].base() == base) {
                Mapping[] copy = new Mapping[s.length - 1];
                System.arraycopy(s, 0, copy, 0, i);
                System.arraycopy(s, i + 1, copy, i, s.length - i - 1);
                sorted = copy;
                return true;
            }
        }
        return false;
    }

    @Override
    public long read(long addr, int size) {
        Mapping m = lookup(addr, size);
        return m == null ? unclaimedRead(size) : m.device().read(addr - m.base(), size) & allOnes(size);
    }

    @Override
    public void write(long addr, int size, long value) {
        Mapping m = lookup(addr, size);
        if (m == null) {
            unclaimedWrite();
        } else {
            m.device().write(addr - m.base(), size, value & allOnes(size));
        }
    }

    private Mapping lookup(long addr, int size) {
        if (!validSize(size)) {
            return null;
        }
        Mapping[] s = sorted;
        int lo = 0, hi = s.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Mapping m = s[mid];
            if (Long.compareUnsigned(addr, m.base()) < 0) {
                hi = mid - 1;
            } else if (Long.compareUnsigned(addr - m.base(), m.length()) >= 0) {
                lo = mid + 1;
            } else {
                return m;
            }
        }
        return null;
    }
}
