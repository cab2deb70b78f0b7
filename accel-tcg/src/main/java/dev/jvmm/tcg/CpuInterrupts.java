package dev.jvmm.tcg;

/** Where a software vCPU takes external interrupts from: its local APIC (and, through it, the PIC). */
@FunctionalInterface
interface CpuInterrupts {
    /**
     * The vector to deliver now, already acknowledged (moved to the ISR, or the 8259's INTA cycle
     * run), or -1. Called only when the CPU can take an interrupt.
     */
    int take();

    CpuInterrupts NONE = () -> -1;
}
