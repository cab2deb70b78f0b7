package dev.jvmm.kvm;

import dev.jvmm.devmodel.accel.Vm;
import dev.jvmm.devmodel.accel.VmConfig;
import dev.jvmm.devmodel.accel.VcpuPauseGate;
import dev.jvmm.devmodel.accel.VmLifecycle;
import dev.jvmm.devmodel.bus.IoBuses;
import dev.jvmm.devmodel.irq.IrqChip;
import dev.jvmm.devmodel.memory.GuestMemory;
import dev.jvmm.devmodel.memory.MemoryRegion;
import dev.jvmm.devmodel.vcpu.VcpuState;
import dev.jvmm.ffi.Native;
import dev.jvmm.ffi.NativeBuffer;
import dev.jvmm.ffi.kvm.KvmIoctl;
import dev.jvmm.ffi.kvm.KvmMsrs;
import dev.jvmm.ffi.kvm.KvmConstants;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A VM on KVM: in-kernel irqchip and PIT, one memory slot per RAM region, one thread per vCPU. */
final class KvmVm implements Vm {
    /** Where KVM may put its real-mode TSS and identity map on Intel: just below the BIOS area, as QEMU does. */
    static final long TSS_ADDRESS = 0xFFFB_D000L;
    static final long IDENTITY_MAP_ADDRESS = 0xFFFB_C000L;

    /** MSRs that make up an OS's CPU state (issue: STAR...MTRRs); saved when KVM knows them. */
    static final int[] STATE_MSRS = {
        0x10, // TSC
        0x3B, // TSC_ADJUST
        0x48, // SPEC_CTRL
        0x174, 0x175, 0x176, // SYSENTER_CS/ESP/EIP
        0x1A0, // MISC_ENABLE
        0x200, 0x201, 0x202, 0x203, 0x204, 0x205, 0x206, 0x207, 0x208, 0x209, 0x20A, 0x20B, 0x20C, 0x20D,
        0x20E, 0x20F, // variable MTRRs
        0x250, 0x258, 0x259, 0x268, 0x269, 0x26A, 0x26B, 0x26C, 0x26D, 0x26E, 0x26F, // fixed MTRRs
        0x277, // PAT
        0x2FF, // MTRR default type
        0x6E0, // TSC deadline
        0xC0000081, 0xC0000082, 0xC0000083, 0xC0000084, // STAR, LSTAR, CSTAR, SFMASK
        0xC0000102, 0xC0000103, // KERNEL_GS_BASE, TSC_AUX
        0xDA0, // XSS
        0x4B564D00, 0x4B564D01, 0x4B564D02, 0x4B564D03, 0x4B564D04, // kvmclock, async PF, steal time, EOI
        0x4B564D05, 0x4B564D06, 0x4B564D07, // poll control, async PF interrupt and acknowledge
    };
    static final int MSR_MISC_ENABLE = 0x1A0, MSR_MTRR_DEF_TYPE = 0x2FF;
    static final long MISC_ENABLE_FAST_STRING = 1, MTRR_ENABLE_WRITE_BACK = (1 << 11) | 6;

    private final Kvm kvm;
    private final VmFd vm;
    private final KvmIrqLines irqChip;
    private final List<VcpuFd> vcpus = new ArrayList<>();
    private final List<KvmVcpuThread> threads = new ArrayList<>();
    private final boolean xsave;
    private final boolean xcrs;
    private KvmVcpuStateCodec codec;
    private final GuestMemory memory;
    private final IoBuses buses;
    private final VmLifecycle lifecycle;
    private final VcpuPauseGate control;
    private boolean started;
    private boolean closed;

    private KvmVm(Kvm kvm, VmFd vm, GuestMemory memory, IoBuses buses, VmLifecycle lifecycle, int vcpuCount,
                  boolean xsave, boolean xcrs) {
        this.kvm = kvm;
        this.vm = vm;
        this.memory = memory;
        this.buses = buses;
        this.lifecycle = lifecycle;
        this.xsave = xsave;
        this.xcrs = xcrs;
        this.irqChip = new KvmIrqLines(vm);
        this.control = new VcpuPauseGate(lifecycle);
    }

    static KvmVm create(String device, VmConfig config, GuestMemory memory, IoBuses buses, VmLifecycle lifecycle) {
        Kvm kvm = Kvm.open(device);
        KvmVm result = null;
        try {
            int max = Math.max(kvm.checkExtension(KvmConstants.KVM_CAP_MAX_VCPUS),
                kvm.checkExtension(KvmConstants.KVM_CAP_NR_VCPUS));
            if (config.vcpus() > max) {
                throw new dev.jvmm.devmodel.accel.AcceleratorException(
                    "KVM supports at most " + max + " vCPUs here; asked for " + config.vcpus());
            }
            VmFd vm = kvm.createVm();
            result = new KvmVm(kvm, vm, memory, buses, lifecycle, config.vcpus(),
                kvm.checkExtension(KvmConstants.KVM_CAP_XSAVE) > 0, kvm.checkExtension(KvmConstants.KVM_CAP_XCRS) > 0);
            result.setUp(config);
            return result;
        } catch (RuntimeException e) {
            if (result != null) {
                result.close();
            } else {
                kvm.close();
            }
            throw e;
        }
    }

