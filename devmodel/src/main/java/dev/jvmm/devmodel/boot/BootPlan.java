package dev.jvmm.devmodel.boot;

import dev.jvmm.devmodel.vcpu.BootCpu;
import java.util.Objects;

/**
 * The result of loading a kernel into guest memory: the boot processor's registers at entry.
 *
 * @param format      {@code "multiboot"}, {@code "elf64"} or {@code "bzimage"}
 * @param description one line for logs saying what was loaded where
 */
public record BootPlan(BootCpu cpu, String format, String description) {
    public static final String MULTIBOOT = "multiboot";
    public static final String ELF64 = "elf64";
    public static final String BZIMAGE = "bzimage";

    public BootPlan {
        Objects.requireNonNull(cpu, "cpu");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(description, "description");
    }
}
