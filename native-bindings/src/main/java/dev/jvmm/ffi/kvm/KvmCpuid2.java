package dev.jvmm.ffi.kvm;

import dev.jvmm.ffi.StructLayout;

/** struct kvm_cpuid2: a header, then struct kvm_cpuid_entry2[nent]. */
public final class KvmCpuid2 {
    private KvmCpuid2() {}

    public static final int HEADER_SIZE = 8;
    /** How many entries jvmm asks KVM_GET_SUPPORTED_CPUID for (QEMU and kvmtool use the same bound). */
    public static final int MAX_ENTRIES = 256;
    public static final int NENT = 0, ENTRIES = 8;
    public static final int ENTRY_SIZE = 40, E_FUNCTION = 0, E_INDEX = 4, E_FLAGS = 8, E_EAX = 12, E_EBX = 16,
        E_ECX = 20, E_EDX = 24;

    public static final StructLayout LAYOUT = StructLayout.of("struct kvm_cpuid2", HEADER_SIZE)
        .field("nent", NENT).field("entries", ENTRIES).build();
    public static final StructLayout ENTRY_LAYOUT = StructLayout.of("struct kvm_cpuid_entry2", ENTRY_SIZE)
        .field("function", E_FUNCTION).field("index", E_INDEX).field("flags", E_FLAGS).field("eax", E_EAX)
        .field("ebx", E_EBX).field("ecx", E_ECX).field("edx", E_EDX).build();
}