    /**
     * The state MSRs this KVM can read and write back. KVM_GET_MSR_INDEX_LIST omits some it handles
     * (the MTRRs), so each is probed on the first vCPU instead.
     */
    private static int[] probeStateMsrs(VcpuFd vcpu) {
        NativeBuffer b = vcpu.scratch;
        return Arrays.stream(STATE_MSRS).filter(msr -> {
            b.clear();
            b.putInt(KvmMsrs.NMSRS, 1);
            b.putInt(KvmMsrs.ENTRIES + KvmMsrs.ENTRY_INDEX, msr);
            if (Native.libc().ioctl(vcpu.fd(), KvmIoctl.KVM_GET_MSRS, b.address()) != 1) {
                return false;
            }
            // Some MSRs read but refuse to be written back (XSS without XSAVES): those cannot be restored.
            return Native.libc().ioctl(vcpu.fd(), KvmIoctl.KVM_SET_MSRS, b.address()) == 1;
        }).toArray();
    }

    private void setUp(VmConfig config) {
        vm.setTssAddress(TSS_ADDRESS);
        vm.setIdentityMapAddress(IDENTITY_MAP_ADDRESS);
        vm.createIrqchip();
        vm.createPit2();
        mapMemory(false);
        try (NativeBuffer cpuid = kvm.supportedCpuid()) {
            for (int i = 0; i < config.vcpus(); i++) {
                VcpuFd v = vm.createVcpu(i);
                vcpus.add(v);
                CpuidSetup.apply(cpuid, v, config.vcpus());
                if (codec == null) {
                    codec = new KvmVcpuStateCodec(xsave, xcrs, probeStateMsrs(v));
                }
                VcpuState s = codec.get(v);
                TreeMap<Integer, Long> msrs = new TreeMap<>(s.msrs());
                // Fast strings on, MTRRs enabled with write-back default: what firmware leaves.
                msrs.computeIfPresent(MSR_MISC_ENABLE, (k, old) -> old | MISC_ENABLE_FAST_STRING);
                msrs.computeIfPresent(MSR_MTRR_DEF_TYPE, (k, old) -> MTRR_ENABLE_WRITE_BACK);
                codec.set(v, withMsrs(s, msrs));
            }
        }
    }

    private static VcpuState withMsrs(VcpuState s, Map<Integer, Long> msrs) {
        return new VcpuState(s.gprs(), s.rip(), s.rflags(), s.cs(), s.ds(), s.es(), s.fs(), s.gs(), s.ss(), s.tr(),
            s.ldt(), s.gdt(), s.idt(), s.cr0(), s.cr2(), s.cr3(), s.cr4(), s.cr8(), s.efer(), s.apicBase(),
            new TreeMap<>(msrs), s.xsave(), s.xcr0(), s.lapic(), s.events(), s.mpState(), s.pendingInterrupts());
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
        return codec.get(vcpus.get(index));
    }

    @Override
    public synchronized void setVcpuState(int index, VcpuState state) {
        requireNotRunning();
        codec.set(vcpus.get(index), state);
    }

    private void requireNotRunning() {
        if (started && !control.pauseRequested() && anyAlive()) {
            throw new IllegalStateException("vCPU state is only accessible while the VM is paused");
        }
    }

    private boolean anyAlive() {
        return threads.stream().anyMatch(KvmVcpuThread::isAlive);
    }

    @Override
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("VM already started");
        }
        started = true;
        for (VcpuFd v : vcpus) {
            KvmVcpuThread t = new KvmVcpuThread(v, buses.pio(), buses.mmio(), lifecycle, control,
                () -> summary(v));
            threads.add(t);
        }
        lifecycle.onStop(this::kickAll);
        threads.forEach(KvmVcpuThread::start);
    }

    /** RIP, CR0, CR3, CR4 and EFER of a vCPU, read on its own thread after it stopped running. */
    private String summary(VcpuFd v) {
        try {
            return codec.get(v).summary();
        } catch (RuntimeException e) {
            return "(registers unavailable: " + e.getMessage() + ")";
        }
    }

    private void kickAll() {
        control.wakeAll();
        threads.forEach(KvmVcpuThread::kick);
    }

    @Override
    public synchronized void pause() {
        if (!started) {
            return;
        }
        control.requestPause();
        threads.forEach(KvmVcpuThread::kick);
        control.awaitParked(threads.size());
    }

    @Override
    public synchronized void resume() {
        control.resume();
    }

    /** (Re)registers every RAM region as a memory slot, with or without KVM's dirty log. */
    private void mapMemory(boolean logDirty) {
        for (MemoryRegion r : memory.regions()) {
            vm.setUserMemoryRegion(r.slot(), r.gpa(), r.size(), r.hostAddress(), logDirty);
        }
        dirtyLogging = logDirty;
    }

    private boolean dirtyLogging;

    @Override
    public synchronized void setDirtyLogging(boolean on) {
        // Logging makes KVM map guest RAM with 4 KiB pages only, so it is on only while wanted.
        if (on != dirtyLogging) {
            mapMemory(on);
        }
    }

    @Override
    public synchronized long[] fetchAndClearDirtyLog(MemoryRegion region) {
        if (!dirtyLogging) {
            throw new IllegalStateException("dirty logging is off: call setDirtyLogging(true) first");
        }
        long words = (region.pageCount() + 63) / 64;
        try (NativeBuffer bitmap = NativeBuffer.allocate(words * 8)) {
            vm.getDirtyLog(region.slot(), bitmap);
            long[] out = new long[(int) words];
            for (int i = 0; i < out.length; i++) {
                out[i] = bitmap.getLong(8L * i);
            }
            return out;
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (started) {
            lifecycle.requestStop(new dev.jvmm.devmodel.accel.VmStop.Quit("VM closed"));
            kickAll();
            // Native resources go only after every vCPU thread is gone: a thread still in the exit
            // loop would write into an unmapped kvm_run.
            threads.forEach(KvmVcpuThread::join);
        }
        vcpus.forEach(VcpuFd::close);
        irqChip.close();
        vm.close();
        kvm.close();
    }
}
