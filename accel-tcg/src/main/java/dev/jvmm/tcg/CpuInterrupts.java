package dev.jvmm.tcg;

/** Where a software vCPU asks for external interrupts: its local APIC (and, through it, the PIC). */
interface CpuInterrupts {
    /** The vector to deliver now, or -1. */
    int pendingVector();

    /** The CPU is delivering {@code vector} (the INTA cycle). */
    void acknowledge(int vector);

    CpuInterrupts NONE = new CpuInterrupts() {
        public int pendingVector() {
            return -1;
        }

        public void acknowledge(int vector) {
        }
    };
}
