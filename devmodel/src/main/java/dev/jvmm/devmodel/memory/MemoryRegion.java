package dev.jvmm.devmodel.memory;

import dev.jvmm.ffi.LibC;
import dev.jvmm.ffi.Native;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One contiguous range of guest RAM backed by an anonymous host mapping that this object owns.
 * Keeps a bitmap of the 4 KiB pages the VMM itself wrote (device DMA, loaders, the TCG): KVM's
 * dirty log only sees writes made by the guest through the hardware.
 */
public final class MemoryRegion implements AutoCloseable {
    public static final int PAGE_SHIFT = 12;
    public static final long PAGE_SIZE = 1L << PAGE_SHIFT;

    private final int slot;
    private final long gpa;
    private final long size;
    private final AtomicLongArray vmmDirty;
    private long hostAddress;

    MemoryRegion(int slot, long gpa, long size) {
        if (size <= 0 || (size & (PAGE_SIZE - 1)) != 0 || (gpa & (PAGE_SIZE - 1)) != 0) {
            throw new IllegalArgumentException(String.format("region 0x%x+0x%x is not page aligned", gpa, size));
        }
        this.slot = slot;
        this.gpa = gpa;
        this.size = size;
        long pages = size >>> PAGE_SHIFT;
        this.vmmDirty = new AtomicLongArray((int) ((pages + 63) >>> 6));
        long addr = Native.libc().mmap(null, size, LibC.PROT_READ | LibC.PROT_WRITE,
            LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS | LibC.MAP_NORESERVE, -1, 0);
        if (addr == LibC.MAP_FAILED) {
            throw Native.failure(String.format("mmap(%d MiB of guest RAM)", size >> 20));
        }
        // Best effort: transparent huge pages cut TLB misses for KVM and the TCG alike.
        Native.libc().madvise(addr, size, LibC.MADV_HUGEPAGE);
        this.hostAddress = addr;
    }

    public int slot() {
        return slot;
    }

    public long gpa() {
        return gpa;
    }

    public long size() {
        return size;
    }

    public long end() {
        return gpa + size;
    }

    /** Host virtual address of the region's first byte (for KVM memory slots and the TCG). */
    public long hostAddress() {
        if (hostAddress == 0) {
            throw new IllegalStateException("region unmapped");
        }
        return hostAddress;
    }

    public boolean contains(long addr, long len) {
        return len >= 0 && addr >= gpa && addr - gpa <= size - len;
    }

    /** Marks the pages of [addr, addr+len) as written by the VMM; addr is guest-physical. */
    void markDirty(long addr, long len) {
        if (len <= 0) {
            return;
        }
        long first = (addr - gpa) >>> PAGE_SHIFT;
        long last = (addr - gpa + len - 1) >>> PAGE_SHIFT;
        for (long p = first; p <= last; p++) {
            int word = (int) (p >>> 6);
            long bit = 1L << (p & 63);
            long old = vmmDirty.get(word);
            if ((old & bit) == 0) {
                vmmDirty.getAndUpdate(word, v -> v | bit);
            }
        }
    }

    /**
     * Returns the pages the VMM wrote since the previous call, one bit per page, and clears them.
     */
    public long[] fetchAndClearVmmDirty() {
        long[] out = new long[vmmDirty.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = vmmDirty.getAndSet(i, 0);
        }
        return out;
    }

    public long pageCount() {
        return size >>> PAGE_SHIFT;
    }

    @Override
    public synchronized void close() {
        if (hostAddress != 0) {
            Native.libc().munmap(hostAddress, size);
            hostAddress = 0;
        }
    }
}
