package dev.jvmm.ffi.kvm;

import dev.jvmm.ffi.StructLayout;

/** struct kvm_dirty_log: a slot and the address of the bitmap KVM fills in. */
public final class KvmDirtyLog {
    private KvmDirtyLog() {}

    public static final int SLOT = 0, DIRTY_BITMAP = 8;
    public static final StructLayout LAYOUT = StructLayout.of("struct kvm_dirty_log", 16)
        .field("slot", SLOT).field("dirty_bitmap", DIRTY_BITMAP).build();
}
