package dev.jvmm.ffi.kvm;

import dev.jvmm.ffi.StructLayout;

/** struct kvm_vcpu_events: pending and injected exception, interrupt, NMI, SIPI and SMM state. */
public final class KvmVcpuEvents {
    private KvmVcpuEvents() {}

    public static final int EXC_INJECTED = 0, EXC_NR = 1, EXC_HAS_ERROR_CODE = 2, EXC_PENDING = 3, EXC_ERROR_CODE = 4;
    public static final int INT_INJECTED = 8, INT_NR = 9, INT_SOFT = 10, INT_SHADOW = 11;
    public static final int NMI_INJECTED = 12, NMI_PENDING = 13, NMI_MASKED = 14;
    public static final int SIPI_VECTOR = 16, FLAGS = 20;
    public static final int SMI_SMM = 24, SMI_PENDING = 25, SMI_INSIDE_NMI = 26, SMI_LATCHED_INIT = 27;
    public static final int SIZE = 64;
    public static final StructLayout LAYOUT = StructLayout.of("struct kvm_vcpu_events", SIZE)
        .field("exception.injected", EXC_INJECTED).field("exception.nr", EXC_NR)
        .field("exception.has_error_code", EXC_HAS_ERROR_CODE).field("exception.pending", EXC_PENDING)
        .field("exception.error_code", EXC_ERROR_CODE)
        .field("interrupt.injected", INT_INJECTED).field("interrupt.nr", INT_NR).field("interrupt.soft", INT_SOFT)
        .field("interrupt.shadow", INT_SHADOW)
        .field("nmi.injected", NMI_INJECTED).field("nmi.pending", NMI_PENDING).field("nmi.masked", NMI_MASKED)
        .field("sipi_vector", SIPI_VECTOR).field("flags", FLAGS)
        .field("smi.smm", SMI_SMM).field("smi.pending", SMI_PENDING).field("smi.smm_inside_nmi", SMI_INSIDE_NMI)
        .field("smi.latched_init", SMI_LATCHED_INIT).build();
}
