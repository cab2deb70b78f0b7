package dev.jvmm.ffi.kvm;

import dev.jvmm.ffi.StructLayout;

/** struct kvm_xcrs: up to 16 extended control registers (XCR0 in practice). */
public final class KvmXcrs {
    private KvmXcrs() {}

    public static final int NR_XCRS = 0, FLAGS = 4, XCRS = 8, XCR_SIZE = 16, XCR_XCR = 0, XCR_VALUE = 8, MAX = 16;
    public static final StructLayout LAYOUT = StructLayout.of("struct kvm_xcrs", 392)
        .field("nr_xcrs", NR_XCRS).field("flags", FLAGS).field("xcrs", XCRS).build();
    public static final StructLayout XCR_LAYOUT = StructLayout.of("struct kvm_xcr", XCR_SIZE)
        .field("xcr", XCR_XCR).field("value", XCR_VALUE).build();
}
