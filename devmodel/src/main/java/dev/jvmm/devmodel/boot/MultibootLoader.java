package dev.jvmm.devmodel.boot;

import static dev.jvmm.devmodel.boot.BootLayout.*;

import dev.jvmm.devmodel.memory.GuestMemory;
import dev.jvmm.devmodel.vcpu.BootCpu;
import dev.jvmm.devmodel.vcpu.DescriptorTable;
import dev.jvmm.devmodel.vcpu.VcpuState;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Multiboot (specification 0.6.96) kernels in ELF32 files. */
final class MultibootLoader {
    private MultibootLoader() {}

    static final long HEADER_MAGIC = 0x1BADB002L;
    static final long BOOTLOADER_MAGIC = 0x2BADB002L;
    static final int SEARCH_LIMIT = 8192;

    /** Header flags: bits 0-15 are requirements, 16-31 optional. */
    static final int HF_PAGE_ALIGN_MODULES = 1, HF_MEMORY_INFO = 1 << 1, HF_VIDEO_MODE = 1 << 2;
    static final int HF_AOUT_KLUDGE = 1 << 16;
    static final int HF_UNDERSTOOD_REQUIREMENTS = HF_PAGE_ALIGN_MODULES | HF_MEMORY_INFO | HF_VIDEO_MODE;

    /** Information flags. */
    static final int INFO_MEM = 1, INFO_CMDLINE = 1 << 2, INFO_MODS = 1 << 3, INFO_MMAP = 1 << 6,
        INFO_LOADER_NAME = 1 << 9;

    /** Offsets in the Multiboot information structure. */
    static final int OFF_FLAGS = 0, OFF_MEM_LOWER = 4, OFF_MEM_UPPER = 8, OFF_CMDLINE = 16, OFF_MODS_COUNT = 20,
        OFF_MODS_ADDR = 24, OFF_MMAP_LENGTH = 44, OFF_MMAP_ADDR = 48, OFF_LOADER_NAME = 64;
    static final int MMAP_ENTRY_SIZE = 20; // the "size" field's value; each entry takes 24 bytes

    static final String LOADER_NAME = "jvmm";
    static final String MODULE_STRING = "initrd";

    /** A Multiboot header found in the image. */
    record Header(int offset, int flags) {}

    /** The first valid header (magic, checksum) in the first 8 KiB at a 4-byte boundary, or null. */
    static Header find(Image img) {
        int limit = Math.min(img.length(), SEARCH_LIMIT);
        for (int off = 0; off + 12 <= limit; off += 4) {
            if (img.peek32(off) != HEADER_MAGIC) {
                continue;
            }
            long flags = img.peek32(off + 4);
            long checksum = img.peek32(off + 8);
            if (((HEADER_MAGIC + flags + checksum) & 0xFFFF_FFFFL) == 0) {
                return new Header(off, (int) flags);
            }
        }
        return null;
    }

