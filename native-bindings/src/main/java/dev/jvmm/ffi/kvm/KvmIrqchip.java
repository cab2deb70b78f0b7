package dev.jvmm.ffi.kvm;

import dev.jvmm.ffi.StructLayout;

/** struct kvm_irqchip: a chip id (0 PIC master, 1 PIC slave, 2 IOAPIC) and 512 bytes of its state. */
public final class KvmIrqchip {
    private KvmIrqchip() {}

    public static final int CHIP_ID = 0, CHIP = 8, CHIP_SIZE = 512, SIZE = 520;
    public static final int PIC_MASTER = 0, PIC_SLAVE = 1, IOAPIC = 2;
    public static final StructLayout LAYOUT = StructLayout.of("struct kvm_irqchip", SIZE)
        .field("chip_id", CHIP_ID).field("chip", CHIP).build();
}
