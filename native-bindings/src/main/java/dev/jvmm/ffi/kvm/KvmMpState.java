package dev.jvmm.ffi.kvm;

import dev.jvmm.ffi.StructLayout;

/** struct kvm_mp_state: one of the KVM_MP_STATE_* values. */
public final class KvmMpState {
    private KvmMpState() {}

    public static final int MP_STATE = 0;
    public static final StructLayout LAYOUT = StructLayout.of("struct kvm_mp_state", 4).field("mp_state", MP_STATE).build();
}
