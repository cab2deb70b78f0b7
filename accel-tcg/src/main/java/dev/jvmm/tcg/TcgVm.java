package dev.jvmm.tcg;

import dev.jvmm.devmodel.accel.Vm;
import dev.jvmm.devmodel.accel.VmConfig;
import dev.jvmm.devmodel.accel.VmLifecycle;
import dev.jvmm.devmodel.accel.VmStop;
import dev.jvmm.devmodel.bus.IoBuses;
import dev.jvmm.devmodel.irq.IrqChip;
import dev.jvmm.devmodel.irq.IrqLine;
import dev.jvmm.devmodel.memory.GuestMemory;
import dev.jvmm.devmodel.memory.MemoryRegion;
import dev.jvmm.devmodel.vcpu.MpState;
import dev.jvmm.devmodel.vcpu.VcpuState;
import java.util.ArrayList;
import java.util.List;

/** A VM whose vCPUs are software CPUs, one thread each. */
final class TcgVm implements Vm {
    private final GuestMemory memory;
    private final VmLifecycle lifecycle;
    private final TcgRunControl control;
    private final List<TcgVcpu> vcpus = new ArrayList<>();
    private final IrqChip irqChip;
    private boolean started;
    private boolean closed;
    private boolean dirtyLogging;

    TcgVm(VmConfig config, GuestMemory memory, IoBuses buses, VmLifecycle lifecycle) {
        this.memory = memory;
        this.lifecycle = lifecycle;
        this.control = new TcgRunControl(lifecycle);
        Object splitLock = new Object();
        for (int i = 0; i < config.vcpus(); i++) {
            Cpu cpu = new Cpu(i, memory, buses.mmio(), buses.pio());
            if (i > 0) {
                cpu.halted = true; // application processors wait for INIT/SIPI
            }
            vcpus.add(new TcgVcpu(cpu, splitLock, lifecycle, control));
        }
        // Until the software interrupt controllers are wired in, interrupt lines go nowhere.
        this.irqChip = gsi -> {
            if (gsi < 0 || gsi >= 24) {
                throw new IllegalArgumentException("no GSI " + gsi);
            }
            return IrqLine.NONE;
        };
    }

    @Override
    public IrqChip irqChip() {
        return irqChip;
    }

    @Override
    public int vcpuCount() {
        return vcpus.size();
    }

    @Override
    public synchronized VcpuState vcpuState(int index) {
        requireNotRunning();
        return TcgState.toVcpuState(vcpus.get(index).cpu);
    }

    @Override
    public synchronized void setVcpuState(int index, VcpuState state) {
        requireNotRunning();
        TcgState.fromVcpuState(vcpus.get(index).cpu, state);
    }

    private void requireNotRunning() {
        if (started && !control.pauseRequested() && vcpus.stream().anyMatch(TcgVcpu::isAlive)) {
            throw new IllegalStateException("vCPU state is only accessible while the VM is paused");
        }
    }

    @Override
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("VM already started");
        }
        started = true;
        lifecycle.onStop(() -> {
            control.wakeAll();
            vcpus.forEach(TcgVcpu::wake);
        });
        vcpus.forEach(TcgVcpu::start);
    }

    @Override
    public synchronized void pause() {
        if (!started) {
            return;
        }
        control.requestPause();
        vcpus.forEach(TcgVcpu::wake);
        boolean interrupted = false;
        while (true) {
            try {
                control.awaitParked(vcpus.size());
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void resume() {
        control.resume();
    }

    @Override
    public synchronized void setDirtyLogging(boolean on) {
        if (on && !dirtyLogging) {
            // Every guest write goes through the software MMU, which marks pages in GuestMemory's
            // VMM bitmap; start from a clean slate.
            memory.regions().forEach(MemoryRegion::fetchAndClearVmmDirty);
        }
        dirtyLogging = on;
    }

    @Override
    public synchronized long[] fetchAndClearDirtyLog(MemoryRegion region) {
        if (!dirtyLogging) {
            throw new IllegalStateException("dirty logging is off: call setDirtyLogging(true) first");
        }
        return region.fetchAndClearVmmDirty();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (started) {
            lifecycle.requestStop(new VmStop.Quit("VM closed"));
            boolean interrupted = false;
            for (TcgVcpu v : vcpus) {
                v.wake();
                while (true) {
                    try {
                        v.join();
                        break;
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    MpState mpState(int index) {
        return vcpus.get(index).cpu.halted ? MpState.HALTED : MpState.RUNNABLE;
    }
}
