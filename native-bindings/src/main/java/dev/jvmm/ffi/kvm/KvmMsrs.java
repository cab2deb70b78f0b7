package dev.jvmm.ffi.kvm;

import dev.jvmm.ffi.StructLayout;

/** struct kvm_msrs (a header, then struct kvm_msr_entry[nmsrs]); also kvm_msr_list's header. */
public final class KvmMsrs {
    private KvmMsrs() {}

    public static final int HEADER_SIZE = 8;
    public static final int NMSRS = 0, ENTRIES = 8;
    public static final int ENTRY_SIZE = 16, ENTRY_INDEX = 0, ENTRY_DATA = 8;

    public static final StructLayout LAYOUT = StructLayout.of("struct kvm_msrs", HEADER_SIZE)
        .field("nmsrs", NMSRS).field("entries", ENTRIES).build();
    public static final StructLayout ENTRY_LAYOUT = StructLayout.of("struct kvm_msr_entry", ENTRY_SIZE)
        .field("index", ENTRY_INDEX).field("data", ENTRY_DATA).build();
    public static final StructLayout LIST_LAYOUT = StructLayout.of("struct kvm_msr_list", 4)
        .field("nmsrs", 0).field("indices", 4).build();
}
