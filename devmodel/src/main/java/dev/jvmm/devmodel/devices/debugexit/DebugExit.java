package dev.jvmm.devmodel.devices.debugexit;

import dev.jvmm.devmodel.accel.VmLifecycle;
import dev.jvmm.devmodel.accel.VmStop;
import dev.jvmm.devmodel.bus.BusDevice;

/**
 * QEMU's isa-debug-exit: a write of {@code v} stops the VM and the process exits with
 * {@code (v << 1) | 1}, so a guest test can report its result. Stateless, so it has no state record.
 */
public final class DebugExit implements BusDevice {
    public static final int PORT = 0xF4;
    public static final int WIDTH = 4;

    private final VmLifecycle lifecycle;

    public DebugExit(VmLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Override
    public long read(long offset, int size) {
        return -1L;
    }

    @Override
    public void write(long offset, int size, long value) {
        lifecycle.requestStop(new VmStop.DebugExit((int) value));
    }
}
