package dev.jvmm.kvm;

import static dev.jvmm.ffi.kvm.KvmConstants.*;

import dev.jvmm.devmodel.accel.VcpuPauseGate;
import dev.jvmm.devmodel.accel.VmLifecycle;
import dev.jvmm.devmodel.accel.VmStop;
import dev.jvmm.devmodel.bus.MmioBus;
import dev.jvmm.devmodel.bus.PortIoBus;
import dev.jvmm.ffi.LibC;
import dev.jvmm.ffi.Native;
import dev.jvmm.ffi.kvm.KvmRun;
import java.util.function.Supplier;
import sun.misc.Unsafe;

/**
 * One vCPU's thread: loops on KVM_RUN, dispatches port and MMIO exits to the buses, parks when the
 * VM is paused and ends when the VM stops. The dispatch path allocates nothing.
 */
final class KvmVcpuThread implements Runnable {
    private static final Unsafe U = Native.UNSAFE;
    private static final KvmExit HALT = new KvmExit.Halt();
    private static final KvmExit SHUTDOWN = new KvmExit.Shutdown();
    private static final KvmExit INTERRUPTED = new KvmExit.Interrupted();

    private final VcpuFd vcpu;
    private final PortIoBus pio;
    private final MmioBus mmio;
    private final VmLifecycle lifecycle;
    private final VcpuPauseGate control;
    private final Supplier<String> cpuSummary;
    private final long run;
    private final KvmExit.Pio pioExit;
    private final KvmExit.Mmio mmioExit;
    /** This thread's pthread_t while it runs, 0 otherwise; guarded by {@code this} so a kick never signals a thread that has gone. */
    private long pthread;
    private final Thread thread;
    /** The last exit was port or MMIO I/O that KVM completes only on the next KVM_RUN. */
    private boolean ioPending;

    KvmVcpuThread(VcpuFd vcpu, PortIoBus pio, MmioBus mmio, VmLifecycle lifecycle, VcpuPauseGate control,
                  Supplier<String> cpuSummary) {
        this.vcpu = vcpu;
        this.pio = pio;
        this.mmio = mmio;
        this.lifecycle = lifecycle;
        this.control = control;
        this.cpuSummary = cpuSummary;
        this.run = vcpu.runAddress();
        this.pioExit = new KvmExit.Pio(run);
        this.mmioExit = new KvmExit.Mmio(run);
        this.thread = new Thread(this, "vcpu-" + vcpu.index());
    }

    void start() {
        thread.start();
    }

    void join() {
        VcpuPauseGate.joinUninterruptibly(thread);
    }

    boolean isAlive() {
        return thread.isAlive();
    }

    /**
     * Makes KVM_RUN return as soon as possible. Callers set their request flag first; then
     * immediate_exit covers a vCPU about to enter and the signal one already inside.
     */
    synchronized void kick() {
        vcpu.setImmediateExit(true);
        if (pthread != 0) {
            Native.libc().pthread_kill(pthread, LibC.SIGPIPE);
        }
    }

    @Override
    public void run() {
        synchronized (this) {
            pthread = Native.libc().pthread_self();
        }
        try {
            loop();
        } catch (Throwable e) {
            // Whatever went wrong, the VM must stop rather than wait forever for this vCPU.
            lifecycle.requestStop(new VmStop.HostFailure("vCPU " + vcpu.index() + ": " + e + "; " + cpuSummary.get()));
        } finally {
            synchronized (this) {
                pthread = 0;
            }
            control.exited();
        }
    }

    private void loop() {
        while (true) {
            if (lifecycle.isStopping()) {
                completePendingIo(); // the state read after a stop shows the last instruction completed
                return;
            }
            if (control.pauseRequested()) {
                completePendingIo();
                vcpu.setImmediateExit(false);
                if (!control.park()) {
                    return;
                }
                continue;
            }
            int rc = vcpu.run();
            if (rc < 0) {
                // Kicked: clear the request to leave, then look at the flags again. A kicker sets its
                // flag before immediate_exit, so the flag is visible by now and nothing is lost.
                vcpu.setImmediateExit(false);
                ioPending = false; // KVM completed the pending access before returning EINTR
                continue;
            }
            KvmExit exit = decode();
            ioPending = exit instanceof KvmExit.Pio || exit instanceof KvmExit.Mmio;
            if (!handle(exit)) {
                return;
            }
        }
    }

    /**
     * KVM finishes an IN or MMIO read (writing the register, advancing RIP) only on the next KVM_RUN.
     * Before the state is read from outside, enter once with immediate_exit so it does that and
     * returns at once (as KVM's API documentation asks of userspace).
     */
    private void completePendingIo() {
        if (ioPending) {
            vcpu.setImmediateExit(true);
            vcpu.run();
            ioPending = false;
        }
    }

