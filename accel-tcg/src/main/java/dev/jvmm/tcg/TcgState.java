package dev.jvmm.tcg;

import dev.jvmm.devmodel.vcpu.DescriptorTable;
import dev.jvmm.devmodel.vcpu.MpState;
import dev.jvmm.devmodel.vcpu.Segment;
import dev.jvmm.devmodel.vcpu.VcpuEvents;
import dev.jvmm.devmodel.vcpu.VcpuState;
import java.util.TreeMap;

/** Lossless conversion between the software CPU and the accelerator-neutral {@link VcpuState}. */
final class TcgState {
    private TcgState() {}

    static VcpuState toVcpuState(Cpu c) {
        TreeMap<Integer, Long> msrs = new TreeMap<>(c.msrs);
        msrs.put(Sys.MSR_TSC, System.nanoTime() + c.tscOffset);
        return new VcpuState(c.r.clone(), c.rip, c.getFlags(), seg(c.cs), seg(c.ds), seg(c.es), seg(c.fs), seg(c.gs),
            seg(c.ss), seg(c.tr), seg(c.ldtr), new DescriptorTable(c.gdtBase, c.gdtLimit),
            new DescriptorTable(c.idtBase, c.idtLimit), c.cr0, c.cr2, c.cr3, c.cr4, c.cr8, c.efer, c.apicBase, msrs,
            XState.save(c), c.xcr0, c.apic != null ? c.apic.registerPage() : new byte[VcpuState.LAPIC_SIZE],
            events(c), c.waitForSipi ? MpState.INIT_RECEIVED : c.halted ? MpState.HALTED : MpState.RUNNABLE,
            new long[4]);
    }

    private static VcpuEvents events(Cpu c) {
        return new VcpuEvents(false, 0, false, false, 0, false, 0, false, c.interruptShadow > 0 ? 1 : 0, false,
            c.nmiPending, c.nmiMasked, 0, false, false, false, false);
    }

    static void fromVcpuState(Cpu c, VcpuState s) {
        long[] g = s.gprs();
        System.arraycopy(g, 0, c.r, 0, 16);
        c.rip = s.rip();
        c.setFlags(s.rflags());
        load(c.cs, s.cs());
        load(c.ds, s.ds());
        load(c.es, s.es());
        load(c.fs, s.fs());
        load(c.gs, s.gs());
        load(c.ss, s.ss());
        load(c.tr, s.tr());
        load(c.ldtr, s.ldt());
        c.gdtBase = s.gdt().base();
        c.gdtLimit = s.gdt().limit();
        c.idtBase = s.idt().base();
        c.idtLimit = s.idt().limit();
        c.cr0 = s.cr0();
        c.cr2 = s.cr2();
        c.cr3 = s.cr3();
        c.cr4 = s.cr4();
        c.cr8 = s.cr8();
        c.efer = s.efer();
        c.apicBase = s.apicBase();
        if (c.apic != null) {
            c.apic.setApicBaseMsr(s.apicBase());
            c.apic.loadRegisterPage(s.lapic());
        }
        c.msrs.clear();
        c.msrs.putAll(s.msrs());
        Long tsc = c.msrs.remove(Sys.MSR_TSC);
        if (tsc != null) {
            c.tscOffset = tsc - System.nanoTime();
        }
        XState.load(c, s.xsave());
        c.xcr0 = s.xcr0();
        c.interruptShadow = s.events().interruptShadow() != 0 ? 1 : 0;
        c.nmiPending = s.events().nmiPending();
        c.nmiMasked = s.events().nmiMasked();
        c.halted = s.mpState() == MpState.HALTED;
        c.waitForSipi = s.mpState() == MpState.INIT_RECEIVED || s.mpState() == MpState.UNINITIALIZED;
        c.flushTlb(true);
    }

    private static Segment seg(Seg s) {
        int a = s.attr;
        return new Segment(s.selector, s.base, (int) s.limit, a & 0xF, (a & Seg.A_P) != 0, (a >> 5) & 3,
            (a & Seg.A_DB) != 0, (a & Seg.A_S) != 0, (a & Seg.A_L) != 0, (a & Seg.A_G) != 0, (a & Seg.A_AVL) != 0,
            s.unusable);
    }

    private static void load(Seg d, Segment s) {
        int a = (s.type() & 0xF) | (s.s() ? Seg.A_S : 0) | ((s.dpl() & 3) << 5) | (s.present() ? Seg.A_P : 0)
            | (s.avl() ? Seg.A_AVL : 0) | (s.l() ? Seg.A_L : 0) | (s.db() ? Seg.A_DB : 0) | (s.g() ? Seg.A_G : 0);
        d.selector = s.selector();
        d.base = s.base();
        d.limit = s.limit() & 0xFFFF_FFFFL;
        d.attr = a;
        d.unusable = s.unusable();
    }
}
