package dev.jvmm.ffi.kvm;

import dev.jvmm.ffi.StructLayout;

/** struct kvm_xsave: the XSAVE area in the standard (non-compacted) format. */
public final class KvmXsave {
    private KvmXsave() {}

    public static final int REGION = 0, SIZE = 4096;
    public static final StructLayout LAYOUT = StructLayout.of("struct kvm_xsave", SIZE).field("region", REGION).build();
}