    private KvmExit decode() {
        int reason = U.getInt(run + KvmRun.EXIT_REASON);
        return switch (reason) {
            case KVM_EXIT_IO -> pioExit;
            case KVM_EXIT_MMIO -> mmioExit;
            case KVM_EXIT_HLT -> HALT;
            case KVM_EXIT_SHUTDOWN -> SHUTDOWN;
            case KVM_EXIT_INTR -> INTERRUPTED;
            case KVM_EXIT_FAIL_ENTRY -> new KvmExit.FailEntry(U.getLong(run + KvmRun.FAIL_ENTRY_REASON),
                U.getInt(run + KvmRun.FAIL_ENTRY_CPU));
            case KVM_EXIT_INTERNAL_ERROR -> new KvmExit.InternalError(U.getInt(run + KvmRun.INTERNAL_SUBERROR));
            case KVM_EXIT_SYSTEM_EVENT -> new KvmExit.SystemEvent(U.getInt(run + KvmRun.SYSTEM_EVENT_TYPE));
            default -> new KvmExit.Other(reason);
        };
    }

    /** Handles one exit; false when this vCPU must stop. */
    private boolean handle(KvmExit exit) {
        if (exit instanceof KvmExit.Pio p) {
            handlePio(p);
            return true;
        } else if (exit instanceof KvmExit.Mmio m) {
            handleMmio(m);
            return true;
        } else if (exit instanceof KvmExit.Interrupted || exit instanceof KvmExit.Halt) {
            // A kick, or HLT without the in-kernel LAPIC (never created that way): look at the flags again.
            return true;
        } else if (exit instanceof KvmExit.Shutdown) {
            lifecycle.requestStop(new VmStop.TripleFault(vcpu.index(), cpuSummary.get()));
        } else if (exit instanceof KvmExit.FailEntry f) {
            lifecycle.requestStop(new VmStop.InternalError(vcpu.index(),
                String.format("VM entry failed (hardware reason 0x%x on host CPU %d)", f.hardwareReason(), f.cpu()),
                cpuSummary.get()));
        } else if (exit instanceof KvmExit.InternalError e) {
            lifecycle.requestStop(new VmStop.InternalError(vcpu.index(), internalErrorText(e.suberror()),
                cpuSummary.get()));
        } else if (exit instanceof KvmExit.SystemEvent s) {
            lifecycle.requestStop(switch (s.type()) {
                case KVM_SYSTEM_EVENT_SHUTDOWN -> new VmStop.PowerOff();
                case KVM_SYSTEM_EVENT_RESET -> new VmStop.Reset("KVM system event");
                default -> new VmStop.InternalError(vcpu.index(), "guest crash event " + s.type(), cpuSummary.get());
            });
        } else if (exit instanceof KvmExit.Other o) {
            lifecycle.requestStop(new VmStop.InternalError(vcpu.index(), "unexpected KVM exit reason " + o.reason(),
                cpuSummary.get()));
        }
        return false;
    }

    private void handlePio(KvmExit.Pio p) {
        int size = p.size();
        int port = p.port();
        int count = p.count();
        long data = run + p.dataOffset();
        if (p.isOut()) {
            for (int i = 0; i < count; i++, data += size) {
                pio.write(port, size, load(data, size));
            }
        } else {
            for (int i = 0; i < count; i++, data += size) {
                store(data, size, pio.read(port, size));
            }
        }
    }

    private void handleMmio(KvmExit.Mmio m) {
        int len = m.length();
        long addr = m.address();
        long data = m.dataAddress();
        if (len == 1 || len == 2 || len == 4 || len == 8) {
            if (m.isWrite()) {
                mmio.write(addr, len, load(data, len));
            } else {
                store(data, len, mmio.read(addr, len));
            }
        } else if (len > 0 && len <= 8) {
            // Odd lengths come from accesses split at a page boundary: deliver them byte by byte.
            for (int i = 0; i < len; i++) {
                if (m.isWrite()) {
                    mmio.write(addr + i, 1, U.getByte(data + i) & 0xFFL);
                } else {
                    U.putByte(data + i, (byte) mmio.read(addr + i, 1));
                }
            }
        }
    }

    private static long load(long addr, int size) {
        return switch (size) {
            case 1 -> U.getByte(addr) & 0xFFL;
            case 2 -> U.getShort(addr) & 0xFFFFL;
            case 4 -> U.getInt(addr) & 0xFFFF_FFFFL;
            default -> U.getLong(addr);
        };
    }

    private static void store(long addr, int size, long v) {
        switch (size) {
            case 1 -> U.putByte(addr, (byte) v);
            case 2 -> U.putShort(addr, (short) v);
            case 4 -> U.putInt(addr, (int) v);
            default -> U.putLong(addr, v);
        }
    }

    private static String internalErrorText(int suberror) {
        return switch (suberror) {
            case KVM_INTERNAL_ERROR_EMULATION -> "KVM could not emulate an instruction";
            case KVM_INTERNAL_ERROR_SIMUL_EX -> "exception while delivering an exception";
            case KVM_INTERNAL_ERROR_DELIVERY_EV -> "event delivery failed";
            default -> "KVM internal error " + suberror;
        };
    }
}
