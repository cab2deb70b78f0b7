package dev.jvmm.kvm;

import static dev.jvmm.ffi.kvm.KvmSregs.*;

import dev.jvmm.ffi.NativeBuffer;
import dev.jvmm.ffi.kvm.KvmConstants;
import dev.jvmm.ffi.kvm.KvmFpu;
import dev.jvmm.ffi.kvm.KvmIoctl;
import dev.jvmm.ffi.kvm.KvmMpState;
import dev.jvmm.ffi.kvm.KvmMsrs;
import dev.jvmm.ffi.kvm.KvmRegs;
import dev.jvmm.ffi.kvm.KvmVcpuEvents;
import dev.jvmm.ffi.kvm.KvmXcrs;
import dev.jvmm.ffi.kvm.KvmXsave;
import dev.jvmm.devmodel.vcpu.DescriptorTable;
import dev.jvmm.devmodel.vcpu.MpState;
import dev.jvmm.devmodel.vcpu.Segment;
import dev.jvmm.devmodel.vcpu.VcpuEvents;
import dev.jvmm.devmodel.vcpu.VcpuState;
import java.util.TreeMap;

/** Converts between KVM's vCPU structures and the accelerator-neutral {@link VcpuState}. */
final class KvmVcpuStateCodec {
    /** KVM's kvm_regs order, mapped to x86 encoding order (VcpuState's). */
    private static final int[] KVM_TO_ENCODING = {0, 3, 1, 2, 6, 7, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15};

    private final boolean xsave;
    private final boolean xcrs;
    private final int[] msrIndices;

    KvmVcpuStateCodec(boolean xsave, boolean xcrs, int[] msrIndices) {
        this.xsave = xsave;
        this.xcrs = xcrs;
        this.msrIndices = msrIndices.clone();
    }

    VcpuState get(VcpuFd v) {
        NativeBuffer b = v.scratch;
        b.clear();
        v.ioctlScratch(KvmIoctl.KVM_GET_REGS, "KVM_GET_REGS");
        long[] gprs = new long[VcpuState.GPR_COUNT];
        for (int i = 0; i < 16; i++) {
            gprs[KVM_TO_ENCODING[i]] = b.getLong(8L * i);
        }
        long rip = b.getLong(KvmRegs.RIP), rflags = b.getLong(KvmRegs.RFLAGS);

        b.clear();
        v.ioctlScratch(KvmIoctl.KVM_GET_SREGS, "KVM_GET_SREGS");
        Segment[] segs = new Segment[8];
        for (int i = 0; i < 8; i++) {
            segs[i] = readSegment(b, SEG_SIZE * i);
        }
        DescriptorTable gdt = new DescriptorTable(b.getLong(GDT + DT_BASE), b.getShort(GDT + DT_LIMIT) & 0xFFFF);
        DescriptorTable idt = new DescriptorTable(b.getLong(IDT + DT_BASE), b.getShort(IDT + DT_LIMIT) & 0xFFFF);
        long cr0 = b.getLong(CR0), cr2 = b.getLong(CR2), cr3 = b.getLong(CR3), cr4 = b.getLong(CR4),
            cr8 = b.getLong(CR8), efer = b.getLong(EFER), apicBase = b.getLong(APIC_BASE);
        long[] pending = new long[4];
        for (int i = 0; i < 4; i++) {
            pending[i] = b.getLong(INTERRUPT_BITMAP + 8L * i);
        }

        TreeMap<Integer, Long> msrs = new TreeMap<>();
        if (msrIndices.length > 0) {
            b.clear();
            b.putInt(KvmMsrs.NMSRS, msrIndices.length);
            for (int i = 0; i < msrIndices.length; i++) {
                b.putInt(KvmMsrs.ENTRIES + (long) KvmMsrs.ENTRY_SIZE * i + KvmMsrs.ENTRY_INDEX, msrIndices[i]);
            }
            int n = v.ioctl(KvmIoctl.KVM_GET_MSRS, b.address(), "KVM_GET_MSRS");
            for (int i = 0; i < n; i++) {
                long e = KvmMsrs.ENTRIES + (long) KvmMsrs.ENTRY_SIZE * i;
                msrs.put(b.getInt(e + KvmMsrs.ENTRY_INDEX), b.getLong(e + KvmMsrs.ENTRY_DATA));
            }
        }

        byte[] area = new byte[VcpuState.XSAVE_SIZE];
        b.clear();
        if (xsave) {
            v.ioctlScratch(KvmIoctl.KVM_GET_XSAVE, "KVM_GET_XSAVE");
            b.getBytes(0, area, 0, KvmXsave.SIZE);
        } else {
            v.ioctlScratch(KvmIoctl.KVM_GET_FPU, "KVM_GET_FPU");
            FxsaveImage.fromKvmFpu(b, area);
        }

        long xcr0 = 1;
        if (xcrs) {
            b.clear();
            v.ioctlScratch(KvmIoctl.KVM_GET_XCRS, "KVM_GET_XCRS");
            int n = Math.min(b.getInt(KvmXcrs.NR_XCRS), KvmXcrs.MAX);
            for (int i = 0; i < n; i++) {
                long e = KvmXcrs.XCRS + (long) KvmXcrs.XCR_SIZE * i;
                if (b.getInt(e + KvmXcrs.XCR_XCR) == 0) {
                    xcr0 = b.getLong(e + KvmXcrs.XCR_VALUE);
                }
            }
        }

        byte[] lapic = new byte[VcpuState.LAPIC_SIZE];
        b.clear();
        v.ioctlScratch(KvmIoctl.KVM_GET_LAPIC, "KVM_GET_LAPIC");
        b.getBytes(0, lapic, 0, VcpuState.LAPIC_SIZE);

        b.clear();
        v.ioctlScratch(KvmIoctl.KVM_GET_VCPU_EVENTS, "KVM_GET_VCPU_EVENTS");
        VcpuEvents events = readEvents(b);

        b.clear();
        v.ioctlScratch(KvmIoctl.KVM_GET_MP_STATE, "KVM_GET_MP_STATE");
        MpState mp = mpState(b.getInt(KvmMpState.MP_STATE));

        return new VcpuState(gprs, rip, rflags, segs[0], segs[1], segs[2], segs[3], segs[4], segs[5], segs[6],
            segs[7], gdt, idt, cr0, cr2, cr3, cr4, cr8, efer, apicBase, msrs, area, xcr0, lapic, events, mp,
            pending);
    }

