package dev.jvmm.ffi.kvm;

import dev.jvmm.ffi.StructLayout;

/** struct kvm_clock_data: the guest's kvmclock time in ns. */
public final class KvmClockData {
    private KvmClockData() {}

    public static final int CLOCK = 0, FLAGS = 8;
    public static final StructLayout LAYOUT = StructLayout.of("struct kvm_clock_data", 48)
        .field("clock", CLOCK).field("flags", FLAGS).build();
}
