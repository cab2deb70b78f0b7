package dev.jvmm.devmodel.vcpu;

/** Exceptions, interrupts, NMIs and SIPIs that are injected, pending or masked on a vCPU. */
public record VcpuEvents(boolean exceptionInjected, int exceptionNr, boolean exceptionHasErrorCode,
                         boolean exceptionPending, int exceptionErrorCode,
                         boolean interruptInjected, int interruptNr, boolean interruptSoft, int interruptShadow,
                         boolean nmiInjected, boolean nmiPending, boolean nmiMasked,
                         int sipiVector, boolean smm, boolean smiPending, boolean smmInsideNmi, boolean latchedInit) {
    public static final VcpuEvents NONE = new VcpuEvents(false, 0, false, false, 0, false, 0, false, 0,
        false, false, false, 0, false, false, false, false);
}