    void set(VcpuFd v, VcpuState s) {
        NativeBuffer b = v.scratch;
        // Order as QEMU restores: sregs (mode) first, then registers, FPU, XCRs, MSRs, LAPIC, events, MP state.
        b.clear();
        Segment[] segs = {s.cs(), s.ds(), s.es(), s.fs(), s.gs(), s.ss(), s.tr(), s.ldt()};
        for (int i = 0; i < 8; i++) {
            writeSegment(b, SEG_SIZE * i, segs[i]);
        }
        b.putLong(GDT + DT_BASE, s.gdt().base());
        b.putShort(GDT + DT_LIMIT, s.gdt().limit());
        b.putLong(IDT + DT_BASE, s.idt().base());
        b.putShort(IDT + DT_LIMIT, s.idt().limit());
        b.putLong(CR0, s.cr0());
        b.putLong(CR2, s.cr2());
        b.putLong(CR3, s.cr3());
        b.putLong(CR4, s.cr4());
        b.putLong(CR8, s.cr8());
        b.putLong(EFER, s.efer());
        b.putLong(APIC_BASE, s.apicBase());
        long[] pending = s.pendingInterrupts();
        for (int i = 0; i < 4; i++) {
            b.putLong(INTERRUPT_BITMAP + 8L * i, pending[i]);
        }
        v.ioctlScratch(KvmIoctl.KVM_SET_SREGS, "KVM_SET_SREGS");

        b.clear();
        for (int i = 0; i < 16; i++) {
            b.putLong(8L * i, s.gpr(KVM_TO_ENCODING[i]));
        }
        b.putLong(KvmRegs.RIP, s.rip());
        b.putLong(KvmRegs.RFLAGS, s.rflags());
        v.ioctlScratch(KvmIoctl.KVM_SET_REGS, "KVM_SET_REGS");

        b.clear();
        if (xsave) {
            b.putBytes(0, s.xsave(), 0, KvmXsave.SIZE);
            v.ioctlScratch(KvmIoctl.KVM_SET_XSAVE, "KVM_SET_XSAVE");
        } else {
            FxsaveImage.toKvmFpu(s.xsave(), b);
            v.ioctlScratch(KvmIoctl.KVM_SET_FPU, "KVM_SET_FPU");
        }

        if (xcrs) {
            b.clear();
            b.putInt(KvmXcrs.NR_XCRS, 1);
            b.putInt(KvmXcrs.XCRS + KvmXcrs.XCR_XCR, 0);
            b.putLong(KvmXcrs.XCRS + KvmXcrs.XCR_VALUE, s.xcr0());
            v.ioctlScratch(KvmIoctl.KVM_SET_XCRS, "KVM_SET_XCRS");
        }

        if (!s.msrs().isEmpty()) {
            b.clear();
            b.putInt(KvmMsrs.NMSRS, s.msrs().size());
            int i = 0;
            for (var e : s.msrs().entrySet()) {
                long off = KvmMsrs.ENTRIES + (long) KvmMsrs.ENTRY_SIZE * i++;
                b.putInt(off + KvmMsrs.ENTRY_INDEX, e.getKey());
                b.putLong(off + KvmMsrs.ENTRY_DATA, e.getValue());
            }
            int n = v.ioctl(KvmIoctl.KVM_SET_MSRS, b.address(), "KVM_SET_MSRS");
            if (n != s.msrs().size()) {
                int failed = b.getInt(KvmMsrs.ENTRIES + (long) KvmMsrs.ENTRY_SIZE * n + KvmMsrs.ENTRY_INDEX);
                throw new IllegalStateException(String.format("KVM_SET_MSRS on vCPU %d refused MSR 0x%x", v.index(), failed));
            }
        }

        b.clear();
        b.putBytes(0, s.lapic(), 0, VcpuState.LAPIC_SIZE);
        v.ioctlScratch(KvmIoctl.KVM_SET_LAPIC, "KVM_SET_LAPIC");

        b.clear();
        writeEvents(b, s.events());
        v.ioctlScratch(KvmIoctl.KVM_SET_VCPU_EVENTS, "KVM_SET_VCPU_EVENTS");

        b.clear();
        b.putInt(KvmMpState.MP_STATE, s.mpState().ordinal());
        v.ioctlScratch(KvmIoctl.KVM_SET_MP_STATE, "KVM_SET_MP_STATE");
    }

