package dev.jvmm.devmodel.vcpu;

/** A vCPU's multiprocessor state, as the local APIC's INIT/SIPI protocol defines it. */
public enum MpState {
    RUNNABLE, UNINITIALIZED, INIT_RECEIVED, HALTED, SIPI_RECEIVED
}
