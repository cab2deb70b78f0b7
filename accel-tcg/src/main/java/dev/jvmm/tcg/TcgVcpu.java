package dev.jvmm.tcg;

import dev.jvmm.devmodel.accel.VcpuPauseGate;
import dev.jvmm.devmodel.accel.VmLifecycle;
import dev.jvmm.devmodel.accel.VmStop;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One software vCPU: its thread runs instructions in batches, takes external interrupts at
 * instruction boundaries, delivers guest exceptions (escalating to a double and a triple fault as
 * the hardware does), and parks when the VM is paused or the CPU halted.
 */
final class TcgVcpu implements Runnable, dev.jvmm.devmodel.irqchip.apic.ApicCpu {
    /** Instructions between checks for pause, stop and interrupts. */
    static final int BATCH = 1024;

    final Cpu cpu;
    final Sys sys;
    final Exec exec;
    private final VmLifecycle lifecycle;
    private final VcpuPauseGate control;
    private volatile CpuInterrupts interrupts = CpuInterrupts.NONE;
    private volatile Runnable onThreadStart = () -> { };
    private volatile Thread thread;
    // INIT, SIPI and NMI arrive on other threads; this vCPU's thread applies them.
    private volatile boolean initPending;
    private volatile int sipiPending = -1;

    private final CodeCache codeCache;
    /** Direct-mapped cache of decoded blocks, by physical address and mode (like QEMU's jump cache). */
    private final Block[] blocks = new Block[4096];
    private final Insn decodeScratch = new Insn();
    private final Insn[] buildScratch = new Insn[Block.MAX_INSNS];

    TcgVcpu(Cpu cpu, Object splitLock, VmLifecycle lifecycle, VcpuPauseGate control, CodeCache codeCache) {
        this.cpu = cpu;
        this.codeCache = codeCache;
        this.sys = new Sys(cpu, splitLock);
        this.exec = new Exec(cpu, sys);
        this.lifecycle = lifecycle;
        this.control = control;
    }

    void setInterrupts(CpuInterrupts interrupts, Runnable onThreadStart) {
        this.interrupts = interrupts;
        this.onThreadStart = onThreadStart;
    }

    // ---- ApicCpu: called by the APIC bus on the sender's thread ----

    @Override
    public void init() {
        // INIT discards any earlier SIPI; SIPIs sent after it (on this same sender thread) stay
        // pending even if this vCPU processes the INIT only later.
        sipiPending = -1;
        initPending = true;
        wake();
    }

    @Override
    public void startup(int vector) {
        sipiPending = vector & 0xFF;
        wake();
    }

    @Override
    public void nmi() {
        cpu.nmiPending = true;
        wake();
    }

    void start() {
        thread = new Thread(this, "vcpu-" + cpu.index);
        thread.start();
    }

    void join() {
        if (thread != null) {
            VcpuPauseGate.joinUninterruptibly(thread);
        }
    }

    boolean isAlive() {
        return thread != null && thread.isAlive();
    }

