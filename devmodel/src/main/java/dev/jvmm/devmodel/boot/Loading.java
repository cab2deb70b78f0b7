package dev.jvmm.devmodel.boot;

import static dev.jvmm.devmodel.boot.BootLayout.*;

import dev.jvmm.devmodel.memory.GuestMemory;
import dev.jvmm.devmodel.memory.MemoryRegion;
import dev.jvmm.devmodel.vcpu.BootCpu;
import dev.jvmm.devmodel.vcpu.DescriptorTable;
import dev.jvmm.devmodel.vcpu.Segment;
import dev.jvmm.devmodel.vcpu.VcpuState;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.StringJoiner;

/** What the loaders share: segment loading, the GDT, the identity map, the zero page's common fields. */
final class Loading {
    private Loading() {}

    static final Segment CODE32 = Segment.flat32(SELECTOR_CODE32, true);
    static final Segment CODE64 = Segment.code64(SELECTOR_CODE64);
    static final Segment DATA = Segment.flat32(SELECTOR_DATA, false);

    /** Present | writable, and page size for a 2 MiB page-directory entry. */
    static final long PTE_P = 1, PTE_RW = 2, PTE_PS = 0x80;

    /** Zero-page (struct boot_params) offsets from the kernel's Documentation/x86/zero-page.rst and boot.rst. */
    static final int ZP_E820_ENTRIES = 0x1E8;
    static final int ZP_SETUP_SECTS = 0x1F1;
    static final int ZP_BOOT_FLAG = 0x1FE;
    static final int ZP_JUMP = 0x200;
    static final int ZP_HEADER = 0x202;
    static final int ZP_VERSION = 0x206;
    static final int ZP_TYPE_OF_LOADER = 0x210;
    static final int ZP_LOADFLAGS = 0x211;
    static final int ZP_RAMDISK_IMAGE = 0x218;
    static final int ZP_RAMDISK_SIZE = 0x21C;
    static final int ZP_HEAP_END_PTR = 0x224;
    static final int ZP_CMD_LINE_PTR = 0x228;
    static final int ZP_INITRD_ADDR_MAX = 0x22C;
    static final int ZP_XLOADFLAGS = 0x236;
    static final int ZP_CMDLINE_SIZE = 0x238;
    static final int ZP_PREF_ADDRESS = 0x258;
    static final int ZP_INIT_SIZE = 0x260;
    static final int ZP_E820_TABLE = 0x2D0;
    static final int ZP_E820_MAX = 128;
    static final long HDRS_MAGIC = 0x53726448L; // "HdrS"
    static final int TYPE_OF_LOADER_UNDEFINED = 0xFF;

    /** The descriptor a GDT must hold for {@code s} to be loaded as {@code s}. */
    static long descriptor(Segment s) {
        long limit = s.g() ? (s.limit() & 0xFFFF_FFFFL) >>> 12 : s.limit() & 0xFFFFF;
        long access = (s.type() & 0xF) | (s.s() ? 0x10 : 0) | (long) (s.dpl() & 3) << 5 | (s.present() ? 0x80 : 0);
        long flags = (s.avl() ? 1 : 0) | (s.l() ? 2 : 0) | (s.db() ? 4 : 0) | (s.g() ? 8 : 0);
        return (limit & 0xFFFF) | (s.base() & 0xFF_FFFFL) << 16 | access << 40 | (limit >>> 16 & 0xF) << 48
            | flags << 52 | (s.base() >>> 24 & 0xFF) << 56;
    }

    static void writeGdt(GuestMemory m) {
        m.writeLong(GDT, 0);
        m.writeLong(GDT + SELECTOR_CODE32, descriptor(CODE32));
        m.writeLong(GDT + SELECTOR_CODE64, descriptor(CODE64));
        m.writeLong(GDT + SELECTOR_DATA, descriptor(DATA));
    }

    static DescriptorTable gdtr() {
        return new DescriptorTable(GDT, GDT_LIMIT);
    }

    /** Identity-maps [0, 4 GiB) with 2 MiB pages: PML4[0] -> PDPT, PDPT[0..3] -> four page directories. */
    static void writeIdentityMap(GuestMemory m) {
        m.fill(PML4, PAGE * (2 + PAGE_DIRECTORY_COUNT), (byte) 0);
        m.writeLong(PML4, PDPT | PTE_P | PTE_RW);
        for (int i = 0; i < PAGE_DIRECTORY_COUNT; i++) {
            long pd = PAGE_DIRECTORIES + i * PAGE;
            m.writeLong(PDPT + i * 8L, pd | PTE_P | PTE_RW);
            for (int j = 0; j < 512; j++) {
                long phys = ((long) i << 30) | ((long) j << 21);
                m.writeLong(pd + j * 8L, phys | PTE_P | PTE_RW | PTE_PS);
            }
        }
    }

