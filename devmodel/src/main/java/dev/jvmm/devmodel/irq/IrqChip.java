package dev.jvmm.devmodel.irq;

/**
 * The platform's interrupt controllers as devices see them: numbered lines (GSIs). KVM backs it
 * with its in-kernel PIC/IOAPIC, the TCG and Xen with their own.
 */
public interface IrqChip {
    /** The line for GSI {@code gsi}; throws IllegalArgumentException if the chip has no such line. */
    IrqLine line(int gsi);
}
