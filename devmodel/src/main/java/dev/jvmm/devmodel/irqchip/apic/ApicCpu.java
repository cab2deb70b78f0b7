package dev.jvmm.devmodel.irqchip.apic;

/**
 * The processor behind a {@link LocalApic}, implemented by the vCPU. The APIC calls these from
 * whatever thread delivers the interrupt (a device, a timer, another vCPU sending an IPI), never
 * while holding its own lock; implementations must not block and should just record the event
 * and wake the vCPU thread.
 */
public interface ApicCpu {
    /** An interrupt may have become deliverable: check {@link LocalApic#pendingVector()}. */
    void wake();

    /** An INIT IPI arrived (the APIC has already reset its own registers, keeping its ID). */
    void init();

    /** A start-up IPI: start at {@code vector << 12} if waiting for SIPI, otherwise ignore it. */
    void startup(int vector);

    /** A non-maskable interrupt (NMI message or LINT pin programmed for NMI). */
    void nmi();

    /** A processor that ignores everything (for tests and for APICs without a CPU yet). */
    ApicCpu NONE = new ApicCpu() {
        @Override
        public void wake() { }

        @Override
        public void init() { }

        @Override
        public void startup(int vector) { }

        @Override
        public void nmi() { }
    };
}
