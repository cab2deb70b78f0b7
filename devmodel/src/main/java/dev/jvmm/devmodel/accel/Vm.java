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

    /**
     * Pages of {@code region} the guest wrote since the previous call (one bit per 4 KiB page),
     * cleared by the call; the accelerator tracks them from the VM's creation.
     */
    long[] fetchAndClearDirtyLog(MemoryRegion region);

    /** Stops the vCPU threads if running and releases everything the VM holds. */
    @Override
    void close();
}
