package dev.jvmm.devmodel.bus;

/** The 64 KiB x86 port space: a direct table lookup per access, with no allocation. */
public final class PortIoBus extends IoBus {
    public static final int PORTS = 0x10000;
    private volatile Mapping[] table = new Mapping[PORTS];

    @Override
    public synchronized void register(long base, long length, BusDevice device) {
        if (length <= 0 || base < 0 || base >= PORTS || length > PORTS - base) {
            throw new BusConflictException("port", base, length, "outside the 64 KiB port space");
        }
        Mapping[] t = table;
        for (long p = base; p < base + length; p++) {
            if (t[(int) p] != null) {
                throw new BusConflictException("port", base, length,
                    String.format("overlaps 0x%x+0x%x", t[(int) p].base(), t[(int) p].length()));
            }
        }
        Mapping[] copy = t.clone();
        Mapping m = new Mapping(base, length, device);
        for (long p = base; p < base + length; p++) {
            copy[(int) p] = m;
        }
        table = copy;
    }

    @Override
    public synchronized boolean unregister(long base) {
        if (base < 0 || base >= PORTS || table[(int) base] == null || table[(int) base].base() != base) {
            return false;
        }
        Mapping m = table[(int) base];
        Mapping[] copy = table.clone();
        for (long p = m.base(); p < m.end(); p++) {
            copy[(int) p] = null;
        }
        table = copy;
        return true;
    }

    @Override
    public long read(long port, int size) {
        Mapping m = lookup(port, size);
        return m == null ? unclaimedRead(size) : m.device().read(port - m.base(), size) & allOnes(size);
    }

    @Override
    public void write(long port, int size, long value) {
        Mapping m = lookup(port, size);
        if (m == null) {
            unclaimedWrite();
        } else {
            m.device().write(port - m.base(), size, value & allOnes(size));
        }
    }

    private Mapping lookup(long port, int size) {
        if (port < 0 || port >= PORTS || !validSize(size)) {
            return null;
        }
        return table[(int) port];
    }
}
