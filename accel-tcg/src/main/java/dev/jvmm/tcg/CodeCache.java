package dev.jvmm.tcg;

import dev.jvmm.devmodel.memory.GuestMemory;
import dev.jvmm.devmodel.memory.MemoryRegion;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Which guest RAM pages hold decoded code, shared by a VM's vCPUs. Each page has a generation
 * number; a write to a page marked as code (by a vCPU, a device's DMA or the VMM) bumps it, which
 * invalidates every block decoded from that page on every vCPU with one integer compare.
 */
final class CodeCache implements GuestMemory.WriteListener {
    private final long[] regionGpa;
    private final long[] regionEnd;
    private final int[] regionFirstPage;
    private final AtomicIntegerArray generation;
    private final AtomicLongArray isCode;

    CodeCache(GuestMemory memory) {
        List<MemoryRegion> rs = memory.regions();
        regionGpa = new long[rs.size()];
        regionEnd = new long[rs.size()];
        regionFirstPage = new int[rs.size()];
        long pages = 0;
        for (int i = 0; i < rs.size(); i++) {
            regionGpa[i] = rs.get(i).gpa();
            regionEnd[i] = rs.get(i).end();
            regionFirstPage[i] = (int) pages;
            pages += rs.get(i).pageCount();
        }
        generation = new AtomicIntegerArray((int) pages);
        isCode = new AtomicLongArray((int) ((pages + 63) / 64));
        memory.addWriteListener(this);
    }

    /** The page index of a guest-physical address in RAM, or -1 (MMIO, holes). */
    int page(long gpa) {
        for (int i = 0; i < regionGpa.length; i++) {
            if (gpa >= regionGpa[i] && gpa < regionEnd[i]) {
                return regionFirstPage[i] + (int) ((gpa - regionGpa[i]) >>> 12);
            }
        }
        return -1;
    }

    int generation(int page) {
        return generation.get(page);
    }

    /** Marks a page as holding decoded code; call before reading its generation for a new block. */
    void markCode(int page) {
        long bit = 1L << (page & 63);
        if ((isCode.get(page >>> 6) & bit) == 0) {
            isCode.getAndUpdate(page >>> 6, v -> v | bit);
        }
    }

    @Override
    public void written(long gpa, long len) {
        if (len <= 0) {
            return;
        }
        // The writer stored plain bytes just before this; order that store before reading the code
        // bits, or a vCPU marking the page concurrently could decode the old bytes unnoticed.
        java.lang.invoke.VarHandle.fullFence();
        int first = page(gpa);
        int last = page(gpa + len - 1);
        if (first < 0 || last < 0) {
            return;
        }
        for (int p = first; p <= last; p++) {
            long bit = 1L << (p & 63);
            if ((isCode.get(p >>> 6) & bit) != 0) {
                // Clear first, then bump: a block built after the bump sees the new generation.
                isCode.getAndUpdate(p >>> 6, v -> v & ~bit);
                generation.incrementAndGet(p);
            }
        }
    }
}
