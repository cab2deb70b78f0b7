package dev.jvmm.devmodel.boot;

import dev.jvmm.devmodel.memory.GuestMemory;
import dev.jvmm.devmodel.memory.GuestMemoryException;
import java.util.Objects;

/**
 * Loads a guest kernel into guest memory and says how the boot processor must start it. Three
 * formats are recognised, in this order:
 * <ol>
 * <li>an ELF32 file carrying a Multiboot (v1) header: entered in 32-bit protected mode with the
 *     Multiboot information at {@link BootLayout#MBI};</li>
 * <li>an x86-64 ELF executable (a Linux vmlinux, for instance): entered in long mode at
 *     {@code e_entry} with a Linux zero page, as the 64-bit boot protocol does;</li>
 * <li>a Linux bzImage (protocol 2.12 or later with a 64-bit kernel): entered at its 64-bit entry
 *     point.</li>
 * </ol>
 * Images are untrusted: anything malformed becomes a {@link BootException}.
 */
public final class KernelLoader {
    private KernelLoader() {}

    private static final String EXPECTED = "a Multiboot ELF32 image, an ELF64 x86-64 executable or a Linux bzImage";

    /**
     * Loads {@code kernel} (and {@code initrdOrNull}) into {@code memory} and writes the boot
     * structures its protocol needs.
     *
     * @param name    the image's name (usually its path), used in messages only
     * @param cmdline the kernel command line; null is the empty line
     */
    public static BootPlan load(GuestMemory memory, String name, byte[] kernel, String cmdline, byte[] initrdOrNull)
        throws BootException {
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(kernel, "kernel");
        Image img = new Image(name == null ? "(unnamed)" : name, kernel);
        String line = cmdline == null ? "" : cmdline;
        try {
            return dispatch(memory, img, line, initrdOrNull);
        } catch (GuestMemoryException | ArithmeticException e) {
            // Every range is checked before it is written; this is a last line of defence.
            throw img.error("cannot be loaded into guest memory: %s", e.getMessage());
        }
    }

    private static BootPlan dispatch(GuestMemory m, Image img, String cmdline, byte[] initrd) throws BootException {
        if (img.length() == 0) {
            throw img.error("the file is empty; expected %s", EXPECTED);
        }
        MultibootLoader.Header multiboot = MultibootLoader.find(img);
        boolean elf = Elf.isElf(img);
        int elfClass = elf ? Elf.elfClass(img) : -1;
        if (multiboot != null && elf && elfClass == Elf.CLASS_32) {
            return MultibootLoader.load(m, img, multiboot, cmdline, initrd);
        }
        if (elf && elfClass == Elf.CLASS_64) {
            return Elf64Loader.load(m, img, cmdline, initrd);
        }
        if (BzImageLoader.isBzImage(img)) {
            return BzImageLoader.load(m, img, cmdline, initrd);
        }
        if (multiboot != null) {
            if ((multiboot.flags() & MultibootLoader.HF_AOUT_KLUDGE) != 0) {
                throw img.error("the file has a Multiboot header (at offset 0x%x) that asks for the a.out kludge "
                    + "(flag bit 16) and is not an ELF32 file; jvmm loads Multiboot kernels only from ELF32 "
                    + "files", multiboot.offset());
            }
            throw img.error("the file has a Multiboot header (at offset 0x%x) but is not an ELF32 file (and does not "
                + "use the a.out kludge); jvmm loads Multiboot kernels only from ELF32 files", multiboot.offset());
        }
        if (elf && elfClass == Elf.CLASS_32) {
            throw img.error("ELF32 file without a Multiboot header: a 32-bit kernel must carry a Multiboot header "
                + "(magic 0x1badb002, valid checksum) in its first 8192 bytes; expected %s", EXPECTED);
        }
        if (elf) {
            throw img.error("ELF file of unknown class %d (neither ELF32 nor ELF64); expected %s", elfClass,
                EXPECTED);
        }
        throw img.error("not %s (found: %s)", EXPECTED, img.sniff());
    }
}