    static BootPlan load(GuestMemory m, Image img, Header header, String cmdline, byte[] initrd)
        throws BootException {
        int unknown = header.flags() & 0xFFFF & ~HF_UNDERSTOOD_REQUIREMENTS;
        if (unknown != 0) {
            throw img.error("the Multiboot header (at offset 0x%x, flags 0x%08x) requires features jvmm does not "
                + "know (flag bits 0x%04x); the specification says such an image must not be booted",
                header.offset(), header.flags(), unknown);
        }
        Elf h = Elf.parseHeader(img);
        if (h.machine != Elf.EM_386) {
            throw img.error("Multiboot ELF32 image for %s; expected i386 (EM_386)", Elf.machineName(h.machine));
        }
        if (h.type != Elf.ET_EXEC) {
            throw img.error("Multiboot ELF32 image is %s; expected an executable (ET_EXEC)", Elf.typeName(h.type));
        }
        Elf elf = Elf.parse(img);
        List<E820.Entry> map = E820.of(m);

        // Check everything before writing anything.
        Loading.requireLowRam(m, img, GDT, GDT + GDT_ENTRIES * 8);
        Loading.requireLowRam(m, img, MBI, MBI_END);
        Loading.checkSegments(m, img, elf, new long[][] {{GDT, GDT + GDT_ENTRIES * 8}, {MBI, MBI_END}},
            new String[] {"GDT", "Multiboot information"});
        byte[] cmd = Loading.cmdlineBytes(img, cmdline, MBI_END - MBI_CMDLINE - 1,
            "the Multiboot information page ends at 0x9fff");
        if (map.size() > MBI_MMAP_MAX_ENTRIES) {
            throw img.error("the guest memory map has %d entries; at most %d fit in the Multiboot information",
                map.size(), MBI_MMAP_MAX_ENTRIES);
        }
        long kernelEnd = elf.highestEnd();
        long moduleStart = -1;
        if (initrd != null) {
            long lowEnd = E820.lowRamEnd(map);
            moduleStart = Loading.alignUp(Math.max(kernelEnd, ONE_MIB), PAGE);
            if (moduleStart > lowEnd || initrd.length > lowEnd - moduleStart) {
                throw img.error("the initrd (%s) does not fit in guest RAM after the kernel: it would occupy "
                    + "0x%x-0x%x but RAM below 4 GiB ends at 0x%x", Loading.size(initrd.length), moduleStart,
                    moduleStart + initrd.length - 1, lowEnd);
            }
        }

        Loading.writeSegments(m, img, elf);
        Loading.writeGdt(m);
        m.fill(MBI, MBI_END - MBI, (byte) 0);
        int flags = INFO_MEM | INFO_CMDLINE | INFO_MMAP | INFO_LOADER_NAME;
        m.writeInt(MBI + OFF_MEM_LOWER, (int) (E820.conventionalRam(map) / 1024));
        long upper = 0;
        for (E820.Entry e : map) {
            if (e.type() == E820.TYPE_RAM && e.addr() == ONE_MIB) {
                upper = Math.min(e.size() / 1024, 0xFFFF_FFFFL);
            }
        }
        m.writeInt(MBI + OFF_MEM_UPPER, (int) upper);
        Loading.writeCString(m, MBI_CMDLINE, cmd);
        m.writeInt(MBI + OFF_CMDLINE, (int) MBI_CMDLINE);
        Loading.writeCString(m, MBI_BOOT_LOADER_NAME, LOADER_NAME.getBytes(StandardCharsets.US_ASCII));
        m.writeInt(MBI + OFF_LOADER_NAME, (int) MBI_BOOT_LOADER_NAME);
        for (int i = 0; i < map.size(); i++) {
            E820.Entry e = map.get(i);
            long at = MBI_MMAP + i * (MMAP_ENTRY_SIZE + 4L);
            m.writeInt(at, MMAP_ENTRY_SIZE);
            m.writeLong(at + 4, e.addr());
            m.writeLong(at + 12, e.size());
            m.writeInt(at + 20, e.type());
        }
        m.writeInt(MBI + OFF_MMAP_LENGTH, map.size() * (MMAP_ENTRY_SIZE + 4));
        m.writeInt(MBI + OFF_MMAP_ADDR, (int) MBI_MMAP);
        if (initrd != null) {
            flags |= INFO_MODS;
            m.write(moduleStart, initrd);
            m.writeInt(MBI_MODULES, (int) moduleStart);
            m.writeInt(MBI_MODULES + 4, (int) (moduleStart + initrd.length));
            m.writeInt(MBI_MODULES + 8, (int) MBI_MODULE_STRING);
            m.writeInt(MBI_MODULES + 12, 0);
            Loading.writeCString(m, MBI_MODULE_STRING, MODULE_STRING.getBytes(StandardCharsets.US_ASCII));
            m.writeInt(MBI + OFF_MODS_COUNT, 1);
            m.writeInt(MBI + OFF_MODS_ADDR, (int) MBI_MODULES);
        }
        m.writeInt(MBI + OFF_FLAGS, flags);

        long[] gprs = new long[VcpuState.GPR_COUNT];
        gprs[VcpuState.RAX] = BOOTLOADER_MAGIC;
        gprs[VcpuState.RBX] = MBI;
        BootCpu cpu = new BootCpu(gprs, elf.entry, 0x2, Loading.CODE32, Loading.DATA, Loading.gdtr(),
            new DescriptorTable(0, 0), VcpuState.CR0_PE | VcpuState.CR0_ET, 0, 0, 0);
        String desc = String.format("Multiboot ELF32 kernel %s: %d segment(s) at 0x%x-0x%x, entry 0x%x%s",
            img.name, elf.loads.size(), elf.lowestAddress(), kernelEnd - 1, elf.entry,
            initrd == null ? "" : String.format(", initrd (%s) at 0x%x", Loading.size(initrd.length), moduleStart));
        return new BootPlan(cpu, BootPlan.MULTIBOOT, desc);
    }
}
