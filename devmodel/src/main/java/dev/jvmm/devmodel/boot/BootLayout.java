package dev.jvmm.devmodel.boot;

/**
 * Where the loaders put their boot structures in guest-physical memory. Everything lives in
 * [{@link #LOW_STRUCTURES_START}, {@link #LOW_STRUCTURES_END}), which kernel segments may not
 * overlap.
 */
public final class BootLayout {
    private BootLayout() {}

    /** The GDT: null, flat 32-bit code, 64-bit code, flat data. */
    public static final long GDT = 0x500;
    public static final int GDT_ENTRIES = 4;
    public static final int GDT_LIMIT = GDT_ENTRIES * 8 - 1;
    public static final int SELECTOR_CODE32 = 0x08;
    public static final int SELECTOR_CODE64 = 0x10;
    public static final int SELECTOR_DATA = 0x18;

    /** The Linux boot_params ("zero page") of the 64-bit boot protocol; RSI points here. */
    public static final long ZERO_PAGE = 0x7000;
    /** The boot stack occupies [0x8000, 0x9000); RSP starts just below its top. */
    public static final long BOOT_STACK = 0x8000;
    public static final long BOOT_STACK_POINTER = 0x8FF0;

    /** The Multiboot information page [0x9000, 0xA000): MBI, strings, module list, memory map. */
    public static final long MBI = 0x9000;
    public static final long MBI_BOOT_LOADER_NAME = 0x9060;
    public static final long MBI_MODULES = 0x9070;
    public static final long MBI_MODULE_STRING = 0x9080;
    public static final long MBI_MMAP = 0x9100;
    public static final int MBI_MMAP_MAX_ENTRIES = 32;
    public static final long MBI_CMDLINE = 0x9400;
    public static final long MBI_END = 0xA000;

    /** Identity map of the first 4 GiB with 2 MiB pages: PML4, PDPT, then four page directories. */
    public static final long PML4 = 0xA000;
    public static final long PDPT = 0xB000;
    public static final long PAGE_DIRECTORIES = 0xC000;
    public static final int PAGE_DIRECTORY_COUNT = 4;

    /** The kernel command line of the Linux boot protocols, NUL-terminated, at most 4095 bytes. */
    public static final long CMDLINE = 0x20000;
    public static final int CMDLINE_MAX = 4095;

    public static final long LOW_STRUCTURES_START = 0x500;
    public static final long LOW_STRUCTURES_END = 0x21000;

    /** Where the protected-mode part of a bzImage goes; its 64-bit entry point is 0x200 further. */
    public static final long BZIMAGE_KERNEL = 0x100000;
    public static final long BZIMAGE_ENTRY_64 = BZIMAGE_KERNEL + 0x200;

    public static final long PAGE = 0x1000;
    public static final long ONE_MIB = 0x100000;
    public static final long FOUR_GIB = dev.jvmm.devmodel.memory.GuestMemory.FOUR_GIB;
}
