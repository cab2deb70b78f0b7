package dev.jvmm.kvm;

import dev.jvmm.devmodel.irq.IrqChip;
import dev.jvmm.devmodel.irq.IrqLine;
import dev.jvmm.ffi.NativeBuffer;
import dev.jvmm.ffi.kvm.KvmIrqLevel;

/** The in-kernel PIC pair and IOAPIC as devices see them: GSIs 0-23, set with KVM_IRQ_LINE. */
final class KvmIrqLines implements IrqChip, AutoCloseable {
    static final int GSI_COUNT = 24;

    private final VmFd vm;
    private final NativeBuffer scratch = NativeBuffer.allocate(KvmIrqLevel.LAYOUT.size());
    private boolean closed;

    KvmIrqLines(VmFd vm) {
        this.vm = vm;
    }

    @Override
    public IrqLine line(int gsi) {
        if (gsi < 0 || gsi >= GSI_COUNT) {
            throw new IllegalArgumentException("no GSI " + gsi + " (the in-kernel IOAPIC has " + GSI_COUNT + ")");
        }
        return asserted -> set(gsi, asserted);
    }

    private synchronized void set(int gsi, boolean asserted) {
        if (closed) {
            return; // a device raising a line while the VM is torn down has nobody to tell
        }
        vm.irqLine(scratch, gsi, asserted);
    }

    @Override
    public synchronized void close() {
        closed = true;
        scratch.close();
    }
}
