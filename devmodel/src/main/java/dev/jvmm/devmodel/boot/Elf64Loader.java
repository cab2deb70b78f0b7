package dev.jvmm.devmodel.boot;

import static dev.jvmm.devmodel.boot.BootLayout.*;
import static dev.jvmm.devmodel.boot.Loading.*;

import dev.jvmm.devmodel.memory.GuestMemory;
import java.util.List;

/**
 * x86-64 ELF executables (a Linux vmlinux among them) entered in long mode the way the Linux
 * 64-bit boot protocol enters a kernel: identity map, RSI pointing at a zero page.
 */
final class Elf64Loader {
    private Elf64Loader() {}

    static BootPlan load(GuestMemory m, Image img, String cmdline, byte[] initrd) throws BootException {
        Elf h = Elf.parseHeader(img);
        if (h.machine != Elf.EM_X86_64) {
            throw img.error("ELF64 image for %s; expected x86-64 (EM_X86_64)", Elf.machineName(h.machine));
        }
        if (h.type != Elf.ET_EXEC) {
            throw img.error("ELF64 image is %s; expected an executable (ET_EXEC)", Elf.typeName(h.type));
        }
        Elf elf = Elf.parse(img);
        List<E820.Entry> map = E820.of(m);

        requireLowRam(m, img, LOW_STRUCTURES_START, LOW_STRUCTURES_END);
        checkSegments(m, img, elf, new long[][] {{LOW_STRUCTURES_START, LOW_STRUCTURES_END}},
            new String[] {"boot structures (GDT, zero page, stack, page tables, command line)"});
        byte[] cmd = cmdlineBytes(img, cmdline, CMDLINE_MAX, "jvmm's command line buffer is 4 KiB");
        if (map.size() > ZP_E820_MAX) {
            throw img.error("the guest memory map has %d entries; the zero page holds at most %d", map.size(),
                ZP_E820_MAX);
        }
        long kernelEnd = elf.highestEnd();
        long initrdAt = -1;
        if (initrd != null) {
            long ceiling = Math.min(E820.lowRamEnd(map), GuestMemory.PCI_HOLE_START);
            long floor = alignUp(Math.max(kernelEnd, ONE_MIB), PAGE);
            initrdAt = placeHigh(initrd.length, floor, ceiling);
            if (initrdAt < 0) {
                throw img.error("the initrd (%s) does not fit in guest RAM between the end of the kernel (0x%x) "
                    + "and 0x%x; give the guest more memory", size(initrd.length), floor, ceiling);
            }
        }

        writeSegments(m, img, elf);
        writeGdt(m);
        writeIdentityMap(m);
        m.fill(ZERO_PAGE, PAGE, (byte) 0);
        m.writeShort(ZERO_PAGE + ZP_BOOT_FLAG, 0xAA55);
        m.writeInt(ZERO_PAGE + ZP_HEADER, (int) HDRS_MAGIC);
        m.writeByte(ZERO_PAGE + ZP_TYPE_OF_LOADER, TYPE_OF_LOADER_UNDEFINED);
        m.writeInt(ZERO_PAGE + ZP_CMD_LINE_PTR, (int) CMDLINE);
        m.writeInt(ZERO_PAGE + ZP_CMDLINE_SIZE, CMDLINE_MAX);
        m.fill(CMDLINE, CMDLINE_MAX + 1, (byte) 0);
        writeCString(m, CMDLINE, cmd);
        writeE820(m, img, map);
        if (initrd != null) {
            m.write(initrdAt, initrd);
            m.writeInt(ZERO_PAGE + ZP_RAMDISK_IMAGE, (int) initrdAt);
            m.writeInt(ZERO_PAGE + ZP_RAMDISK_SIZE, initrd.length);
        }
        String desc = String.format("ELF64 kernel %s: %d segment(s) at 0x%x-0x%x, 64-bit entry 0x%x%s", img.name,
            elf.loads.size(), elf.lowestAddress(), kernelEnd - 1, elf.entry,
            initrd == null ? "" : String.format(", initrd (%s) at 0x%x", size(initrd.length), initrdAt));
        return new BootPlan(longModeCpu(elf.entry, ZERO_PAGE), BootPlan.ELF64, desc);
    }
}
