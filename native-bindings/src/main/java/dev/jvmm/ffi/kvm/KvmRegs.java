package dev.jvmm.ffi.kvm;

import dev.jvmm.ffi.StructLayout;

/** struct kvm_regs: the general registers, RIP and RFLAGS, each a u64 in this order. */
public final class KvmRegs {
    private KvmRegs() {}

    /** Field names in kernel order; register i lives at offset 8*i. */
    public static final String[] NAMES = {"rax", "rbx", "rcx", "rdx", "rsi", "rdi", "rsp", "rbp",
        "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip", "rflags"};
    public static final int RAX = 0, RBX = 8, RCX = 16, RDX = 24, RSI = 32, RDI = 40, RSP = 48, RBP = 56,
        R8 = 64, RIP = 128, RFLAGS = 136;

    public static final StructLayout LAYOUT;

    static {
        var b = StructLayout.of("struct kvm_regs", 144);
        for (int i = 0; i < NAMES.length; i++) {
            b.field(NAMES[i], 8L * i);
        }
        LAYOUT = b.build();
    }
}