    private static Segment readSegment(NativeBuffer b, long o) {
        return new Segment(b.getShort(o + SEG_SELECTOR) & 0xFFFF, b.getLong(o + SEG_BASE), b.getInt(o + SEG_LIMIT),
            b.getByte(o + SEG_TYPE), b.getByte(o + SEG_PRESENT) != 0, b.getByte(o + SEG_DPL), b.getByte(o + SEG_DB) != 0,
            b.getByte(o + SEG_S) != 0, b.getByte(o + SEG_L) != 0, b.getByte(o + SEG_G) != 0,
            b.getByte(o + SEG_AVL) != 0, b.getByte(o + SEG_UNUSABLE) != 0);
    }

    private static void writeSegment(NativeBuffer b, long o, Segment s) {
        b.putLong(o + SEG_BASE, s.base());
        b.putInt(o + SEG_LIMIT, s.limit());
        b.putShort(o + SEG_SELECTOR, s.selector());
        b.putByte(o + SEG_TYPE, s.type());
        b.putByte(o + SEG_PRESENT, s.present() ? 1 : 0);
        b.putByte(o + SEG_DPL, s.dpl());
        b.putByte(o + SEG_DB, s.db() ? 1 : 0);
        b.putByte(o + SEG_S, s.s() ? 1 : 0);
        b.putByte(o + SEG_L, s.l() ? 1 : 0);
        b.putByte(o + SEG_G, s.g() ? 1 : 0);
        b.putByte(o + SEG_AVL, s.avl() ? 1 : 0);
        b.putByte(o + SEG_UNUSABLE, s.unusable() ? 1 : 0);
    }

    private static VcpuEvents readEvents(NativeBuffer b) {
        return new VcpuEvents(b.getByte(KvmVcpuEvents.EXC_INJECTED) != 0, b.getByte(KvmVcpuEvents.EXC_NR) & 0xFF,
            b.getByte(KvmVcpuEvents.EXC_HAS_ERROR_CODE) != 0, b.getByte(KvmVcpuEvents.EXC_PENDING) != 0,
            b.getInt(KvmVcpuEvents.EXC_ERROR_CODE), b.getByte(KvmVcpuEvents.INT_INJECTED) != 0,
            b.getByte(KvmVcpuEvents.INT_NR) & 0xFF, b.getByte(KvmVcpuEvents.INT_SOFT) != 0,
            b.getByte(KvmVcpuEvents.INT_SHADOW) & 0xFF, b.getByte(KvmVcpuEvents.NMI_INJECTED) != 0,
            b.getByte(KvmVcpuEvents.NMI_PENDING) != 0, b.getByte(KvmVcpuEvents.NMI_MASKED) != 0,
            b.getInt(KvmVcpuEvents.SIPI_VECTOR), b.getByte(KvmVcpuEvents.SMI_SMM) != 0,
            b.getByte(KvmVcpuEvents.SMI_PENDING) != 0, b.getByte(KvmVcpuEvents.SMI_INSIDE_NMI) != 0,
            b.getByte(KvmVcpuEvents.SMI_LATCHED_INIT) != 0);
    }

