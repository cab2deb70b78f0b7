package dev.jvmm.tcg;

import dev.jvmm.devmodel.accel.Accelerator;
import dev.jvmm.devmodel.accel.Availability;
import dev.jvmm.devmodel.accel.Vm;
import dev.jvmm.devmodel.accel.VmConfig;
import dev.jvmm.devmodel.accel.VmLifecycle;
import dev.jvmm.devmodel.bus.IoBuses;
import dev.jvmm.devmodel.memory.GuestMemory;

/** jvmm's own x86-64 CPU in software: available everywhere, preferred last. */
public final class TcgAccelerator implements Accelerator {
    @Override
    public String name() {
        return "tcg";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public Availability availability() {
        return Availability.yes();
    }

    @Override
    public Vm createVm(VmConfig config, GuestMemory memory, IoBuses buses, VmLifecycle lifecycle) {
        return new TcgVm(config, memory, buses, lifecycle);
    }
}
