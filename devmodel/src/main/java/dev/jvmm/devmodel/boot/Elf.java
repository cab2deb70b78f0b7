package dev.jvmm.devmodel.boot;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The parts of an ELF executable a kernel loader needs, validated against the file's size. */
final class Elf {
    static final int CLASS_32 = 1;
    static final int CLASS_64 = 2;
    static final int DATA_LSB = 1;
    static final int ET_EXEC = 2;
    static final int ET_DYN = 3;
    static final int EM_386 = 3;
    static final int EM_X86_64 = 62;
    static final int PT_LOAD = 1;
    static final int PN_XNUM = 0xFFFF;
    /** x86 physical addresses have at most 52 bits; bounding both terms keeps every sum exact. */
    static final long MAX_PHYS = 1L << 52;

    /** A PT_LOAD segment with a non-empty memory image; all values are unsigned and checked. */
    record Segment(int index, long offset, long paddr, long filesz, long memsz) {
        long end() {
            return paddr + memsz;
        }
    }

    final int elfClass;
    final int type;
    final int machine;
    final long entry;
    final List<Segment> loads;

    private Elf(int elfClass, int type, int machine, long entry, List<Segment> loads) {
        this.elfClass = elfClass;
        this.type = type;
        this.machine = machine;
        this.entry = entry;
        this.loads = loads;
    }

    static boolean isElf(Image img) {
        byte[] b = img.bytes;
        return b.length >= 4 && (b[0] & 0xFF) == 0x7F && b[1] == 'E' && b[2] == 'L' && b[3] == 'F';
    }

    /** EI_CLASS of an ELF file (1 = 32-bit, 2 = 64-bit), or -1 if the file is too short. */
    static int elfClass(Image img) {
        return img.length() > 4 ? img.bytes[4] & 0xFF : -1;
    }

    static String machineName(int machine) {
        return switch (machine) {
            case EM_386 -> "i386";
            case EM_X86_64 -> "x86-64";
            case 40 -> "ARM";
            case 183 -> "AArch64";
            case 243 -> "RISC-V";
            case 8 -> "MIPS";
            case 20 -> "PowerPC";
            case 21 -> "PowerPC64";
            default -> "machine " + machine;
        };
    }

    static String typeName(int type) {
        return switch (type) {
            case 1 -> "a relocatable object (ET_REL)";
            case ET_EXEC -> "an executable (ET_EXEC)";
            case ET_DYN -> "a position-independent executable or shared object (ET_DYN)";
            case 4 -> "a core dump (ET_CORE)";
            default -> "type " + type;
        };
    }

    /** Parses the header only (identification, type, machine); the caller checks them first. */
    static Elf parseHeader(Image img) throws BootException {
        int cls = elfClass(img);
        boolean is64 = cls == CLASS_64;
        int ehsize = is64 ? 64 : 52;
        if (img.length() < ehsize) {
            throw img.error("truncated ELF header: the file has %d bytes, an ELF%d header needs %d",
                img.length(), is64 ? 64 : 32, ehsize);
        }
        if ((img.bytes[5] & 0xFF) != DATA_LSB) {
            throw img.error("ELF data encoding %d is not little-endian; x86 kernels are little-endian",
                img.bytes[5] & 0xFF);
        }
        int type = img.u16(16, "e_type");
        int machine = img.u16(18, "e_machine");
        long entry = is64 ? img.u64(24, "e_entry") : img.u32(24, "e_entry");
        return new Elf(cls, type, machine, entry, List.of());
    }

