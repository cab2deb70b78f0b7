package dev.jvmm.tcg;

import dev.jvmm.devmodel.accel.Vm;
import dev.jvmm.devmodel.accel.VmConfig;
import dev.jvmm.devmodel.accel.VcpuPauseGate;
import dev.jvmm.devmodel.accel.VmLifecycle;
import dev.jvmm.devmodel.accel.VmStop;
import dev.jvmm.devmodel.bus.IoBuses;
import dev.jvmm.devmodel.irq.IrqChip;
import dev.jvmm.devmodel.irqchip.SoftIrqChip;
import dev.jvmm.devmodel.irqchip.TimerThread;
import dev.jvmm.devmodel.irqchip.apic.LocalApic;
import dev.jvmm.devmodel.irqchip.pit.Pit8254;
import dev.jvmm.devmodel.memory.GuestMemory;
import dev.jvmm.devmodel.memory.MemoryRegion;
import dev.jvmm.devmodel.vcpu.VcpuState;
import java.util.ArrayList;
import java.util.List;

/** A VM whose vCPUs are software CPUs, one thread each. */
final class TcgVm implements Vm {
    private final GuestMemory memory;
    private final VmLifecycle lifecycle;
    private final VcpuPauseGate control;
    private final List<TcgVcpu> vcpus = new ArrayList<>();
    /** The TCG's TSC counts nanoseconds (see Sys.tsc): a 1 GHz TSC for TSC-deadline timers. */
    static final long TSC_HZ = 1_000_000_000L;

    private final TimerThread timers = new TimerThread("tcg-timers");
    private final SoftIrqChip irqChip;
    private boolean started;
    private boolean closed;
    private boolean dirtyLogging;

    TcgVm(VmConfig config, GuestMemory memory, IoBuses buses, VmLifecycle lifecycle) {
        this.memory = memory;
        this.lifecycle = lifecycle;
        this.control = new VcpuPauseGate(lifecycle);
        Object splitLock = new Object();
        CodeCache codeCache = new CodeCache(memory);
        // No in-kernel controllers here: the PC's PIC, IOAPIC, local APICs and PIT are devmodel's.
        this.irqChip = new SoftIrqChip(timers, TSC_HZ);
        for (int i = 0; i < config.vcpus(); i++) {
            Cpu cpu = new Cpu(i, memory, buses.mmio(), buses.pio());
            TcgVcpu v = new TcgVcpu(cpu, splitLock, lifecycle, control, codeCache);
            LocalApic apic = irqChip.addCpu(i, v);
            cpu.apic = apic;
            cpu.apicBase = apic.apicBaseMsr();
            v.setInterrupts(() -> irqChip.acknowledgeInterrupt(apic), () -> irqChip.apicBus().bindCurrentThread(apic));
            if (i > 0) {
                cpu.waitForSipi = true; // application processors wait for INIT/SIPI
            }
            vcpus.add(v);
        }
        irqChip.registerOn(buses);
        new Pit8254(timers, irqChip.line(0)).registerOn(buses.pio());
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
        control.awaitParked(vcpus.size());
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
            for (TcgVcpu v : vcpus) {
                v.wake();
                v.join();
            }
        }
        timers.close();
    }
}
