package dev.jvmm.devmodel.boot;

import static dev.jvmm.devmodel.boot.TestImages.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jvmm.devmodel.memory.GuestMemory;
import dev.jvmm.devmodel.vcpu.BootCpu;
import dev.jvmm.devmodel.vcpu.DescriptorTable;
import dev.jvmm.devmodel.vcpu.Segment;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class KernelLoaderTest {
    static final long RAM = 64L << 20;

    static GuestMemory ram() {
        return GuestMemory.pcLayout(RAM);
    }

    static String cString(GuestMemory m, long gpa) {
        StringBuilder sb = new StringBuilder();
        for (long a = gpa; ; a++) {
            byte b = m.readByte(a);
            if (b == 0) {
                return sb.toString();
            }
            sb.append((char) b);
        }
    }

    static long u32(GuestMemory m, long gpa) {
        return m.readInt(gpa) & 0xFFFF_FFFFL;
    }

    static void assertFlat32(Segment s, int selector, int type) {
        assertEquals(selector, s.selector());
        assertEquals(0, s.base());
        assertEquals(0xFFFF_FFFF, s.limit());
        assertEquals(type, s.type());
        assertTrue(s.present());
        assertEquals(0, s.dpl());
        assertTrue(s.db());
        assertTrue(s.s());
        assertFalse(s.l());
        assertTrue(s.g());
        assertFalse(s.unusable());
    }

    static void assertGdt(GuestMemory m) {
        assertEquals(0L, m.readLong(0x500));
        assertEquals(0x00CF9B000000FFFFL, m.readLong(0x508), "flat 32-bit code");
        assertEquals(0x00AF9B000000FFFFL, m.readLong(0x510), "64-bit code");
        assertEquals(0x00CF93000000FFFFL, m.readLong(0x518), "flat data");
    }

    static void assertLongModeCpu(BootCpu cpu, long rip) {
        assertEquals(rip, cpu.rip());
        assertEquals(0x2, cpu.rflags());
        long[] g = cpu.gprs();
        assertEquals(0x7000, g[6], "RSI -> zero page");
        assertEquals(0x8FF0, g[4], "RSP");
        assertEquals(0, g[0]);
        assertEquals(0, g[3]);
        assertEquals(0x80000031L, cpu.cr0());
        assertEquals(0xA000, cpu.cr3());
        assertEquals(0x20, cpu.cr4());
        assertEquals(0x500, cpu.efer());
        assertEquals(new DescriptorTable(0x500, 0x1F), cpu.gdt());
        assertEquals(new DescriptorTable(0, 0), cpu.idt());
        Segment cs = cpu.code();
        assertEquals(0x10, cs.selector());
        assertEquals(0xB, cs.type());
        assertTrue(cs.l());
        assertFalse(cs.db());
        assertTrue(cs.present());
        assertTrue(cs.s());
        assertFlat32(cpu.data(), 0x18, 0x3);
    }

    static void assertIdentityMap(GuestMemory m) {
        assertEquals(0xB003L, m.readLong(0xA000), "PML4[0] -> PDPT");
        assertEquals(0L, m.readLong(0xA008), "PML4[1] empty");
        assertEquals(0xC003L, m.readLong(0xB000));
        assertEquals(0xD003L, m.readLong(0xB008));
        assertEquals(0xE003L, m.readLong(0xB010));
        assertEquals(0xF003L, m.readLong(0xB018));
        assertEquals(0L, m.readLong(0xB020), "PDPT[4] empty");
        assertEquals(0x83L, m.readLong(0xC000), "PDE for 0");
        assertEquals(0x200083L, m.readLong(0xC008), "PDE for 2 MiB");
        assertEquals(0x40000083L, m.readLong(0xD000), "PDE for 1 GiB");
        assertEquals(0xC0000083L, m.readLong(0xF000), "PDE for 3 GiB");
        assertEquals(0xFFE00083L, m.readLong(0xFFF8), "PDE for 4 GiB - 2 MiB");
    }

    /** The e820 map of 64 MiB of PC RAM, written out by hand. */
    static final long[][] E820_64M = {
        {0, 0x9FC00, 1},
        {0x9FC00, 0x400, 2},
        {0xF0000, 0x10000, 2},
        {0x100000, 0x3F00000, 1},
    };

    static void assertZeroPageE820(GuestMemory m) {
        assertEquals(4, m.readByte(0x7000 + 0x1E8));
        for (int i = 0; i < E820_64M.length; i++) {
            long at = 0x7000 + 0x2D0 + i * 20;
            assertEquals(E820_64M[i][0], m.readLong(at), "e820[" + i + "].addr");
            assertEquals(E820_64M[i][1], m.readLong(at + 8), "e820[" + i + "].size");
            assertEquals(E820_64M[i][2], u32(m, at + 16), "e820[" + i + "].type");
        }
        assertEquals(0L, m.readLong(0x7000 + 0x2D0 + 4 * 20), "nothing after the last entry");
    }

    // ---------------------------------------------------------------- e820

    @Test
    void e820Of64MiB() {
        try (GuestMemory m = ram()) {
            assertEquals(List.of(new E820.Entry(0, 0x9FC00, 1), new E820.Entry(0x9FC00, 0x400, 2),
                new E820.Entry(0xF0000, 0x10000, 2), new E820.Entry(0x100000, 0x3F00000, 1)), E820.of(m));
        }
    }

    @Test
    void e820WithRamAbove4GiB() {
        try (GuestMemory m = GuestMemory.pcLayout(5L << 30)) {
            assertEquals(List.of(new E820.Entry(0, 0x9FC00, 1), new E820.Entry(0x9FC00, 0x400, 2),
                new E820.Entry(0xF0000, 0x10000, 2), new E820.Entry(0x100000, 0xBFF00000L, 1),
                new E820.Entry(0x100000000L, 0x80000000L, 1)), E820.of(m));
        }
    }

    // ---------------------------------------------------------------- Multiboot

    @Test
    void multibootTwoSegmentsWithInitrd() throws Exception {
        byte[] text = pattern(0x1800, 1);
        byte[] data = pattern(0x100, 2);
        byte[] kernel = multibootElf32(0x3, 0x100010, new Seg(0x100000, text, 0x3000), new Seg(0x200000, data, 0x100));
        byte[] initrd = pattern(0x1234, 9);
        try (GuestMemory m = ram()) {
            m.fill(0x100000, 0x200000, (byte) 0xCC); // the bss must be zeroed, not left as found
            BootPlan plan = KernelLoader.load(m, "/k.elf", kernel, "console=ttyS0 quiet", initrd);
            assertEquals("multiboot", plan.format());
            assertTrue(plan.description().contains("/k.elf"), plan.description());

            assertArrayEquals(text, m.read(0x100000, 0x1800));
            assertArrayEquals(new byte[0x1800], m.read(0x101800, 0x1800), "bss zeroed up to p_memsz");
            assertEquals((byte) 0xCC, m.readByte(0x103000), "nothing written past p_memsz");
            assertArrayEquals(data, m.read(0x200000, 0x100));

            // Multiboot information at 0x9000.
            assertEquals(0x24DL, u32(m, 0x9000), "flags: MEM|CMDLINE|MODS|MMAP|LOADER_NAME");
            assertEquals(639L, u32(m, 0x9004), "mem_lower");
            assertEquals(64512L, u32(m, 0x9008), "mem_upper: 63 MiB from 1 MiB");
            long cmdline = u32(m, 0x9010);
            assertTrue(cmdline >= 0x9000 && cmdline < 0xA000);
            assertEquals("console=ttyS0 quiet", cString(m, cmdline));
            assertEquals(1L, u32(m, 0x9014), "mods_count");
            long mods = u32(m, 0x9018);
            assertTrue(mods >= 0x9000 && mods < 0xA000);
            assertEquals(0x201000L, u32(m, mods), "mod_start: first page after 0x200100");
            assertEquals(0x202234L, u32(m, mods + 4), "mod_end");
            assertEquals("initrd", cString(m, u32(m, mods + 8)));
            assertArrayEquals(initrd, m.read(0x201000, initrd.length));
            assertEquals(96L, u32(m, 0x902C), "mmap_length: 4 entries of 24 bytes");
            long mmap = u32(m, 0x9030);
            assertTrue(mmap >= 0x9000 && mmap + 96 <= 0xA000);
            for (int i = 0; i < 4; i++) {
                long e = mmap + i * 24L;
                assertEquals(20L, u32(m, e), "size");
                assertEquals(E820_64M[i][0], m.readLong(e + 4), "base_addr");
                assertEquals(E820_64M[i][1], m.readLong(e + 12), "length");
                assertEquals(E820_64M[i][2], u32(m, e + 20), "type");
            }
            assertEquals("jvmm", cString(m, u32(m, 0x9040)));
            assertGdt(m);

            BootCpu cpu = plan.cpu();
            long[] g = cpu.gprs();
            assertEquals(0x2BADB002L, g[0], "EAX");
            assertEquals(0x9000L, g[3], "EBX");
            assertEquals(0x100010L, cpu.rip());
            assertEquals(0x2, cpu.rflags());
            assertEquals(0x11, cpu.cr0());
            assertEquals(0, cpu.cr3());
            assertEquals(0, cpu.cr4());
            assertEquals(0, cpu.efer());
            assertEquals(new DescriptorTable(0x500, 0x1F), cpu.gdt());
            assertEquals(new DescriptorTable(0, 0), cpu.idt());
            assertFlat32(cpu.code(), 0x08, 0xB);
            assertFlat32(cpu.data(), 0x18, 0x3);
        }
    }

    @Test
    void multibootWithoutInitrdHasNoModules() throws Exception {
        byte[] kernel = multibootElf32(0x10003, 0x100000, new Seg(0x100000, pattern(0x200, 4), 0x200));
        try (GuestMemory m = ram()) {
            BootPlan plan = KernelLoader.load(m, "k", kernel, "", null);
            assertEquals("multiboot", plan.format());
            assertEquals(0x245L, u32(m, 0x9000), "flags: MEM|CMDLINE|MMAP|LOADER_NAME");
            assertEquals(0L, u32(m, 0x9014), "mods_count");
            assertEquals("", cString(m, u32(m, 0x9010)));
        }
    }

    @Test
    void multibootHeaderIgnoredWhenChecksumWrong() {
        byte[] kernel = multibootElf32(0x3, 0x100000, new Seg(0x100000, pattern(0x200, 4), 0x200));
        kernel[MB_HEADER_OFFSET + 8]++;
        try (GuestMemory m = ram()) {
            BootException e = assertThrows(BootException.class, () -> KernelLoader.load(m, "k", kernel, "", null));
            assertTrue(e.getMessage().contains("without a Multiboot header"), e.getMessage());
        }
    }

    @Test
    void multibootUnknownRequiredFlagRefused() {
        byte[] kernel = multibootElf32(0x8 | 0x3, 0x100000, new Seg(0x100000, pattern(0x200, 4), 0x200));
        assertRefused(kernel, null, "", "requires features", "0x0008");
    }

    @Test
    void multibootVideoModeFlagIsIgnored() throws Exception {
        byte[] kernel = multibootElf32(0x7, 0x100000, new Seg(0x100000, pattern(0x200, 4), 0x200));
        try (GuestMemory m = ram()) {
            assertEquals("multiboot", KernelLoader.load(m, "k", kernel, "", null).format());
        }
    }

    @Test
    void multibootAoutKludgeWithoutElfRefused() {
        byte[] img = new byte[0x1000];
        TestImages.le(img).putInt(0x40, 0x1BADB002).putInt(0x44, 0x10000).putInt(0x48, -(0x1BADB002 + 0x10000));
        assertRefused(img, null, "", "a.out kludge", "ELF32");
    }

    @Test
    void multibootCommandLineTooLong() {
        byte[] kernel = multibootElf32(0x3, 0x100000, new Seg(0x100000, pattern(0x200, 4), 0x200));
        assertRefused(kernel, null, "x".repeat(5000), "command line", "5000 bytes");
    }

    @Test
    void multibootSegmentOverMbiRefused() {
        byte[] kernel = multibootElf32(0x3, 0x9000, new Seg(0x8000, pattern(0x200, 4), 0x2000));
        assertRefused(kernel, null, "", "overlaps the Multiboot information");
    }

    @Test
    void multibootInitrdTooLarge() {
        byte[] kernel = multibootElf32(0x3, 0x100000, new Seg(0x100000, pattern(0x200, 4), 0x200));
        assertRefused(kernel, new byte[(int) RAM], "", "initrd", "does not fit");
    }

    // ---------------------------------------------------------------- ELF64

    @Test
    void elf64LongModeWithZeroPage() throws Exception {
        byte[] text = pattern(0x2000, 5);
        byte[] data = pattern(0x80, 6);
        byte[] kernel = elf64(0x1000000, new Seg(0x1000000, text, 0x2000), new Seg(0x1200000, data, 0x1000));
        byte[] initrd = pattern(0x2345, 7);
        try (GuestMemory m = ram()) {
            m.fill(0x1200000, 0x2000, (byte) 0xCC);
            BootPlan plan = KernelLoader.load(m, "vmlinux", kernel, "root=/dev/vda console=ttyS0", initrd);
            assertEquals("elf64", plan.format());
            assertArrayEquals(text, m.read(0x1000000, 0x2000));
            assertArrayEquals(data, m.read(0x1200000, 0x80));
            assertArrayEquals(new byte[0x1000 - 0x80], m.read(0x1200080, 0x1000 - 0x80));
            assertEquals((byte) 0xCC, m.readByte(0x1201000));

            assertEquals(0x20000L, u32(m, 0x7000 + 0x228), "cmd_line_ptr");
            assertEquals("root=/dev/vda console=ttyS0", cString(m, 0x20000));
            assertEquals((byte) 0xFF, m.readByte(0x7000 + 0x210), "type_of_loader");
            assertEquals((short) 0xAA55, m.readShort(0x7000 + 0x1FE), "boot_flag");
            assertEquals(0x53726448, m.readInt(0x7000 + 0x202), "HdrS");
            assertEquals(0x3FFD000L, u32(m, 0x7000 + 0x218), "ramdisk_image: top of 64 MiB minus 0x2345, page aligned");
            assertEquals(0x2345L, u32(m, 0x7000 + 0x21C), "ramdisk_size");
            assertArrayEquals(initrd, m.read(0x3FFD000, initrd.length));
            assertZeroPageE820(m);
            assertIdentityMap(m);
            assertGdt(m);
            assertLongModeCpu(plan.cpu(), 0x1000000);
        }
    }

    @Test
    void elf64WithoutInitrdLeavesRamdiskFieldsZero() throws Exception {
        byte[] kernel = elf64(0x200000, new Seg(0x200000, pattern(0x100, 1), 0x100));
        try (GuestMemory m = ram()) {
            m.fill(0x7000, 0x1000, (byte) 0x55); // stale contents must not survive
            KernelLoader.load(m, "k", kernel, null, null);
            assertEquals(0, m.readInt(0x7000 + 0x218));
            assertEquals(0, m.readInt(0x7000 + 0x21C));
            assertEquals(0, m.readByte(0x20000), "empty command line");
            assertEquals(0, m.readByte(0x7000));
        }
    }

    @Test
    void elf64SegmentOverLowStructuresRefused() {
        byte[] kernel = elf64(0x10000, new Seg(0x10000, pattern(0x100, 1), 0x100));
        assertRefused(kernel, null, "", "overlaps the boot structures", "0x500-0x20fff");
    }

    @Test
    void elf64WrongMachineRefused() {
        byte[] kernel = elf64(0x200000, new Seg(0x200000, pattern(0x100, 1), 0x100));
        TestImages.le(kernel).putShort(18, (short) 183);
        assertRefused(kernel, null, "", "AArch64", "x86-64");
    }

    @Test
    void elf64PieRefused() {
        byte[] kernel = elf64(0x200000, new Seg(0x200000, pattern(0x100, 1), 0x100));
        TestImages.le(kernel).putShort(16, (short) 3);
        assertRefused(kernel, null, "", "ET_DYN", "ET_EXEC");
    }

    @Test
    void elf64CommandLineTooLong() {
        byte[] kernel = elf64(0x200000, new Seg(0x200000, pattern(0x100, 1), 0x100));
        assertRefused(kernel, null, "a".repeat(4096), "command line is 4096 bytes", "4095");
    }

    @Test
    void elf64CommandLineOfMaximumLength() throws Exception {
        byte[] kernel = elf64(0x200000, new Seg(0x200000, pattern(0x100, 1), 0x100));
        try (GuestMemory m = ram()) {
            KernelLoader.load(m, "k", kernel, "b".repeat(4095), null);
            assertEquals((byte) 'b', m.readByte(0x20FFE));
            assertEquals(0, m.readByte(0x20FFF));
        }
    }

    @Test
    void elf64InitrdLargerThanRam() {
        byte[] kernel = elf64(0x200000, new Seg(0x200000, pattern(0x100, 1), 0x100));
        assertRefused(kernel, new byte[(int) RAM + 4096], "", "initrd", "does not fit");
    }

    // ---------------------------------------------------------------- bzImage

    @Test
    void bzImageSixtyFourBitBoot() throws Exception {
        byte[] kernel = bzImage();
        byte[] initrd = pattern(0x2345, 8);
        try (GuestMemory m = ram()) {
            m.fill(0x7000, 0x1000, (byte) 0x55);
            BootPlan plan = KernelLoader.load(m, "bzImage", kernel, "console=ttyS0 panic=-1", initrd);
            assertEquals("bzimage", plan.format());
            assertTrue(plan.description().contains("2.15"), plan.description());
            assertArrayEquals(Arrays.copyOfRange(kernel, 0xA00, 0xA00 + 0x1800), m.read(0x100000, 0x1800));

            // Zero page: zeroed, then the setup header [0x1f1, 0x268), then the loader's fields.
            assertEquals(0, m.readByte(0x7000), "zeroed");
            assertEquals(0, m.readByte(0x7000 + 0x1F0), "boot sector not copied");
            assertEquals(4, m.readByte(0x7000 + 0x1F1), "setup_sects");
            assertEquals((short) 0xAA55, m.readShort(0x7000 + 0x1FE));
            assertEquals(0x53726448, m.readInt(0x7000 + 0x202));
            assertEquals((short) 0x020F, m.readShort(0x7000 + 0x206));
            assertEquals((byte) 0xFF, m.readByte(0x7000 + 0x210), "type_of_loader");
            assertEquals((byte) 0x81, m.readByte(0x7000 + 0x211), "loadflags: LOADED_HIGH | CAN_USE_HEAP");
            assertEquals((short) 0xFE00, m.readShort(0x7000 + 0x224), "heap_end_ptr");
            assertEquals(0x20000L, u32(m, 0x7000 + 0x228), "cmd_line_ptr");
            assertEquals(0x7FFFFFFFL, u32(m, 0x7000 + 0x22C), "initrd_addr_max copied");
            assertEquals(0x800000L, u32(m, 0x7000 + 0x260), "init_size copied");
            assertEquals(0x12345678L, u32(m, 0x7000 + 0x264), "last header field copied");
            assertEquals(0, m.readByte(0x7000 + 0x268), "setup code after the header not copied");
            assertEquals("console=ttyS0 panic=-1", cString(m, 0x20000));
            assertEquals(0x3FFD000L, u32(m, 0x7000 + 0x218), "ramdisk_image");
            assertEquals(0x2345L, u32(m, 0x7000 + 0x21C), "ramdisk_size");
            assertArrayEquals(initrd, m.read(0x3FFD000, initrd.length));
            assertZeroPageE820(m);
            assertIdentityMap(m);
            assertGdt(m);
            assertLongModeCpu(plan.cpu(), 0x100200);
        }
    }

    @Test
    void bzImageInitrdHonoursInitrdAddrMax() throws Exception {
        byte[] kernel = bzImage();
        TestImages.le(kernel).putInt(0x22C, 0x1FFFFFF); // initrd must end at or below 32 MiB
        try (GuestMemory m = ram()) {
            KernelLoader.load(m, "bzImage", kernel, "", new byte[0x3000]);
            assertEquals(0x1FFD000L, u32(m, 0x7000 + 0x218));
            assertEquals(0x3000L, u32(m, 0x7000 + 0x21C));
        }
    }

    @Test
    void bzImageInitrdBelowKernelRefused() {
        byte[] kernel = bzImage();
        TestImages.le(kernel).putInt(0x22C, 0x17FFFFF); // 24 MiB: inside the kernel's init_size area
        assertRefused(kernel, new byte[0x1000], "", "initrd", "does not fit", "initrd_addr_max");
    }

    @Test
    void bzImageSetupSectsZeroMeansFour() throws Exception {
        byte[] kernel = bzImage();
        kernel[0x1F1] = 0;
        try (GuestMemory m = ram()) {
            KernelLoader.load(m, "bzImage", kernel, "", null);
            assertArrayEquals(Arrays.copyOfRange(kernel, 0xA00, 0xA00 + 0x1800), m.read(0x100000, 0x1800));
        }
    }

    @Test
    void bzImageWithoutKernel64Refused() {
        byte[] kernel = bzImage();
        TestImages.le(kernel).putShort(0x236, (short) 0x0002);
        assertRefused(kernel, null, "", "XLF_KERNEL_64", "2.15");
    }

    @Test
    void bzImageOldProtocolRefused() {
        byte[] kernel = bzImage();
        TestImages.le(kernel).putShort(0x206, (short) 0x020A);
        assertRefused(kernel, null, "", "2.10", "2.12");
    }

    @Test
    void bzImageNotLoadedHighRefused() {
        byte[] kernel = bzImage();
        kernel[0x211] = 0;
        assertRefused(kernel, null, "", "LOADED_HIGH");
    }

    @Test
    void bzImageCommandLineLongerThanCmdlineSize() {
        assertRefused(bzImage(), null, "c".repeat(2048), "2048 bytes", "2047", "cmdline_size");
    }

    @Test
    void bzImageInitSizeBeyondRam() {
        byte[] kernel = bzImage();
        TestImages.le(kernel).putInt(0x260, 0x3000001); // 16 MiB + 48 MiB + 1 > 64 MiB
        assertRefused(kernel, null, "", "init_size", "more memory");
    }

    @Test
    void bzImageTruncatedSetupHeader() {
        assertRefused(Arrays.copyOf(bzImage(), 0x240), null, "", "truncated", "setup header ends at 0x268");
    }

    @Test
    void multibootHeaderBeyond8KiBNotFound() {
        byte[] kernel = multibootElf32(0x3, 0x100000, new Seg(0x100000, pattern(0x200, 1), 0x200),
            new Seg(0x200000, new byte[0x2000], 0x2000));
        System.arraycopy(kernel, MB_HEADER_OFFSET, kernel, 0x2000, 12); // inside the second segment's data
        Arrays.fill(kernel, MB_HEADER_OFFSET, MB_HEADER_OFFSET + 12, (byte) 0);
        assertRefused(kernel, null, "", "without a Multiboot header", "8192");
    }

    @Test
    void bzImageInitrdLargerThanRam() {
        assertRefused(bzImage(), new byte[(int) RAM + 4096], "", "initrd", "does not fit");
    }

    @Test
    void bzImageTruncatedProtectedModeKernel() {
        assertRefused(Arrays.copyOf(bzImage(), 0xA00 + 0x100), null, "", "truncated");
    }

    // ---------------------------------------------------------------- malformed input

    @Test
    void emptyFile() {
        assertRefused(new byte[0], null, "", "empty", "Multiboot", "ELF64", "bzImage");
    }

    @Test
    void randomBytes() {
        byte[] junk = new byte[4096];
        new java.util.Random(1234).nextBytes(junk);
        assertRefused(junk, null, "", "not a Multiboot ELF32 image", "bzImage", "found: 4096 bytes");
    }

    @Test
    void truncatedElfHeader() {
        byte[] kernel = elf64(0x200000, new Seg(0x200000, pattern(0x100, 1), 0x100));
        assertRefused(Arrays.copyOf(kernel, 40), null, "", "truncated ELF header");
    }

    @Test
    void segmentFileRangeBeyondFile() {
        byte[] kernel = elf64(0x200000, new Seg(0x200000, pattern(0x100, 1), 0x100));
        TestImages.le(kernel).putLong(64 + 32, 0x100000); // p_filesz 1 MiB
        TestImages.le(kernel).putLong(64 + 40, 0x100000);
        assertRefused(kernel, null, "", "program header 0", "file offset", "truncated");
    }

    @Test
    void segmentFileOffsetHuge() {
        byte[] kernel = elf64(0x200000, new Seg(0x200000, pattern(0x100, 1), 0x100));
        TestImages.le(kernel).putLong(64 + 8, 0xFFFF_FFFF_FFFF_FF80L); // p_offset + p_filesz wraps
        assertRefused(kernel, null, "", "program header 0", "file offset");
    }

    @Test
    void segmentOutsideRam() {
        byte[] kernel = elf64(0x10000000, new Seg(0x10000000, pattern(0x100, 1), 0x100)); // 256 MiB
        assertRefused(kernel, null, "", "0x10000000-0x100000ff", "not RAM", "0x0-0x3ffffff");
    }

    @Test
    void multibootSegmentOutsideRam() {
        byte[] kernel = multibootElf32(0x3, 0x100000, new Seg(0xFFFFF000L, pattern(0x100, 1), 0x2000));
        assertRefused(kernel, null, "", "not RAM");
    }

    @Test
    void memszSmallerThanFilesz() {
        byte[] kernel = multibootElf32(0x3, 0x100000, new Seg(0x100000, pattern(0x200, 1), 0x100));
        assertRefused(kernel, null, "", "p_memsz 0x100 is smaller than p_filesz 0x200");
    }

    @Test
    void programHeaderTableOverflow() {
        byte[] kernel = elf64(0x200000, new Seg(0x200000, pattern(0x100, 1), 0x100));
        TestImages.le(kernel).putShort(54, (short) 0xFFFF).putShort(56, (short) 0xFFFE);
        assertRefused(kernel, null, "", "program header table", "beyond the end of the file");
        byte[] k32 = multibootElf32(0x3, 0x100000, new Seg(0x100000, pattern(0x200, 1), 0x200));
        TestImages.le(k32).putShort(42, (short) 0xFFFF).putShort(44, (short) 0xFFFE);
        TestImages.le(k32).putInt(28, 0xFFFFFFF0); // e_phoff near 4 GiB as well
        assertRefused(k32, null, "", "program header table", "beyond the end of the file");
    }

    @Test
    void extendedProgramHeaderNumberingRefused() {
        byte[] kernel = elf64(0x200000, new Seg(0x200000, pattern(0x100, 1), 0x100));
        TestImages.le(kernel).putShort(56, (short) 0xFFFF);
        assertRefused(kernel, null, "", "e_phnum = 0xffff");
    }

    @Test
    void segmentAddressBeyondPhysicalAddressSpace() {
        byte[] kernel = elf64(0x200000, new Seg(0x200000, pattern(0x100, 1), 0x100));
        TestImages.le(kernel).putLong(64 + 24, 0xFFFF_FFFF_FFFF_F000L);
        assertRefused(kernel, null, "", "beyond the 52-bit physical address space");
    }

    @Test
    void overlappingSegmentsRefused() {
        byte[] kernel = elf64(0x200000, new Seg(0x200000, pattern(0x100, 1), 0x2000),
            new Seg(0x201000, pattern(0x100, 2), 0x100));
        assertRefused(kernel, null, "", "overlap");
    }

    @Test
    void nulInCommandLineRefused() {
        byte[] kernel = elf64(0x200000, new Seg(0x200000, pattern(0x100, 1), 0x100));
        assertRefused(kernel, null, "a\0b", "NUL");
    }

    @Test
    void elf32WithoutMultibootHeader() {
        byte[] kernel = multibootElf32(0x3, 0x100000, new Seg(0x100000, pattern(0x200, 1), 0x200));
        Arrays.fill(kernel, MB_HEADER_OFFSET, MB_HEADER_OFFSET + 12, (byte) 0);
        assertRefused(kernel, null, "", "ELF32 file without a Multiboot header");
    }

    @Test
    void gzipIsNamed() {
        assertRefused(new byte[] {0x1F, (byte) 0x8B, 8, 0, 0, 0, 0, 0, 0, 3}, null, "", "gzip");
    }

    @Test
    void refusedLoadLeavesMemoryUntouched() {
        byte[] kernel = elf64(0x200000, new Seg(0x200000, pattern(0x100, 1), 0x100));
        try (GuestMemory m = ram()) {
            assertThrows(BootException.class, () -> KernelLoader.load(m, "k", kernel, "x".repeat(5000), null));
            assertEquals(0, m.readByte(0x200000));
            assertEquals(0L, m.readLong(0x508));
        }
    }

    static void assertRefused(byte[] kernel, byte[] initrd, String cmdline, String... fragments) {
        try (GuestMemory m = ram()) {
            BootException e = assertThrows(BootException.class,
                () -> KernelLoader.load(m, "/images/kernel", kernel, cmdline, initrd));
            String msg = e.getMessage();
            assertTrue(msg.startsWith("kernel image /images/kernel: "), msg);
            for (String f : fragments) {
                assertTrue(msg.contains(f), () -> "message lacks \"" + f + "\": " + msg);
            }
        }
    }
}
