package dev.jvmm.ffi.kvm;

import dev.jvmm.ffi.StructLayout;

/** struct kvm_sregs with its struct kvm_segment and struct kvm_dtable members. */
public final class KvmSregs {
    private KvmSregs() {}

    // struct kvm_segment
    public static final int SEG_SIZE = 24;
    public static final int SEG_BASE = 0, SEG_LIMIT = 8, SEG_SELECTOR = 12, SEG_TYPE = 14, SEG_PRESENT = 15,
        SEG_DPL = 16, SEG_DB = 17, SEG_S = 18, SEG_L = 19, SEG_G = 20, SEG_AVL = 21, SEG_UNUSABLE = 22;
    // struct kvm_dtable
    public static final int DT_BASE = 0, DT_LIMIT = 8;

    public static final String[] SEGMENTS = {"cs", "ds", "es", "fs", "gs", "ss", "tr", "ldt"};
    public static final int CS = 0, DS = 24, ES = 48, FS = 72, GS = 96, SS = 120, TR = 144, LDT = 168;
    public static final int GDT = 192, IDT = 208;
    public static final int CR0 = 224, CR2 = 232, CR3 = 240, CR4 = 248, CR8 = 256, EFER = 264, APIC_BASE = 272;
    public static final int INTERRUPT_BITMAP = 280;

    public static final StructLayout LAYOUT;
    public static final StructLayout SEGMENT_LAYOUT = StructLayout.of("struct kvm_segment", SEG_SIZE)
        .field("base", SEG_BASE).field("limit", SEG_LIMIT).field("selector", SEG_SELECTOR)
        .field("type", SEG_TYPE).field("present", SEG_PRESENT).field("dpl", SEG_DPL).field("db", SEG_DB)
        .field("s", SEG_S).field("l", SEG_L).field("g", SEG_G).field("avl", SEG_AVL)
        .field("unusable", SEG_UNUSABLE).build();
    public static final StructLayout DTABLE_LAYOUT = StructLayout.of("struct kvm_dtable", 16)
        .field("base", DT_BASE).field("limit", DT_LIMIT).build();

    static {
        var b = StructLayout.of("struct kvm_sregs", 312);
        for (int i = 0; i < SEGMENTS.length; i++) {
            b.field(SEGMENTS[i], (long) SEG_SIZE * i);
        }
        LAYOUT = b.field("gdt", GDT).field("idt", IDT).field("cr0", CR0).field("cr2", CR2).field("cr3", CR3)
            .field("cr4", CR4).field("cr8", CR8).field("efer", EFER).field("apic_base", APIC_BASE)
            .field("interrupt_bitmap", INTERRUPT_BITMAP).build();
    }
}
