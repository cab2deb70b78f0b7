package dev.jvmm.ffi.kvm;

import dev.jvmm.ffi.StructLayout;

/** struct kvm_lapic_state: the local APIC's 1 KiB register page, in the architectural layout. */
public final class KvmLapicState {
    private KvmLapicState() {}

    public static final int REGS = 0, SIZE = 1024;
    public static final StructLayout LAYOUT = StructLayout.of("struct kvm_lapic_state", SIZE)
        .field("regs", REGS).build();
}
