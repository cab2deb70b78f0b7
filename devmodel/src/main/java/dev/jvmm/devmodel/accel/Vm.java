package dev.jvmm.devmodel.accel;

import dev.jvmm.devmodel.irq.IrqChip;
import dev.jvmm.devmodel.memory.MemoryRegion;
import dev.jvmm.devmodel.vcpu.VcpuState;

/** A created VM: its vCPUs, interrupt controllers, run control and state. */
public interface Vm extends AutoCloseable {
    IrqChip irqChip();

    int vcpuCount();

    /** The complete state of vCPU {@code index}; only while the VM is not running. */
    VcpuState vcpuState(int index);

    /** Replaces the complete state of vCPU {@code index}; only while the VM is not running. */
    void setVcpuState(int index, VcpuState state);

    /** Starts one thread per vCPU; they run until the lifecycle's stop is requested. */
    void start();

    /** Stops every vCPU outside guest mode and waits until they are; idempotent. */
    void pause();

    void resume();

    /** Starts or stops tracking the pages the guest writes (off when the VM is created). */
    void setDirtyLogging(boolean on);

    /**
     * Pages of {@code region} the guest wrote since the previous call or since logging started (one
     * bit per 4 KiB page), cleared by the call. Throws IllegalStateException while logging is off.
     */
    long[] fetchAndClearDirtyLog(MemoryRegion region);

    /** Stops the vCPU threads if running and releases everything the VM holds. */
    @Override
    void close();
}
