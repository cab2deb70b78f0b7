package dev.jvmm.devmodel.vcpu;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Everything a vCPU is, independent of the accelerator that runs it. KVM, the TCG and Xen convert
 * to and from it losslessly; snapshots, migration and cross-accelerator moves build on it.
 *
 * @param gprs       RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8..R15 in encoding order
 * @param xsave      the XSAVE area in standard format (the first 512 bytes are the FXSAVE image)
 * @param lapic      the local APIC's 1 KiB register page in architectural layout
 * @param pendingInterrupts  256-bit bitmap of an external interrupt awaiting injection
 */
public record VcpuState(long[] gprs, long rip, long rflags,
                        Segment cs, Segment ds, Segment es, Segment fs, Segment gs, Segment ss,
                        Segment tr, Segment ldt, DescriptorTable gdt, DescriptorTable idt,
                        long cr0, long cr2, long cr3, long cr4, long cr8, long efer, long apicBase,
                        SortedMap<Integer, Long> msrs, byte[] xsave, long xcr0, byte[] lapic,
                        VcpuEvents events, MpState mpState, long[] pendingInterrupts) {
    public static final int GPR_COUNT = 16;
    public static final int RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RBP = 5, RSI = 6, RDI = 7;
    public static final int XSAVE_SIZE = 4096;
    public static final int LAPIC_SIZE = 1024;

    public static final long CR0_PE = 1, CR0_MP = 1 << 1, CR0_ET = 1 << 4, CR0_NE = 1 << 5, CR0_PG = 1L << 31;
    public static final long CR4_PAE = 1 << 5, CR4_OSFXSR = 1 << 9, CR4_OSXMMEXCPT = 1 << 10;
    public static final long EFER_SCE = 1, EFER_LME = 1 << 8, EFER_LMA = 1 << 10, EFER_NXE = 1 << 11;

    public VcpuState {
        if (gprs.length != GPR_COUNT || xsave.length != XSAVE_SIZE || lapic.length != LAPIC_SIZE
            || pendingInterrupts.length != 4) {
            throw new IllegalArgumentException("malformed vCPU state");
        }
        gprs = gprs.clone();
        xsave = xsave.clone();
        lapic = lapic.clone();
        pendingInterrupts = pendingInterrupts.clone();
        msrs = Collections.unmodifiableSortedMap(new TreeMap<>(msrs));
        Objects.requireNonNull(events);
        Objects.requireNonNull(mpState);
    }

    @Override
    public long[] gprs() {
        return gprs.clone();
    }

    public long gpr(int index) {
        return gprs[index];
    }

    @Override
    public byte[] xsave() {
        return xsave.clone();
    }

    @Override
    public byte[] lapic() {
        return lapic.clone();
    }

    @Override
    public long[] pendingInterrupts() {
        return pendingInterrupts.clone();
    }

    /** This state with the boot processor set up as {@code boot} says. */
    public VcpuState withBoot(BootCpu boot) {
        return new VcpuState(boot.gprs(), boot.rip(), boot.rflags(), boot.code(), boot.data(), boot.data(),
            boot.data(), boot.data(), boot.data(), Segment.busyTss(0, 0, 0xFFFF), Segment.nullLdt(), boot.gdt(),
            boot.idt(), boot.cr0(), 0, boot.cr3(), boot.cr4(), cr8, boot.efer(), apicBase, msrs, xsave, xcr0,
            lapic, VcpuEvents.NONE, MpState.RUNNABLE, new long[4]);
    }

    /** One line naming what a person debugging a crash looks at first. */
    public String summary() {
        return String.format("RIP=0x%016x CR0=0x%x CR3=0x%x CR4=0x%x EFER=0x%x RSP=0x%x RFLAGS=0x%x CS=0x%x",
            rip, cr0, cr3, cr4, efer, gprs[RSP], rflags, cs.selector());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VcpuState v && Arrays.equals(gprs, v.gprs) && rip == v.rip && rflags == v.rflags
            && cs.equals(v.cs) && ds.equals(v.ds) && es.equals(v.es) && fs.equals(v.fs) && gs.equals(v.gs)
            && ss.equals(v.ss) && tr.equals(v.tr) && ldt.equals(v.ldt) && gdt.equals(v.gdt) && idt.equals(v.idt)
            && cr0 == v.cr0 && cr2 == v.cr2 && cr3 == v.cr3 && cr4 == v.cr4 && cr8 == v.cr8 && efer == v.efer
            && apicBase == v.apicBase && msrs.equals(v.msrs) && Arrays.equals(xsave, v.xsave) && xcr0 == v.xcr0
            && Arrays.equals(lapic, v.lapic) && events.equals(v.events) && mpState == v.mpState
            && Arrays.equals(pendingInterrupts, v.pendingInterrupts);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(gprs), rip, rflags, cr0, cr3, cr4, efer);
    }

    @Override
    public String toString() {
        return "VcpuState[" + summary() + "]";
    }

    /** Convenience for building MSR maps. */
    public static SortedMap<Integer, Long> msrs(Map<Integer, Long> m) {
        return new TreeMap<>(m);
    }
}
