package dev.jvmm.ffi.kvm;

import dev.jvmm.ffi.StructLayout;

/** struct kvm_irq_level: a GSI and the level to set it to. */
public final class KvmIrqLevel {
    private KvmIrqLevel() {}

    public static final int IRQ = 0, LEVEL = 4;
    public static final StructLayout LAYOUT = StructLayout.of("struct kvm_irq_level", 8)
        .field("irq", IRQ).field("level", LEVEL).build();
}