    /** Parses and validates the header and every PT_LOAD program header. */
    static Elf parse(Image img) throws BootException {
        Elf h = parseHeader(img);
        boolean is64 = h.elfClass == CLASS_64;
        long phoff = is64 ? img.u64(32, "e_phoff") : img.u32(28, "e_phoff");
        int phentsize = img.u16(is64 ? 54 : 42, "e_phentsize");
        int phnum = img.u16(is64 ? 56 : 44, "e_phnum");
        int minEntry = is64 ? 56 : 32;
        if (phnum == 0) {
            throw img.error("the ELF file has no program headers, so there is nothing to load");
        }
        if (phnum == PN_XNUM) {
            throw img.error("the ELF file uses extended program header numbering (e_phnum = 0xffff), "
                + "which is not supported");
        }
        if (phentsize < minEntry) {
            throw img.error("ELF program header entries are %d bytes (e_phentsize), at least %d expected",
                phentsize, minEntry);
        }
        long tableSize = (long) phnum * phentsize; // both are 16-bit: no overflow in a long
        if (!img.has(phoff, tableSize)) {
            throw img.error("the ELF program header table (offset 0x%s, %d entries of %d bytes) "
                + "extends beyond the end of the file (%d bytes)", Long.toUnsignedString(phoff, 16), phnum,
                phentsize, img.length());
        }
        List<Segment> loads = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            long ph = phoff + (long) i * phentsize;
            if (img.u32(ph, "p_type") != PT_LOAD) {
                continue;
            }
            long offset;
            long paddr;
            long filesz;
            long memsz;
            if (is64) {
                offset = img.u64(ph + 8, "p_offset");
                paddr = img.u64(ph + 24, "p_paddr");
                filesz = img.u64(ph + 32, "p_filesz");
                memsz = img.u64(ph + 40, "p_memsz");
            } else {
                offset = img.u32(ph + 4, "p_offset");
                paddr = img.u32(ph + 12, "p_paddr");
                filesz = img.u32(ph + 16, "p_filesz");
                memsz = img.u32(ph + 20, "p_memsz");
            }
            if (Long.compareUnsigned(memsz, filesz) < 0) {
                throw img.error("program header %d is malformed: p_memsz 0x%s is smaller than p_filesz 0x%s",
                    i, Long.toUnsignedString(memsz, 16), Long.toUnsignedString(filesz, 16));
            }
            if (!img.has(offset, filesz)) {
                throw img.error("program header %d says its contents are at file offset 0x%s, 0x%s bytes long, "
                    + "but the file is only %d bytes (truncated or corrupt image?)", i,
                    Long.toUnsignedString(offset, 16), Long.toUnsignedString(filesz, 16), img.length());
            }
            if (Long.compareUnsigned(paddr, MAX_PHYS) > 0 || Long.compareUnsigned(memsz, MAX_PHYS) > 0) {
                throw img.error("program header %d places 0x%s bytes at physical address 0x%s, beyond the "
                    + "52-bit physical address space", i, Long.toUnsignedString(memsz, 16),
                    Long.toUnsignedString(paddr, 16));
            }
            if (memsz == 0) {
                continue;
            }
            loads.add(new Segment(i, offset, paddr, filesz, memsz));
        }
        if (loads.isEmpty()) {
            throw img.error("the ELF file has no loadable (PT_LOAD) segment with contents");
        }
        List<Segment> sorted = new ArrayList<>(loads);
        sorted.sort(Comparator.comparingLong(Segment::paddr));
        for (int i = 1; i < sorted.size(); i++) {
            Segment a = sorted.get(i - 1);
            Segment b = sorted.get(i);
            if (a.end() > b.paddr()) {
                throw img.error("program headers %d (0x%x-0x%x) and %d (0x%x-0x%x) overlap in physical memory",
                    a.index(), a.paddr(), a.end() - 1, b.index(), b.paddr(), b.end() - 1);
            }
        }
        return new Elf(h.elfClass, h.type, h.machine, h.entry, List.copyOf(sorted));
    }

    /** One past the highest byte any segment occupies. */
    long highestEnd() {
        long end = 0;
        for (Segment s : loads) {
            end = Math.max(end, s.end());
        }
        return end;
    }

    long lowestAddress() {
        long start = Long.MAX_VALUE;
        for (Segment s : loads) {
            start = Math.min(start, s.paddr());
        }
        return start;
    }
}
