package dev.jvmm.devmodel.boot;

import static dev.jvmm.devmodel.boot.BootLayout.*;
import static dev.jvmm.devmodel.boot.Loading.*;

import dev.jvmm.devmodel.memory.GuestMemory;
import java.util.List;

/** Linux bzImages through the 64-bit boot protocol of Documentation/x86/boot.rst. */
final class BzImageLoader {
    private BzImageLoader() {}

    static final int MIN_VERSION = 0x020C; // 2.12: xloadflags, hence XLF_KERNEL_64
    static final int LOADED_HIGH = 0x01;
    static final int CAN_USE_HEAP = 0x80;
    static final int XLF_KERNEL_64 = 0x01;
    static final int HEAP_END_PTR = 0xFE00;
    /** The setup header must reach at least past init_size (0x260-0x263) for protocol 2.12. */
    static final int MIN_HEADER_END = 0x264;
    static final int ZP_SETUP_HEADER_LIMIT = 0x290;

    static boolean isBzImage(Image img) {
        return img.has(ZP_HEADER, 4) && img.peek32(ZP_HEADER) == HDRS_MAGIC;
    }

    static String version(int v) {
        return String.format("%d.%02d", v >> 8, v & 0xFF);
    }

    static BootPlan load(GuestMemory m, Image img, String cmdline, byte[] initrd) throws BootException {
        int version = img.u16(ZP_VERSION, "the boot protocol version");
        if (version < MIN_VERSION) {
            throw img.error("Linux boot protocol %s is too old: jvmm starts bzImages at their 64-bit entry point, "
                + "which needs boot protocol %s or later (Linux 3.8+)", version(version), version(MIN_VERSION));
        }
        int headerEnd = ZP_HEADER + img.u8(ZP_JUMP + 1, "the setup header length");
        if (headerEnd < MIN_HEADER_END) {
            throw img.error("the setup header is only 0x%x bytes long (ends at 0x%x), but protocol %s defines "
                + "fields up to 0x%x", headerEnd - ZP_SETUP_SECTS, headerEnd, version(version), MIN_HEADER_END);
        }
        if (!img.has(0, headerEnd)) {
            throw img.error("file is truncated: the setup header ends at 0x%x but the file has only %d bytes",
                headerEnd, img.length());
        }
        int loadflags = img.u8(ZP_LOADFLAGS, "loadflags");
        if ((loadflags & LOADED_HIGH) == 0) {
            throw img.error("the kernel does not set LOADED_HIGH in loadflags (0x%02x): it is a zImage that "
                + "expects to be loaded at 0x10000, which jvmm does not support", loadflags);
        }
        int xloadflags = img.u16(ZP_XLOADFLAGS, "xloadflags");
        if ((xloadflags & XLF_KERNEL_64) == 0) {
            throw img.error("the kernel (boot protocol %s) lacks XLF_KERNEL_64 in xloadflags (0x%04x): it has no "
                + "64-bit entry point (a 32-bit kernel?), and jvmm boots bzImages only through the 64-bit "
                + "boot protocol", version(version), xloadflags);
        }
        int setupSects = img.u8(ZP_SETUP_SECTS, "setup_sects");
        if (setupSects == 0) {
            setupSects = 4;
        }
        long pmOffset = (setupSects + 1L) * 512;
        long pmSize = img.length() - pmOffset;
        if (pmSize <= 0x200) {
            throw img.error("file is truncated: the protected-mode kernel starts at offset 0x%x (setup_sects = %d) "
                + "and must contain the 64-bit entry point at +0x200, but the file has only %d bytes", pmOffset,
                setupSects, img.length());
        }
        long initSize = img.u32(ZP_INIT_SIZE, "init_size");
        long prefAddress = img.u64(ZP_PREF_ADDRESS, "pref_address");
        long cmdlineSize = img.u32(ZP_CMDLINE_SIZE, "cmdline_size");
        long initrdAddrMax = img.u32(ZP_INITRD_ADDR_MAX, "initrd_addr_max");

        List<E820.Entry> map = E820.of(m);
        long lowEnd = E820.lowRamEnd(map);
        requireLowRam(m, img, LOW_STRUCTURES_START, LOW_STRUCTURES_END);
        // The 64-bit decompressor runs at max(load address, pref_address) and needs init_size bytes there.
        if (Long.compareUnsigned(prefAddress, lowEnd) >= 0) {
            throw img.error("the kernel's preferred load address 0x%s (pref_address) is not in guest RAM below "
                + "4 GiB, which ends at 0x%x; give the guest more memory", Long.toUnsignedString(prefAddress, 16),
                lowEnd);
        }
        long runtimeStart = Math.max(BZIMAGE_KERNEL, prefAddress);
        long kernelEnd = Math.max(BZIMAGE_KERNEL + pmSize, runtimeStart + initSize);
        if (kernelEnd > lowEnd) {
            throw img.error("the kernel needs RAM up to 0x%x (init_size 0x%x from 0x%x; %s of kernel at 0x%x), "
                + "but guest RAM below 4 GiB ends at 0x%x; give the guest more memory", kernelEnd - 1, initSize,
                runtimeStart, size(pmSize), BZIMAGE_KERNEL, lowEnd);
        }
        long maxCmdline = Math.min(cmdlineSize, CMDLINE_MAX);
        byte[] cmd = cmdlineBytes(img, cmdline, maxCmdline, cmdlineSize < CMDLINE_MAX
            ? "the kernel's cmdline_size is " + cmdlineSize : "jvmm's command line buffer is 4 KiB");
        if (map.size() > ZP_E820_MAX) {
            throw img.error("the guest memory map has %d entries; the zero page holds at most %d", map.size(),
                ZP_E820_MAX);
        }
        long initrdAt = -1;
        if (initrd != null) {
            long ceiling = Math.min(initrdAddrMax + 1, lowEnd);
            long floor = alignUp(kernelEnd, PAGE);
            initrdAt = placeHigh(initrd.length, floor, ceiling);
            if (initrdAt < 0) {
                throw img.error("the initrd (%s) does not fit in guest RAM between the kernel (which needs RAM up "
                    + "to 0x%x) and 0x%x (the lower of initrd_addr_max 0x%x and the end of RAM below 4 GiB); "
                    + "give the guest more memory or use a smaller initrd", size(initrd.length), floor - 1,
                    ceiling, initrdAddrMax, lowEnd);
            }
        }

        m.write(BZIMAGE_KERNEL, img.bytes, (int) pmOffset, (int) pmSize);
        writeGdt(m);
        writeIdentityMap(m);
        m.fill(ZERO_PAGE, PAGE, (byte) 0);
        // struct setup_header occupies 0x1f1 up to at most 0x290 of boot_params; never copy beyond that.
        int copyEnd = Math.min(headerEnd, ZP_SETUP_HEADER_LIMIT);
        m.write(ZERO_PAGE + ZP_SETUP_SECTS, img.bytes, ZP_SETUP_SECTS, copyEnd - ZP_SETUP_SECTS);
        m.writeByte(ZERO_PAGE + ZP_TYPE_OF_LOADER, TYPE_OF_LOADER_UNDEFINED);
        m.writeByte(ZERO_PAGE + ZP_LOADFLAGS, loadflags | CAN_USE_HEAP);
        m.writeShort(ZERO_PAGE + ZP_HEAP_END_PTR, HEAP_END_PTR);
        m.writeInt(ZERO_PAGE + ZP_CMD_LINE_PTR, (int) CMDLINE);
        m.fill(CMDLINE, CMDLINE_MAX + 1, (byte) 0);
        writeCString(m, CMDLINE, cmd);
        writeE820(m, img, map);
        if (initrd != null) {
            m.write(initrdAt, initrd);
            m.writeInt(ZERO_PAGE + ZP_RAMDISK_IMAGE, (int) initrdAt);
            m.writeInt(ZERO_PAGE + ZP_RAMDISK_SIZE, initrd.length);
        }
        String desc = String.format("Linux bzImage %s (boot protocol %s): %s protected-mode kernel at 0x%x, "
            + "64-bit entry 0x%x%s", img.name, version(version), size(pmSize), BZIMAGE_KERNEL, BZIMAGE_ENTRY_64,
            initrd == null ? "" : String.format(", initrd (%s) at 0x%x", size(initrd.length), initrdAt));
        return new BootPlan(longModeCpu(BZIMAGE_ENTRY_64, ZERO_PAGE), BootPlan.BZIMAGE, desc);
    }
}
