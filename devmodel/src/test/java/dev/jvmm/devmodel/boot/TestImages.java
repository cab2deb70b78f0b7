package dev.jvmm.devmodel.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Small synthetic kernel images, built byte by byte from the ELF, Multiboot and Linux boot specs. */
final class TestImages {
    private TestImages() {}

    /** A PT_LOAD segment: {@code data} at {@code paddr}, {@code memsz} bytes in memory. */
    record Seg(long paddr, byte[] data, long memsz) {}

    static byte[] pattern(int len, int seed) {
        byte[] b = new byte[len];
        for (int i = 0; i < len; i++) {
            b[i] = (byte) (i * 7 + seed + (i >> 8));
        }
        return b;
    }

    static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Offset of the Multiboot header in {@link #multibootElf32}. */
    static final int MB_HEADER_OFFSET = 0x200;

    /**
     * ELF32 i386 executable: header at 0, program headers at 52, the Multiboot header at 0x200, segment
     * contents at 0x1000, 0x2000, ... (each segment's file data gets its own 4 KiB-aligned slot).
     */
    static byte[] multibootElf32(int mbFlags, long entry, Seg... segs) {
        int dataStart = 0x1000;
        int size = dataStart;
        for (Seg s : segs) {
            size += (s.data().length + 0xFFF) & ~0xFFF;
        }
        byte[] b = new byte[Math.max(size, dataStart)];
        ByteBuffer bb = le(b);
        b[0] = 0x7F; b[1] = 'E'; b[2] = 'L'; b[3] = 'F';
        b[4] = 1;   // ELFCLASS32
        b[5] = 1;   // ELFDATA2LSB
        b[6] = 1;   // EV_CURRENT
        bb.putShort(16, (short) 2);        // ET_EXEC
        bb.putShort(18, (short) 3);        // EM_386
        bb.putInt(20, 1);                  // e_version
        bb.putInt(24, (int) entry);        // e_entry
        bb.putInt(28, 52);                 // e_phoff
        bb.putShort(40, (short) 52);       // e_ehsize
        bb.putShort(42, (short) 32);       // e_phentsize
        bb.putShort(44, (short) segs.length);
        int off = dataStart;
        for (int i = 0; i < segs.length; i++) {
            Seg s = segs[i];
            int ph = 52 + i * 32;
            bb.putInt(ph, 1);                       // PT_LOAD
            bb.putInt(ph + 4, off);                 // p_offset
            bb.putInt(ph + 8, (int) s.paddr());     // p_vaddr
            bb.putInt(ph + 12, (int) s.paddr());    // p_paddr
            bb.putInt(ph + 16, s.data().length);    // p_filesz
            bb.putInt(ph + 20, (int) s.memsz());    // p_memsz
            bb.putInt(ph + 24, 7);                  // RWX
            bb.putInt(ph + 28, 0x1000);
            System.arraycopy(s.data(), 0, b, off, s.data().length);
            off += (s.data().length + 0xFFF) & ~0xFFF;
        }
        bb.putInt(MB_HEADER_OFFSET, 0x1BADB002);
        bb.putInt(MB_HEADER_OFFSET + 4, mbFlags);
        bb.putInt(MB_HEADER_OFFSET + 8, -(0x1BADB002 + mbFlags));
        return b;
    }

    /** ELF64 x86-64 executable: header at 0, program headers at 64, segment contents from 0x1000. */
    static byte[] elf64(long entry, Seg... segs) {
        int dataStart = 0x1000;
        int size = dataStart;
        for (Seg s : segs) {
            size += (s.data().length + 0xFFF) & ~0xFFF;
        }
        byte[] b = new byte[size];
        ByteBuffer bb = le(b);
        b[0] = 0x7F; b[1] = 'E'; b[2] = 'L'; b[3] = 'F';
        b[4] = 2;   // ELFCLASS64
        b[5] = 1;
        b[6] = 1;
        bb.putShort(16, (short) 2);        // ET_EXEC
        bb.putShort(18, (short) 62);       // EM_X86_64
        bb.putInt(20, 1);
        bb.putLong(24, entry);
        bb.putLong(32, 64);                // e_phoff
        bb.putShort(52, (short) 64);       // e_ehsize
        bb.putShort(54, (short) 56);       // e_phentsize
        bb.putShort(56, (short) segs.length);
        int off = dataStart;
        for (int i = 0; i < segs.length; i++) {
            Seg s = segs[i];
            int ph = 64 + i * 56;
            bb.putInt(ph, 1);                    // PT_LOAD
            bb.putInt(ph + 4, 7);                // p_flags
            bb.putLong(ph + 8, off);             // p_offset
            bb.putLong(ph + 16, s.paddr() | 0xFFFF_FFFF_8000_0000L); // p_vaddr: a kernel-style high address
            bb.putLong(ph + 24, s.paddr());      // p_paddr
            bb.putLong(ph + 32, s.data().length);
            bb.putLong(ph + 40, s.memsz());
            bb.putLong(ph + 48, 0x200000);
            System.arraycopy(s.data(), 0, b, off, s.data().length);
            off += (s.data().length + 0xFFF) & ~0xFFF;
        }
        return b;
    }

    static final int BZ_SETUP_SECTS = 4;
    static final int BZ_PM_OFFSET = (BZ_SETUP_SECTS + 1) * 512; // 0xA00
    static final int BZ_PM_SIZE = 0x1800;

    /**
     * A fake bzImage, protocol 2.15: setup_sects 4, header up to 0x268, LOADED_HIGH, XLF_KERNEL_64 and
     * XLF_CAN_BE_LOADED_ABOVE_4G, cmdline_size 2047, initrd_addr_max 0x7fffffff, pref_address 16 MiB,
     * init_size 8 MiB; the protected-mode kernel (0x1800 bytes of pattern) starts at 0xA00.
     */
    static byte[] bzImage() {
        byte[] b = new byte[BZ_PM_OFFSET + BZ_PM_SIZE];
        ByteBuffer bb = le(b);
        for (int i = 0; i < 0x1F1; i++) {
            b[i] = (byte) 0xEE; // boot sector junk that must not reach the zero page
        }
        b[0x1F1] = BZ_SETUP_SECTS;
        bb.putShort(0x1FE, (short) 0xAA55);
        b[0x200] = (byte) 0xEB;
        b[0x201] = 0x66;                          // header ends at 0x202 + 0x66 = 0x268
        bb.putInt(0x202, 0x53726448);             // "HdrS"
        bb.putShort(0x206, (short) 0x020F);
        b[0x210] = 0;                             // type_of_loader
        b[0x211] = 0x01;                          // loadflags: LOADED_HIGH
        bb.putInt(0x214, 0x100000);               // code32_start
        bb.putInt(0x22C, 0x7FFFFFFF);             // initrd_addr_max
        bb.putInt(0x230, 0x200000);               // kernel_alignment
        b[0x234] = 1;                             // relocatable_kernel
        bb.putShort(0x236, (short) 0x0003);       // xloadflags
        bb.putInt(0x238, 2047);                   // cmdline_size
        bb.putLong(0x258, 0x1000000);             // pref_address
        bb.putInt(0x260, 0x800000);               // init_size
        bb.putInt(0x264, 0x12345678);             // kernel_info_offset (2.15)
        for (int i = 0x268; i < BZ_PM_OFFSET; i++) {
            b[i] = (byte) 0xDD; // setup code after the header: must not reach the zero page
        }
        byte[] pm = pattern(BZ_PM_SIZE, 3);
        System.arraycopy(pm, 0, b, BZ_PM_OFFSET, BZ_PM_SIZE);
        return b;
    }
}