    private static void writeEvents(NativeBuffer b, VcpuEvents e) {
        b.putByte(KvmVcpuEvents.EXC_INJECTED, e.exceptionInjected() ? 1 : 0);
        b.putByte(KvmVcpuEvents.EXC_NR, e.exceptionNr());
        b.putByte(KvmVcpuEvents.EXC_HAS_ERROR_CODE, e.exceptionHasErrorCode() ? 1 : 0);
        b.putByte(KvmVcpuEvents.EXC_PENDING, e.exceptionPending() ? 1 : 0);
        b.putInt(KvmVcpuEvents.EXC_ERROR_CODE, e.exceptionErrorCode());
        b.putByte(KvmVcpuEvents.INT_INJECTED, e.interruptInjected() ? 1 : 0);
        b.putByte(KvmVcpuEvents.INT_NR, e.interruptNr());
        b.putByte(KvmVcpuEvents.INT_SOFT, e.interruptSoft() ? 1 : 0);
        b.putByte(KvmVcpuEvents.INT_SHADOW, e.interruptShadow());
        b.putByte(KvmVcpuEvents.NMI_INJECTED, e.nmiInjected() ? 1 : 0);
        b.putByte(KvmVcpuEvents.NMI_PENDING, e.nmiPending() ? 1 : 0);
        b.putByte(KvmVcpuEvents.NMI_MASKED, e.nmiMasked() ? 1 : 0);
        b.putInt(KvmVcpuEvents.SIPI_VECTOR, e.sipiVector());
        b.putByte(KvmVcpuEvents.SMI_SMM, e.smm() ? 1 : 0);
        b.putByte(KvmVcpuEvents.SMI_PENDING, e.smiPending() ? 1 : 0);
        b.putByte(KvmVcpuEvents.SMI_INSIDE_NMI, e.smmInsideNmi() ? 1 : 0);
        b.putByte(KvmVcpuEvents.SMI_LATCHED_INIT, e.latchedInit() ? 1 : 0);
        b.putInt(KvmVcpuEvents.FLAGS, KvmConstants.KVM_VCPUEVENT_VALID_NMI_PENDING
            | KvmConstants.KVM_VCPUEVENT_VALID_SIPI_VECTOR | KvmConstants.KVM_VCPUEVENT_VALID_SHADOW
            | KvmConstants.KVM_VCPUEVENT_VALID_SMM);
    }

    private static MpState mpState(int v) {
        MpState[] all = MpState.values();
        if (v < 0 || v >= all.length) {
            // e.g. KVM_MP_STATE_STOPPED or CHECK_STOP: states of other architectures or of SMM, never
            // silently turned into RUNNABLE
            throw new IllegalStateException("KVM reports an MP state jvmm does not model: " + v);
        }
        return all[v];
    }

    /** Conversion between struct kvm_fpu and the FXSAVE image at the start of an XSAVE area. */
    static final class FxsaveImage {
        private FxsaveImage() {}

        static void fromKvmFpu(NativeBuffer f, byte[] area) {
            var bb = java.nio.ByteBuffer.wrap(area).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            bb.putShort(0, f.getShort(KvmFpu.FCW));
            bb.putShort(2, f.getShort(KvmFpu.FSW));
            bb.put(4, f.getByte(KvmFpu.FTWX));
            bb.putShort(6, f.getShort(KvmFpu.LAST_OPCODE));
            bb.putLong(8, f.getLong(KvmFpu.LAST_IP));
            bb.putLong(16, f.getLong(KvmFpu.LAST_DP));
            bb.putInt(24, f.getInt(KvmFpu.MXCSR));
            bb.putInt(28, 0xFFFF); // MXCSR_MASK: all bits writable except reserved
            for (int i = 0; i < 8; i++) {
                f.getBytes(KvmFpu.FPR + 16L * i, area, 32 + 16 * i, 16);
            }
            for (int i = 0; i < 16; i++) {
                f.getBytes(KvmFpu.XMM + 16L * i, area, 160 + 16 * i, 16);
            }
        }

        static void toKvmFpu(byte[] area, NativeBuffer f) {
            var bb = java.nio.ByteBuffer.wrap(area).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            f.putShort(KvmFpu.FCW, bb.getShort(0));
            f.putShort(KvmFpu.FSW, bb.getShort(2));
            f.putByte(KvmFpu.FTWX, bb.get(4));
            f.putShort(KvmFpu.LAST_OPCODE, bb.getShort(6));
            f.putLong(KvmFpu.LAST_IP, bb.getLong(8));
            f.putLong(KvmFpu.LAST_DP, bb.getLong(16));
            f.putInt(KvmFpu.MXCSR, bb.getInt(24));
            for (int i = 0; i < 8; i++) {
                f.putBytes(KvmFpu.FPR + 16L * i, area, 32 + 16 * i, 16);
            }
            for (int i = 0; i < 16; i++) {
                f.putBytes(KvmFpu.XMM + 16L * i, area, 160 + 16 * i, 16);
            }
        }
    }
}
