package dev.jvmm.tcg;

import dev.jvmm.devmodel.accel.VmLifecycle;
import dev.jvmm.devmodel.accel.VmStop;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One software vCPU: its thread runs instructions in batches, takes external interrupts at
 * instruction boundaries, delivers guest exceptions (escalating to a double and a triple fault as
 * the hardware does), and parks when the VM is paused or the CPU halted.
 */
final class TcgVcpu implements Runnable {
    /** Instructions between checks for pause, stop and interrupts. */
    static final int BATCH = 1024;

    final Cpu cpu;
    final Sys sys;
    final Exec exec;
    private final VmLifecycle lifecycle;
    private final TcgRunControl control;
    private volatile CpuInterrupts interrupts = CpuInterrupts.NONE;
    private Thread thread;

    TcgVcpu(Cpu cpu, Object splitLock, VmLifecycle lifecycle, TcgRunControl control) {
        this.cpu = cpu;
        this.sys = new Sys(cpu, splitLock);
        this.exec = new Exec(cpu, sys);
        this.lifecycle = lifecycle;
        this.control = control;
    }

    void setInterrupts(CpuInterrupts interrupts) {
        this.interrupts = interrupts;
    }

    void start() {
        thread = new Thread(this, "vcpu-" + cpu.index);
        thread.start();
    }

    void join() throws InterruptedException {
        if (thread != null) {
            thread.join();
        }
    }

    boolean isAlive() {
        return thread != null && thread.isAlive();
    }

    /** Wakes the thread if it is halted or parked, so it looks at interrupts and flags again. */
    void wake() {
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public void run() {
        try {
            loop();
        } catch (Throwable e) {
            lifecycle.requestStop(new VmStop.HostFailure("vCPU " + cpu.index + ": " + e + "; "
                + TcgState.toVcpuState(cpu).summary()));
        } finally {
            control.exited();
        }
    }

    private void loop() {
        while (!lifecycle.isStopping()) {
            if (control.pauseRequested()) {
                if (!control.park()) {
                    return;
                }
                continue;
            }
            if (cpu.halted) {
                if (!takeInterrupt()) {
                    // Halted: sleep until an interrupt, a pause or a stop wakes us (bounded for timers).
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                }
                continue;
            }
            takeInterrupt();
            runBatch();
        }
    }

    /** Delivers a pending external interrupt if the CPU accepts one now; true if it did. */
    private boolean takeInterrupt() {
        if ((cpu.flagsRest & Cpu.IF) == 0 || cpu.interruptShadow > 0) {
            return false;
        }
        int vector = interrupts.pendingVector();
        if (vector < 0) {
            return false;
        }
        interrupts.acknowledge(vector);
        cpu.halted = false;
        deliverEvent(vector, false, 0, false);
        return true;
    }

    private void runBatch() {
        for (int i = 0; i < BATCH && !cpu.halted; i++) {
            try {
                exec.step();
            } catch (CpuFault f) {
                deliverEvent(f.vector, f.hasErrorCode, f.errorCode, true);
            }
            if (cpu.interruptShadow > 0) {
                cpu.interruptShadow--;
                if (cpu.interruptShadow == 0) {
                    return; // the instruction after STI/MOV SS is done: interrupts may come in now
                }
            }
            if (lifecycle.isStopping()) {
                return;
            }
        }
    }

    /**
     * Delivers an exception or interrupt; a fault while delivering becomes a double fault, and one
     * while delivering that a triple fault, which stops the VM (Intel SDM vol. 3, 6.15).
     */
    private void deliverEvent(int vector, boolean hasError, int errorCode, boolean exception) {
        try {
            sys.deliver(vector, hasError, errorCode, cpu.rip, false, exception);
        } catch (CpuFault second) {
            if (vector == CpuFault.DF) {
                tripleFault();
                return;
            }
            if (exception && !benignPair(vector, second.vector)) {
                try {
                    sys.deliver(CpuFault.DF, true, 0, cpu.rip, false, true);
                } catch (CpuFault third) {
                    tripleFault();
                }
            } else {
                deliverEvent(second.vector, second.hasErrorCode, second.errorCode, true);
            }
        }
    }

    /** Whether two exceptions are handled serially rather than as a double fault (SDM table 6-5). */
    private static boolean benignPair(int first, int second) {
        boolean firstContributory = first == 0 || (first >= 10 && first <= 13);
        boolean secondContributory = second == 0 || (second >= 10 && second <= 13);
        if (first == CpuFault.PF) {
            return !(second == CpuFault.PF || secondContributory);
        }
        return !(firstContributory && secondContributory);
    }

    private void tripleFault() {
        lifecycle.requestStop(new VmStop.TripleFault(cpu.index, TcgState.toVcpuState(cpu).summary()));
        cpu.halted = true;
    }
}