    /** Wakes the thread if it is halted or parked, so it looks at interrupts and flags again. */
    @Override
    public void wake() {
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    @Override
    public void run() {
        try {
            onThreadStart.run();
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
            if (initPending) {
                initPending = false;
                enterWaitForSipi();
            }
            if (cpu.waitForSipi) {
                int v = sipiPending;
                if (v < 0) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                    continue;
                }
                startAt(v);
            }
            if (!initPending) {
                sipiPending = -1; // a SIPI outside wait-for-SIPI is ignored (unless its INIT is just in)
            }
            if (cpu.nmiPending && !cpu.nmiMasked && cpu.interruptShadow == 0) {
                cpu.nmiPending = false;
                cpu.nmiMasked = true; // until the handler's IRET
                cpu.halted = false;
                deliverEvent(CpuFault.NMI, false, 0, false);
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

    /** INIT: the processor resets (its APIC keeps its ID) and waits for a startup IPI (SDM 10.4.7.3). */
    private void enterWaitForSipi() {
        cpu.reset();
        cpu.waitForSipi = true;
        cpu.halted = false;
    }

    /** SIPI with vector V: real mode at V:0000, i.e. CS = V << 8, base V << 12, IP 0. */
    private void startAt(int vector) {
        sipiPending = -1;
        cpu.waitForSipi = false;
        cpu.cs.set(vector << 8, (long) vector << 12, 0xFFFF, 0xB | Seg.A_S | Seg.A_P);
        cpu.rip = 0;
    }

    /** Delivers a pending external interrupt if the CPU accepts one now; true if it did. */
    private boolean takeInterrupt() {
        if ((cpu.flagsRest & Cpu.IF) == 0 || cpu.interruptShadow > 0) {
            return false;
        }
        int vector = interrupts.take();
        if (vector < 0) {
            return false;
        }
        cpu.halted = false;
        deliverEvent(vector, false, 0, false);
        return true;
    }

    private void runBatch() {
        int done = 0;
        while (done < BATCH && !cpu.halted && !cpu.waitForSipi) {
            Block b = block();
            if (b == null) {
                done++;
                if (!stepOne(null)) {
                    return;
                }
                continue;
            }
            for (Insn insn : b.insns) {
                done++;
                if (!stepOne(insn)) {
                    return;
                }
                if (cpu.halted || cpu.rip != exec.ripMask(insn.start + insn.length)) {
                    break; // a branch, a fault or a REP that yields: continue from wherever RIP is
                }
                if (codeCache.generation(b.page) != b.generation) {
                    break; // the instruction wrote to its own page: decode the rest afresh
                }
            }
        }
    }

    /** Runs one instruction (decoding it unless given); false when the batch must end now. */
    private boolean stepOne(Insn decoded) {
        try {
            if (decoded == null) {
                exec.step();
            } else {
                exec.executeDecoded(decoded);
            }
        } catch (CpuFault f) {
            deliverEvent(f.vector, f.hasErrorCode, f.errorCode, true);
            return !lifecycle.isStopping();
        }
        if (cpu.interruptShadow > 0) {
            cpu.interruptShadow--;
            if (cpu.interruptShadow == 0) {
                return false; // the instruction after STI/MOV SS is done: interrupts may come in now
            }
        }
        return !lifecycle.isStopping();
    }

    /** The decoded block at CS:RIP, decoding it if needed; null where code cannot be cached. */
    private Block block() {
        long linear = cpu.cs.base + cpu.rip;
        boolean mode64 = cpu.code64();
        if (!mode64) {
            linear &= 0xFFFF_FFFFL;
        }
        long phys;
        try {
            phys = cpu.codePhys(linear);
        } catch (CpuFault f) {
            return null; // the plain step raises the same fault precisely
        }
        int page = codeCache.page(phys);
        if (page < 0) {
            return null; // code in MMIO is not cached
        }
        long key = phys | ((mode64 ? 1L : 0) << 60) | ((cpu.cs.db() ? 1L : 0) << 61) | ((cpu.cs.base & 0xF) << 56);
        int slot = (int) ((phys ^ (phys >>> 12)) & (blocks.length - 1));
        Block b = blocks[slot];
        if (b != null && b.key == key && b.generation == codeCache.generation(page)
            && b.insns[0].start == cpu.rip) {
            return b;
        }
        codeCache.markCode(page);
        int generation = codeCache.generation(page);
        long pc = cpu.rip;
        long pageEnd = (linear | 0xFFF) + 1;
        int n = 0;
        while (n < Block.MAX_INSNS) {
            try {
                Decoder.decodeAt(cpu, pc, decodeScratch);
            } catch (CpuFault f) {
                break;
            }
            long lin = linear + (pc - cpu.rip);
            if (lin + decodeScratch.length > pageEnd) {
                break; // an instruction that crosses into the next page is never cached
            }
            buildScratch[n++] = decodeScratch.copy();
            if (Block.endsBlock(decodeScratch)) {
                break;
            }
            pc = exec.ripMask(pc + decodeScratch.length);
            if (linear + (pc - cpu.rip) >= pageEnd) {
                break;
            }
        }
        if (n == 0) {
            return null;
        }
        b = new Block(key, page, generation, java.util.Arrays.copyOf(buildScratch, n));
        blocks[slot] = b;
        return b;
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
