package dev.jvmm.devmodel.irqchip.apic;

/**
 * A local APIC for save, restore and moves between accelerators: exactly what {@code
 * VcpuState} holds for it. {@code registers} is the 1 KiB register page in architectural layout
 * (the layout of KVM's {@code kvm_lapic_state}): the register at MMIO offset X is the 32-bit
 * little-endian word at byte X; the timer's current count (0x390) is saved as it read at the
 * time, and a restore continues counting from it. {@code apicBaseMsr} is IA32_APIC_BASE and
 * {@code tscDeadline} IA32_TSC_DEADLINE (0 when disarmed). {@code extIntPending} is an ExtINT
 * message from an IOAPIC not yet taken by the CPU (false in states from other accelerators).
 */
public record LocalApicState(byte[] registers, long apicBaseMsr, long tscDeadline, boolean extIntPending) {
    public LocalApicState {
        if (registers.length != LocalApic.PAGE_SIZE) {
            throw new IllegalArgumentException("the APIC register page is " + LocalApic.PAGE_SIZE + " bytes");
        }
        registers = registers.clone();
    }

    public LocalApicState(byte[] registers, long apicBaseMsr, long tscDeadline) {
        this(registers, apicBaseMsr, tscDeadline, false);
    }

    @Override
    public byte[] registers() {
        return registers.clone();
    }

    /** The 32-bit register at page offset {@code offset} (16-byte aligned, below 0x400). */
    public int register(int offset) {
        return (registers[offset] & 0xFF) | (registers[offset + 1] & 0xFF) << 8 | (registers[offset + 2] & 0xFF) << 16
            | (registers[offset + 3] & 0xFF) << 24;
    }
}
