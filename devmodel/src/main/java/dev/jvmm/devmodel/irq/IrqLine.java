package dev.jvmm.devmodel.irq;

/** One interrupt input of the platform's interrupt controllers (a GSI). */
@FunctionalInterface
public interface IrqLine {
    void set(boolean asserted);

    /** An edge: raise then lower, for edge-triggered ISA interrupts. */
    default void pulse() {
        set(true);
        set(false);
    }

    IrqLine NONE = asserted -> { };
}
