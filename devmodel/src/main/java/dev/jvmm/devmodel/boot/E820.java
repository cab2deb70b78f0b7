package dev.jvmm.devmodel.boot;

import dev.jvmm.devmodel.memory.GuestMemory;
import dev.jvmm.devmodel.memory.MemoryRegion;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The firmware memory map a PC would report for the guest's RAM: usable RAM except the
 * extended BIOS data area and the legacy hole below 1 MiB, which are reported (or left out) as
 * on real hardware. Both the Linux zero page and the Multiboot memory map are built from it.
 */
public final class E820 {
    public static final int TYPE_RAM = 1;
    public static final int TYPE_RESERVED = 2;

    /** Start of the extended BIOS data area: usable low memory is [0, EBDA) = 639 KiB. */
    public static final long EBDA = 0x9FC00;
    public static final long VGA_HOLE = 0xA0000;
    public static final long BIOS_ROM = 0xF0000;

    public record Entry(long addr, long size, int type) {
        public long end() {
            return addr + size;
        }
    }

    private E820() {}

    /** The map for {@code memory}, sorted by address, adjacent entries of one type merged. */
    public static List<Entry> of(GuestMemory memory) {
        List<Entry> raw = new ArrayList<>();
        for (MemoryRegion r : memory.regions()) {
            long start = r.gpa();
            long end = r.end();
            // Usable RAM is the region minus [EBDA, 1 MiB).
            if (start < EBDA) {
                raw.add(new Entry(start, Math.min(end, EBDA) - start, TYPE_RAM));
            }
            long from = Math.max(start, BootLayout.ONE_MIB);
            if (end > from) {
                raw.add(new Entry(from, end - from, TYPE_RAM));
            }
        }
        raw.add(new Entry(EBDA, VGA_HOLE - EBDA, TYPE_RESERVED));
        raw.add(new Entry(BIOS_ROM, BootLayout.ONE_MIB - BIOS_ROM, TYPE_RESERVED));
        raw.sort(Comparator.comparingLong(Entry::addr));
        List<Entry> out = new ArrayList<>();
        for (Entry e : raw) {
            if (!out.isEmpty()) {
                Entry last = out.get(out.size() - 1);
                if (last.type() == e.type() && last.end() == e.addr()) {
                    out.set(out.size() - 1, new Entry(last.addr(), last.size() + e.size(), e.type()));
                    continue;
                }
            }
            out.add(e);
        }
        return List.copyOf(out);
    }

    /** The end of the usable RAM that starts at 1 MiB, clamped to 4 GiB; 1 MiB if there is none. */
    static long lowRamEnd(List<Entry> map) {
        for (Entry e : map) {
            if (e.type() == TYPE_RAM && e.addr() == BootLayout.ONE_MIB) {
                return Math.min(e.end(), BootLayout.FOUR_GIB);
            }
        }
        return BootLayout.ONE_MIB;
    }

    /** Bytes of usable RAM starting at address 0, at most 640 KiB. */
    static long conventionalRam(List<Entry> map) {
        for (Entry e : map) {
            if (e.type() == TYPE_RAM && e.addr() == 0) {
                return Math.min(e.size(), VGA_HOLE);
            }
        }
        return 0;
    }
}
