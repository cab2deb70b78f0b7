package dev.jvmm.devmodel.accel;

import dev.jvmm.devmodel.bus.IoBuses;
import dev.jvmm.devmodel.memory.GuestMemory;

/**
 * A way to run guest code: KVM, Xen or the TCG. Found through {@link java.util.ServiceLoader}.
 */
public interface Accelerator {
    /** The name users pass to {@code --accel}. */
    String name();

    /** Preference when the user asks for {@code auto}: higher wins among available ones. */
    int priority();

    Availability availability();

    /**
     * Creates a VM over {@code memory} whose guest accesses outside RAM go to {@code buses}.
     * The VM's vCPUs do not run until {@link Vm#start()}.
     */
    Vm createVm(VmConfig config, GuestMemory memory, IoBuses buses, VmLifecycle lifecycle);
}
