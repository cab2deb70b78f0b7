package dev.jvmm.devmodel.memory;

import dev.jvmm.ffi.Native;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import sun.misc.Unsafe;

/**
 * The guest's RAM: non-overlapping regions by guest-physical address. Every access is
 * bounds-checked against RAM, so a guest-supplied address can never reach other host memory;
 * every write marks the pages dirty for migration.
 */
public final class GuestMemory implements AutoCloseable {
    /** Guest RAM stops below this address and resumes at 4 GiB: the PCI hole of a PC. */
    public static final long PCI_HOLE_START = 0xC000_0000L;
    public static final long FOUR_GIB = 1L << 32;

    private static final Unsafe U = Native.UNSAFE;
    private static final long BYTE_BASE = U.arrayBaseOffset(byte[].class);

    private final MemoryRegion[] regions;
    /** Told of every write that goes through this object (VMM and DMA writes, and the TCG's). */
    private volatile WriteListener[] writeListeners = new WriteListener[0];

    /** Observes writes to guest RAM, e.g. so a software CPU can drop code it translated from it. */
    @FunctionalInterface
    public interface WriteListener {
        void written(long gpa, long len);
    }

    public synchronized void addWriteListener(WriteListener l) {
        WriteListener[] a = java.util.Arrays.copyOf(writeListeners, writeListeners.length + 1);
        a[a.length - 1] = l;
        writeListeners = a;
    }

    private void notifyWrite(long gpa, long len) {
        for (WriteListener l : writeListeners) {
            l.written(gpa, len);
        }
    }
    private final long totalSize;

    private GuestMemory(List<MemoryRegion> regions) {
        this.regions = regions.toArray(new MemoryRegion[0]);
        long t = 0;
        for (MemoryRegion r : this.regions) {
            t += r.size();
        }
        this.totalSize = t;
    }

    /** RAM of {@code size} bytes laid out as on a PC: below the PCI hole, the rest above 4 GiB. */
    public static GuestMemory pcLayout(long size) {
        if (size < (1 << 20) || (size & (MemoryRegion.PAGE_SIZE - 1)) != 0) {
            throw new IllegalArgumentException("guest memory must be at least 1 MiB and a multiple of 4 KiB: " + size);
        }
        List<MemoryRegion> rs = new ArrayList<>();
        try {
            long low = Math.min(size, PCI_HOLE_START);
            rs.add(new MemoryRegion(0, 0, low));
            if (size > low) {
                rs.add(new MemoryRegion(1, FOUR_GIB, size - low));
            }
        } catch (RuntimeException e) {
            rs.forEach(MemoryRegion::close);
            throw e;
        }
        return new GuestMemory(rs);
    }

    /** Regions at the given (gpa, size) pairs, for tests and restored layouts. */
    public static GuestMemory of(long... gpaAndSize) {
        List<MemoryRegion> rs = new ArrayList<>();
        try {
            for (int i = 0; i + 1 < gpaAndSize.length; i += 2) {
                rs.add(new MemoryRegion(i / 2, gpaAndSize[i], gpaAndSize[i + 1]));
            }
        } catch (RuntimeException e) {
            rs.forEach(MemoryRegion::close); // a bad later region must not leak the earlier mappings
            throw e;
        }
        rs.sort(Comparator.comparingLong(MemoryRegion::gpa));
        for (int i = 1; i < rs.size(); i++) {
            if (rs.get(i).gpa() < rs.get(i - 1).end()) {
                rs.forEach(MemoryRegion::close);
                throw new IllegalArgumentException("overlapping memory regions");
            }
        }
        return new GuestMemory(rs);
    }

    public List<MemoryRegion> regions() {
        return List.of(regions);
    }

    public long totalSize() {
        return totalSize;
    }

    /** The region holding all of [gpa, gpa+len), or null. */
    public MemoryRegion regionFor(long gpa, long len) {
        for (MemoryRegion r : regions) {
            if (r.contains(gpa, len)) {
                return r;
            }
        }
        return null;
    }

    public boolean isRam(long gpa, long len) {
        return regionFor(gpa, len) != null;
    }

    /**
     * Host address of [gpa, gpa+len) for direct access (DMA, the TCG), after checking that the
     * whole range is RAM. Writers through the returned address must call {@link #markDirty}.
     */
    public long hostAddress(long gpa, long len) {
        MemoryRegion r = regionFor(gpa, len);
        if (r == null) {
            throw new GuestMemoryException(gpa, len);
        }
        return r.hostAddress() + (gpa - r.gpa());
    }

    public void markDirty(long gpa, long len) {
        MemoryRegion r = regionFor(gpa, len);
        if (r != null) {
            r.markDirty(gpa, len);
            notifyWrite(gpa, len);
        }
    }

    private long writable(long gpa, long len) {
        MemoryRegion r = regionFor(gpa, len);
        if (r == null) {
            throw new GuestMemoryException(gpa, len);
        }
        r.markDirty(gpa, len);
        notifyWrite(gpa, len);
        return r.hostAddress() + (gpa - r.gpa());
    }

    public byte readByte(long gpa) { return U.getByte(hostAddress(gpa, 1)); }
    public short readShort(long gpa) { return U.getShort(hostAddress(gpa, 2)); }
    public int readInt(long gpa) { return U.getInt(hostAddress(gpa, 4)); }
    public long readLong(long gpa) { return U.getLong(hostAddress(gpa, 8)); }

    public void writeByte(long gpa, int v) { U.putByte(writable(gpa, 1), (byte) v); }
    public void writeShort(long gpa, int v) { U.putShort(writable(gpa, 2), (short) v); }
    public void writeInt(long gpa, int v) { U.putInt(writable(gpa, 4), v); }
    public void writeLong(long gpa, long v) { U.putLong(writable(gpa, 8), v); }

    public void read(long gpa, byte[] dst, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, dst.length);
        U.copyMemory(null, hostAddress(gpa, len), dst, BYTE_BASE + off, len);
    }

    public byte[] read(long gpa, int len) {
        if (len < 0) {
            throw new GuestMemoryException(gpa, len);
        }
        byte[] b = new byte[len];
        read(gpa, b, 0, len);
        return b;
    }

    public void write(long gpa, byte[] src, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, src.length);
        U.copyMemory(src, BYTE_BASE + off, null, writable(gpa, len), len);
    }

    public void write(long gpa, byte[] src) {
        write(gpa, src, 0, src.length);
    }

    public void fill(long gpa, long len, byte value) {
        U.setMemory(writable(gpa, len), len, value);
    }

    @Override
    public void close() {
        for (MemoryRegion r : regions) {
            r.close();
        }
    }
}
