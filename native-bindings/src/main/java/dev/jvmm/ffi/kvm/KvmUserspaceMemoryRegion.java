package dev.jvmm.ffi.kvm;

import dev.jvmm.ffi.StructLayout;

/** struct kvm_userspace_memory_region. */
public final class KvmUserspaceMemoryRegion {
    private KvmUserspaceMemoryRegion() {}

    public static final int SLOT = 0, FLAGS = 4, GUEST_PHYS_ADDR = 8, MEMORY_SIZE = 16, USERSPACE_ADDR = 24;
    public static final StructLayout LAYOUT = StructLayout.of("struct kvm_userspace_memory_region", 32)
        .field("slot", SLOT).field("flags", FLAGS).field("guest_phys_addr", GUEST_PHYS_ADDR)
        .field("memory_size", MEMORY_SIZE).field("userspace_addr", USERSPACE_ADDR).build();
}
