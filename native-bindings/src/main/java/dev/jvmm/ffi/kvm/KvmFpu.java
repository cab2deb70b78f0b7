package dev.jvmm.ffi.kvm;

import dev.jvmm.ffi.StructLayout;

/** struct kvm_fpu: x87 and SSE state in the legacy (FXSAVE-like) shape. */
public final class KvmFpu {
    private KvmFpu() {}

    public static final int FPR = 0, FCW = 128, FSW = 130, FTWX = 132, LAST_OPCODE = 134, LAST_IP = 136,
        LAST_DP = 144, XMM = 152, MXCSR = 408;
    public static final StructLayout LAYOUT = StructLayout.of("struct kvm_fpu", 416)
        .field("fpr", FPR).field("fcw", FCW).field("fsw", FSW).field("ftwx", FTWX)
        .field("last_opcode", LAST_OPCODE).field("last_ip", LAST_IP).field("last_dp", LAST_DP)
        .field("xmm", XMM).field("mxcsr", MXCSR).build();
}
