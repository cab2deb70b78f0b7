package dev.jvmm.ffi.kvm;

import dev.jvmm.ffi.StructLayout;

/** struct kvm_pit_config, the argument of KVM_CREATE_PIT2. */
public final class KvmPitConfig {
    private KvmPitConfig() {}

    public static final int FLAGS = 0;
    public static final StructLayout LAYOUT = StructLayout.of("struct kvm_pit_config", 64).field("flags", FLAGS).build();
}