    /** 64-bit long mode with the identity map, as the Linux 64-bit boot protocol prescribes. */
    static BootCpu longModeCpu(long rip, long rsi) {
        long[] gprs = new long[VcpuState.GPR_COUNT];
        gprs[VcpuState.RSI] = rsi;
        gprs[VcpuState.RSP] = BOOT_STACK_POINTER;
        return new BootCpu(gprs, rip, 0x2, CODE64, DATA, gdtr(), new DescriptorTable(0, 0),
            VcpuState.CR0_PE | VcpuState.CR0_ET | VcpuState.CR0_NE | VcpuState.CR0_PG, PML4, VcpuState.CR4_PAE,
            VcpuState.EFER_LME | VcpuState.EFER_LMA);
    }

    /** Guest RAM as a list of ranges, for messages. */
    static String describeRam(GuestMemory m) {
        StringJoiner j = new StringJoiner(" and ");
        for (MemoryRegion r : m.regions()) {
            j.add(String.format("0x%x-0x%x", r.gpa(), r.end() - 1));
        }
        return "guest RAM is " + j;
    }

    static boolean overlaps(long aStart, long aEnd, long bStart, long bEnd) {
        return aStart < bEnd && bStart < aEnd;
    }

    /** Checks that every segment lies in RAM and clear of each of the {@code avoid} ranges [start, end). */
    static void checkSegments(GuestMemory m, Image img, Elf elf, long[][] avoid, String[] avoidNames)
        throws BootException {
        for (Elf.Segment s : elf.loads) {
            if (!m.isRam(s.paddr(), s.memsz())) {
                throw img.error("program header %d wants guest-physical memory 0x%x-0x%x, which is not RAM (%s); "
                    + "give the guest more memory or check that this is a kernel image", s.index(), s.paddr(),
                    s.end() - 1, describeRam(m));
            }
            for (int i = 0; i < avoid.length; i++) {
                if (overlaps(s.paddr(), s.end(), avoid[i][0], avoid[i][1])) {
                    throw img.error("program header %d (0x%x-0x%x) overlaps the %s jvmm places at 0x%x-0x%x",
                        s.index(), s.paddr(), s.end() - 1, avoidNames[i], avoid[i][0], avoid[i][1] - 1);
                }
            }
        }
    }

    /** Copies each segment's file bytes and zeroes the rest of its memory image; checked before. */
    static void writeSegments(GuestMemory m, Image img, Elf elf) {
        for (Elf.Segment s : elf.loads) {
            m.write(s.paddr(), img.bytes, (int) s.offset(), (int) s.filesz());
            if (s.memsz() > s.filesz()) {
                m.fill(s.paddr() + s.filesz(), s.memsz() - s.filesz(), (byte) 0);
            }
        }
    }

    /** The command line's bytes without a terminator, refused if longer than {@code max} or holding a NUL. */
    static byte[] cmdlineBytes(Image img, String cmdline, long max, String limitReason) throws BootException {
        byte[] b = cmdline.getBytes(StandardCharsets.UTF_8);
        if (b.length > max) {
            throw img.error("the kernel command line is %d bytes long; at most %d fit (%s)", b.length, max,
                limitReason);
        }
        for (byte x : b) {
            if (x == 0) {
                throw img.error("the kernel command line contains a NUL character");
            }
        }
        return b;
    }

    static void writeCString(GuestMemory m, long gpa, byte[] s) {
        m.write(gpa, s);
        m.writeByte(gpa + s.length, 0);
    }

    static long alignUp(long v, long a) {
        return (v + a - 1) & -a;
    }

    static long alignDown(long v, long a) {
        return v & -a;
    }

    /**
     * The highest page-aligned address at which {@code size} bytes end at or below {@code ceiling},
     * or -1 if that address would be below {@code floor}.
     */
    static long placeHigh(long size, long floor, long ceiling) {
        if (size > ceiling) {
            return -1;
        }
        long start = alignDown(ceiling - size, PAGE);
        return start >= floor ? start : -1;
    }

    /** Zeroes the zero page's e820 table and writes {@code map} into it. */
    static void writeE820(GuestMemory m, Image img, List<E820.Entry> map) throws BootException {
        if (map.size() > ZP_E820_MAX) {
            throw img.error("the guest memory map has %d entries; the zero page holds at most %d", map.size(),
                ZP_E820_MAX);
        }
        m.writeByte(ZERO_PAGE + ZP_E820_ENTRIES, map.size());
        for (int i = 0; i < map.size(); i++) {
            E820.Entry e = map.get(i);
            long at = ZERO_PAGE + ZP_E820_TABLE + i * 20L;
            m.writeLong(at, e.addr());
            m.writeLong(at + 8, e.size());
            m.writeInt(at + 16, e.type());
        }
    }

    /** The low-memory boot structures must be RAM before anything is written there. */
    static void requireLowRam(GuestMemory m, Image img, long start, long end) throws BootException {
        if (!m.isRam(start, end - start)) {
            throw img.error("jvmm's boot structures need RAM at 0x%x-0x%x, but %s", start, end - 1,
                describeRam(m));
        }
    }

    static String size(long bytes) {
        if (bytes >= (1L << 20) && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        if (bytes >= 10 * 1024) {
            return String.format("%.1f MiB (%d bytes)", bytes / 1048576.0, bytes);
        }
        return bytes + " bytes";
    }
}
