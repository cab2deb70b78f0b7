package dev.jvmm.tcg;

import static dev.jvmm.tcg.Cpu.mask;

import dev.jvmm.ffi.Native;
import sun.misc.Unsafe;

/**
 * System semantics: segment loads, far transfers, interrupt and exception delivery through the
 * IVT/IDT, control registers, MSRs, CPUID, SYSCALL/SYSENTER and the atomic memory operations
 * behind LOCK and XCHG.
 */
final class Sys {
    private static final Unsafe U = Native.UNSAFE;

    final Cpu c;
    /** Shared by all vCPUs of a VM: serialises the rare locked accesses that straddle 8 bytes. */
    private final Object splitLock;

    static final int MSR_TSC = 0x10, MSR_APIC_BASE = 0x1B, MSR_SYSENTER_CS = 0x174, MSR_SYSENTER_ESP = 0x175,
        MSR_SYSENTER_EIP = 0x176, MSR_MISC_ENABLE = 0x1A0, MSR_PAT = 0x277, MSR_MTRR_DEF = 0x2FF,
        MSR_TSC_DEADLINE = 0x6E0, MSR_EFER = 0xC000_0080, MSR_STAR = 0xC000_0081, MSR_LSTAR = 0xC000_0082,
        MSR_CSTAR = 0xC000_0083, MSR_SFMASK = 0xC000_0084, MSR_FS_BASE = 0xC000_0100, MSR_GS_BASE = 0xC000_0101,
        MSR_KERNEL_GS_BASE = 0xC000_0102, MSR_TSC_AUX = 0xC000_0103;

    Sys(Cpu c, Object splitLock) {
        this.c = c;
        this.splitLock = splitLock;
    }

    // =====================================================================================
    // Descriptors and segment loads
    // =====================================================================================

    /** The 8-byte descriptor for {@code selector} from the GDT or LDT; #GP(selector) beyond the limit. */
    long descriptor(int selector) {
        boolean ldt = (selector & 4) != 0;
        long base = ldt ? c.ldtr.base : c.gdtBase;
        long limit = ldt ? c.ldtr.limit : c.gdtLimit;
        int off = selector & ~7;
        if (off + 7 > limit) {
            throw CpuFault.gp(selector & ~3);
        }
        return c.readSystem(base + off, 8);
    }

    /** Loads data or stack segment register {@code index} (ES, CS, SS, DS, FS, GS order) as MOV/POP do. */
    void loadSegment(int index, int selector) {
        Seg s = c.segs[index];
        selector &= 0xFFFF;
        if (!c.protectedMode() || (c.flagsRest & Cpu.VM) != 0) {
            s.loadReal(selector);
            return;
        }
        boolean isSs = index == 2;
        if ((selector & ~3) == 0) {
            // A null SS is only possible in 64-bit mode, at its own RPL, and never at CPL 3.
            if (isSs && !(c.code64() && (selector & 3) == c.cpl() && c.cpl() != 3)) {
                throw CpuFault.gp(0);
            }
            s.selector = selector;
            s.unusable = true;
            s.attr = 0;
            s.base = 0;
            s.limit = 0;
            return;
        }
        long d = descriptor(selector);
        int attr = (int) ((d >>> 40) & 0xFF);
        int type = attr & 0xF;
        int dpl = (attr >> 5) & 3;
        int rpl = selector & 3;
        int cpl = c.cpl();
        boolean sBit = (attr & 0x10) != 0;
        if (!sBit) {
            throw CpuFault.gp(selector & ~3);
        }
        if (isSs) {
            boolean writableData = (type & 0xA) == 0x2;
            if (rpl != cpl || dpl != cpl || !writableData) {
                throw CpuFault.gp(selector & ~3);
            }
            if ((attr & 0x80) == 0) {
                throw CpuFault.withCode(CpuFault.SS, selector & ~3);
            }
        } else {
            boolean code = (type & 8) != 0;
            if (code && (type & 2) == 0) {
                throw CpuFault.gp(selector & ~3); // execute-only code is not readable
            }
            boolean conforming = code && (type & 4) != 0;
            if (!conforming && (rpl > dpl || cpl > dpl)) {
                throw CpuFault.gp(selector & ~3);
            }
            if ((attr & 0x80) == 0) {
                throw CpuFault.withCode(CpuFault.NP, selector & ~3);
            }
        }
        setAccessed(selector, d);
        s.loadDescriptor(selector, d | (1L << 40));
    }

    private void setAccessed(int selector, long d) {
        if ((d & (1L << 40)) == 0) {
            long base = (selector & 4) != 0 ? c.ldtr.base : c.gdtBase;
            c.writeSystem(base + (selector & ~7) + 5, 1, ((d >>> 40) & 0xFF) | 1);
        }
    }

    /**
     * Checks, without loading anything, that {@code selector} can become SS at privilege
     * {@code newCpl}: done before CS changes on a return to an outer ring, so a bad SS faults with the
     * old state intact.
     */
    private void checkStackSegment(int selector, int newCpl, boolean toLongMode) {
        if ((selector & ~3) == 0) {
            if (toLongMode && newCpl != 3 && (selector & 3) == newCpl) {
                return;
            }
            throw CpuFault.gp(0);
        }
        long d = descriptor(selector);
        int attr = (int) ((d >>> 40) & 0xFF);
        int dpl = (attr >> 5) & 3;
        boolean writableData = (attr & 0x1A) == 0x12;
        if ((selector & 3) != newCpl || dpl != newCpl || !writableData) {
            throw CpuFault.gp(selector & ~3);
        }
        if ((attr & 0x80) == 0) {
            throw CpuFault.withCode(CpuFault.SS, selector & ~3);
        }
    }

    /**
     * After a return to an outer ring, data segment registers the new CPL may not use become null
     * (SDM RET/IRET: "for each of ES, FS, GS and DS ... load null").
     */
    private void nullInaccessibleDataSegments() {
        int cpl = c.cpl();
        for (int i : new int[] {0, 3, 4, 5}) {
            Seg s = c.segs[i];
            if (s.unusable) {
                continue;
            }
            boolean conformingCode = (s.attr & 0x1C) == 0x1C;
            if (!conformingCode && s.dpl() < cpl) {
                s.selector = 0;
                s.unusable = true;
                s.attr = 0;
                s.base = 0;
                s.limit = 0;
            }
        }
    }

    /** Loads CS for a far transfer to a code segment (no gates, no task switches). */
    private void loadCodeSegment(int selector, boolean isReturn) {
        if (!c.protectedMode() || (c.flagsRest & Cpu.VM) != 0) {
            c.cs.loadReal(selector);
            return;
        }
        if ((selector & ~3) == 0) {
            throw CpuFault.gp(0);
        }
        long d = descriptor(selector);
        int attr = (int) ((d >>> 40) & 0xFF);
        if ((attr & 0x18) != 0x18) {
            throw CpuFault.gp(selector & ~3); // only code segments; call gates are not supported
        }
        int dpl = (attr >> 5) & 3;
        int rpl = selector & 3;
        boolean conforming = (attr & 4) != 0;
        int cpl = c.cpl();
        if (isReturn) {
            if (rpl < cpl || (conforming ? dpl > rpl : dpl != rpl)) {
                throw CpuFault.gp(selector & ~3);
            }
        } else if (conforming ? dpl > cpl : (rpl > cpl || dpl != cpl)) {
            throw CpuFault.gp(selector & ~3);
        }
        if ((attr & 0x80) == 0) {
            throw CpuFault.withCode(CpuFault.NP, selector & ~3);
        }
        setAccessed(selector, d);
        int newCpl = isReturn ? rpl : cpl;
        c.cs.loadDescriptor((selector & ~3) | newCpl, d | (1L << 40));
    }

    void farJump(long selector, long offset) {
        loadCodeSegment((int) selector & 0xFFFF, false);
        c.rip = c.code64() ? offset : c.cs.db() ? offset & 0xFFFF_FFFFL : offset & 0xFFFF;
    }

    void farCall(long selector, long offset, int os, long returnRip) {
        int oldCs = c.cs.selector;
        long sp = c.sp();
        // Push first into a scratch view of the stack: the pushes must not stick if CS faults.
        long nsp = (sp - 2L * os) & mask(c.stackAddrSize());
        c.write(c.ss, (nsp + os) & mask(c.stackAddrSize()), os, oldCs);
        c.write(c.ss, nsp, os, returnRip);
        loadCodeSegment((int) selector & 0xFFFF, false);
        c.setSp(nsp);
        c.rip = c.code64() ? offset : c.cs.db() ? offset & 0xFFFF_FFFFL : offset & 0xFFFF;
    }

    void farReturn(int os, long extra) {
        long sp = c.sp();
        long rip = c.read(c.ss, sp, os);
        int cs = (int) c.read(c.ss, sp + os, os) & 0xFFFF;
        int oldCpl = c.cpl();
        if (c.protectedMode() && (cs & 3) > oldCpl) {
            long nsp = c.read(c.ss, sp + 2L * os + extra, os);
            int ss = (int) c.read(c.ss, sp + 3L * os + extra, os) & 0xFFFF;
            checkStackSegment(ss, cs & 3, c.longModeActive());
            loadCodeSegment(cs, true);
            loadSegment(2, ss);
            c.setReg(4, c.stackAddrSize(), true, nsp);
            nullInaccessibleDataSegments();
        } else {
            loadCodeSegment(cs, true);
            c.setSp(sp + 2L * os + extra);
        }
        c.rip = c.code64() ? rip : c.cs.db() ? rip & 0xFFFF_FFFFL : rip & 0xFFFF;
    }

    // =====================================================================================
    // Flags writes (POPF, IRET)
    // =====================================================================================

    void writeFlags(long v, int size) {
        long changeable = Cpu.STATUS | Cpu.TF | Cpu.DF | Cpu.NT | Cpu.AC | Cpu.ID;
        int cpl = c.cpl();
        long iopl = (c.flagsRest >> 12) & 3;
        if (!c.protectedMode() || cpl == 0) {
            changeable |= Cpu.IOPL | Cpu.IF;
        } else if (cpl <= iopl) {
            changeable |= Cpu.IF;
        }
        if (size == 2) {
            changeable &= 0xFFFF;
        }
        long old = c.getFlags();
        c.setFlags((old & ~changeable) | (v & changeable));
    }

    // =====================================================================================
    // Interrupts and exceptions
    // =====================================================================================

    /** INT n, INT3, INTO, INT1: software interrupts check the gate's DPL against CPL. */
    void softwareInterrupt(int vector, long returnRip, boolean exceptionLike) {
        deliver(vector, false, 0, returnRip, true, exceptionLike);
    }

    /**
     * Delivers an event through the IVT (real mode) or the IDT. {@code software} marks INT n, whose
     * gate DPL must be at least CPL. RIP afterwards is the handler's.
     */
    void deliver(int vector, boolean hasError, int errorCode, long returnRip, boolean software, boolean exceptionLike) {
        c.halted = false;
        if (!c.protectedMode()) {
            deliverReal(vector, returnRip);
        } else if (c.longModeActive()) {
            deliverLong(vector, hasError, errorCode, returnRip, software);
        } else {
            deliverProtected(vector, hasError, errorCode, returnRip, software);
        }
    }

    private void deliverReal(int vector, long returnRip) {
        long entry = (long) vector * 4;
        if (entry + 3 > c.idtLimit) {
            throw CpuFault.gp(vector * 8 + 2);
        }
        long vec = c.readSystem(c.idtBase + entry, 4);
        c.push(c.getFlags() & 0xFFFF, 2);
        c.push(c.cs.selector, 2);
        c.push(returnRip & 0xFFFF, 2);
        c.flagsRest &= ~(Cpu.IF | Cpu.TF | Cpu.AC);
        c.cs.loadReal((int) (vec >>> 16) & 0xFFFF);
        c.rip = vec & 0xFFFF;
    }

    private void deliverProtected(int vector, boolean hasError, int errorCode, long returnRip, boolean software) {
        long entry = (long) vector * 8;
        if (entry + 7 > c.idtLimit) {
            throw CpuFault.gp(vector * 8 + 2);
        }
        long gate = c.readSystem(c.idtBase + entry, 8);
        int type = (int) (gate >>> 40) & 0x1F;
        int gdpl = (int) (gate >>> 45) & 3;
        if (type != 0x0E && type != 0x0F && type != 0x06 && type != 0x07) {
            throw CpuFault.gp(vector * 8 + 2); // task gates are not supported
        }
        if (software && gdpl < c.cpl()) {
            throw CpuFault.gp(vector * 8 + 2);
        }
        if ((gate & (1L << 47)) == 0) {
            throw CpuFault.withCode(CpuFault.NP, vector * 8 + 2);
        }
        int sel = (int) (gate >>> 16) & 0xFFFF;
        long offset = (gate & 0xFFFF) | ((gate >>> 32) & 0xFFFF_0000L);
        boolean gate32 = (type & 8) != 0;
        int width = gate32 ? 4 : 2;
        long d = descriptor(sel);
        int attr = (int) ((d >>> 40) & 0xFF);
        if ((attr & 0x18) != 0x18 || (attr & 0x80) == 0) {
            throw CpuFault.gp(sel & ~3);
        }
        int dpl = (attr >> 5) & 3;
        boolean conforming = (attr & 4) != 0;
        long oldFlags = c.getFlags();
        int oldCs = c.cs.selector;
        int oldSs = c.ss.selector;
        long oldSp = c.r[4];
        int cpl = c.cpl();
        if (!conforming && dpl < cpl) { // to an inner ring: the TSS supplies the stack
            long tss = c.tr.base;
            long espOff = 4 + 8L * dpl;
            long newSp = c.readSystem(tss + espOff, 4);
            int newSs = (int) c.readSystem(tss + espOff + 4, 2);
            try {
                checkStackSegment(newSs, dpl, false); // before CS changes: a bad SS0 faults cleanly
            } catch (CpuFault f) {
                throw CpuFault.withCode(CpuFault.TS, newSs & ~3); // the TSS supplied it: #TS (SDM 6.12.1)
            }
            c.cs.loadDescriptor((sel & ~3) | dpl, d);
            loadSegment(2, newSs);
            c.setReg(4, c.ss.db() ? 4 : 2, true, newSp);
            c.push(oldSs, width);
            c.push(oldSp, width);
        } else {
            c.cs.loadDescriptor((sel & ~3) | cpl, d);
        }
        c.push(oldFlags, width);
        c.push(oldCs, width);
        c.push(returnRip, width);
        if (hasError) {
            c.push(errorCode, width);
        }
        c.flagsRest &= ~(Cpu.TF | Cpu.NT | Cpu.RF | Cpu.VM);
        if ((type & 1) == 0) {
            c.flagsRest &= ~Cpu.IF; // interrupt gate
        }
        c.rip = gate32 ? offset : offset & 0xFFFF;
    }

    private void deliverLong(int vector, boolean hasError, int errorCode, long returnRip, boolean software) {
        long entry = (long) vector * 16;
        if (entry + 15 > c.idtLimit) {
            throw CpuFault.gp(vector * 8 + 2);
        }
        long lo = c.readSystem(c.idtBase + entry, 8);
        long hi = c.readSystem(c.idtBase + entry + 8, 8);
        int type = (int) (lo >>> 40) & 0x1F;
        int gdpl = (int) (lo >>> 45) & 3;
        if (type != 0x0E && type != 0x0F) {
            throw CpuFault.gp(vector * 8 + 2);
        }
        if (software && gdpl < c.cpl()) {
            throw CpuFault.gp(vector * 8 + 2);
        }
        if ((lo & (1L << 47)) == 0) {
            throw CpuFault.withCode(CpuFault.NP, vector * 8 + 2);
        }
        int sel = (int) (lo >>> 16) & 0xFFFF;
        long offset = (lo & 0xFFFF) | ((lo >>> 32) & 0xFFFF_0000L) | (hi << 32);
        int ist = (int) (lo >>> 32) & 7;
        long d = descriptor(sel);
        int attr = (int) ((d >>> 40) & 0xFF);
        boolean longCode = ((d >>> 53) & 1) != 0 && ((d >>> 54) & 1) == 0;
        if ((attr & 0x18) != 0x18 || !longCode) {
            throw CpuFault.gp(sel & ~3);
        }
        if ((attr & 0x80) == 0) {
            throw CpuFault.withCode(CpuFault.NP, sel & ~3);
        }
        int dpl = (attr >> 5) & 3;
        boolean conforming = (attr & 4) != 0;
        int cpl = c.cpl();
        long oldFlags = c.getFlags();
        long oldCs = c.cs.selector;
        long oldSs = c.ss.selector;
        long oldSp = c.r[4];
        int newCpl = conforming ? cpl : dpl;
        long newSp;
        if (ist != 0) {
            newSp = c.readSystem(c.tr.base + 36 + 8L * (ist - 1), 8);
        } else if (newCpl < cpl) {
            newSp = c.readSystem(c.tr.base + 4 + 8L * newCpl, 8);
        } else {
            newSp = oldSp;
        }
        newSp &= ~0xFL; // the frame is 16-byte aligned in 64-bit mode
        long[] frame = {oldSs, oldSp, oldFlags, oldCs, returnRip, errorCode};
        int count = hasError ? 6 : 5;
        // Write the frame before changing any register, so a fault here leaves the old state.
        long sp = newSp;
        for (int i = 0; i < count; i++) {
            sp -= 8;
            c.writeLinearAsCpl(sp, 8, frame[i], newCpl);
        }
        c.cs.loadDescriptor((sel & ~3) | newCpl, d);
        if (newCpl < cpl) {
            c.ss.set(newCpl, 0, 0, 0);
            c.ss.unusable = true;
        }
        c.r[4] = sp;
        c.flagsRest &= ~(Cpu.TF | Cpu.NT | Cpu.RF | Cpu.VM);
        if ((type & 1) == 0) {
            c.flagsRest &= ~Cpu.IF;
        }
        c.rip = offset;
    }

    void iret(int os) {
        if (!c.protectedMode()) {
            long sp = c.sp();
            long ip = c.read(c.ss, sp, os);
            int cs = (int) c.read(c.ss, sp + os, os) & 0xFFFF;
            long flags = c.read(c.ss, sp + 2L * os, os);
            c.cs.loadReal(cs);
            c.setSp(sp + 3L * os);
            writeFlags(flags, os);
            c.rip = ip & (os == 4 ? 0xFFFF_FFFFL : 0xFFFF);
            return;
        }
        if ((c.flagsRest & Cpu.NT) != 0 && !c.longModeActive()) {
            throw CpuFault.gp(0); // nested task return: task switching is not supported
        }
        long sp = c.sp();
        long rip = c.read(c.ss, sp, os);
        int cs = (int) c.read(c.ss, sp + os, os) & 0xFFFF;
        long flags = c.read(c.ss, sp + 2L * os, os);
        int cpl = c.cpl();
        int rpl = cs & 3;
        boolean popStack = c.code64() || rpl > cpl;
        long newSp = 0;
        int newSs = 0;
        if (popStack) {
            newSp = c.read(c.ss, sp + 3L * os, os);
            newSs = (int) c.read(c.ss, sp + 4L * os, os) & 0xFFFF;
            // Everything that can fault is checked before CS changes, so a bad frame faults in
            // the old context (as Linux's bad-IRET fixup expects).
            checkStackSegment(newSs, rpl, c.longModeActive());
        }
        if (c.longModeActive() && os == 8 && !Cpu.canonical(rip)) {
            throw CpuFault.gp(0);
        }
        loadCodeSegment(cs, true);
        // IF, IOPL follow the privilege rules of the old CPL (the flags are restored before the switch).
        long changeable = Cpu.STATUS | Cpu.TF | Cpu.DF | Cpu.NT | Cpu.AC | Cpu.ID | Cpu.RF;
        if (cpl == 0) {
            changeable |= Cpu.IOPL | Cpu.IF;
        } else if (cpl <= ((c.flagsRest >> 12) & 3)) {
            changeable |= Cpu.IF;
        }
        if (os == 2) {
            changeable &= 0xFFFF;
        }
        long old = c.getFlags();
        c.setFlags((old & ~changeable) | (flags & changeable));
        if (popStack) {
            if (c.code64() && (newSs & ~3) == 0) {
                c.ss.set(newSs, 0, 0, 0);
                c.ss.unusable = true;
            } else {
                loadSegment(2, newSs);
            }
            if (rpl > cpl) {
                nullInaccessibleDataSegments();
            }
            c.r[4] = os == 8 ? newSp : c.ss.db() || c.code64() ? newSp & 0xFFFF_FFFFL : (c.r[4] & ~0xFFFFL) | (newSp & 0xFFFF);
        } else {
            c.setSp(sp + 3L * os);
        }
        c.rip = c.code64() ? rip : c.cs.db() ? rip & 0xFFFF_FFFFL : rip & 0xFFFF;
        c.nmiMasked = false;
    }

    // =====================================================================================
    // System instruction groups
    // =====================================================================================

    void group6(Exec x) {
        Insn in = x.in;
        if (!c.protectedMode()) {
            throw CpuFault.ud();
        }
        switch (in.reg & 7) {
            case 0 -> storeSelector(x, c.ldtr.selector);
            case 1 -> storeSelector(x, c.tr.selector);
            case 2 -> { // LLDT
                requireCpl0();
                int sel = (int) x.readRm(2) & 0xFFFF;
                if ((sel & ~3) == 0) {
                    c.ldtr.set(sel, 0, 0, 0);
                    c.ldtr.unusable = true;
                } else {
                    long d = systemDescriptor(sel);
                    if (((d >>> 40) & 0x1F) != 0x02) {
                        throw CpuFault.gp(sel & ~3);
                    }
                    c.ldtr.loadDescriptor(sel, d);
                    if (c.longModeActive()) {
                        c.ldtr.base |= (c.readSystem(c.gdtBase + (sel & ~7) + 8, 4) & 0xFFFF_FFFFL) << 32;
                    }
                }
            }
            case 3 -> { // LTR
                requireCpl0();
                int sel = (int) x.readRm(2) & 0xFFFF;
                if ((sel & ~3) == 0 || (sel & 4) != 0) {
                    throw CpuFault.gp(sel & ~3);
                }
                long d = systemDescriptor(sel);
                int type = (int) (d >>> 40) & 0x1F;
                if (type != 0x09 && type != 0x01) {
                    throw CpuFault.gp(sel & ~3); // must be an available TSS
                }
                c.tr.loadDescriptor(sel, d);
                if (c.longModeActive()) {
                    c.tr.base |= (c.readSystem(c.gdtBase + (sel & ~7) + 8, 4) & 0xFFFF_FFFFL) << 32;
                }
                c.tr.attr |= 2; // busy
                c.writeSystem(c.gdtBase + (sel & ~7) + 5, 1, ((d >>> 40) & 0xFF) | 2);
            }
            case 4, 5 -> { // VERR / VERW
                int sel = (int) x.readRm(2) & 0xFFFF;
                boolean ok = false;
                try {
                    if ((sel & ~3) != 0) {
                        long d = descriptor(sel);
                        int attr = (int) ((d >>> 40) & 0xFF);
                        int dpl = (attr >> 5) & 3;
                        boolean code = (attr & 8) != 0;
                        boolean conforming = code && (attr & 4) != 0;
                        boolean access = (in.reg & 7) == 4 ? (!code || (attr & 2) != 0) : (!code && (attr & 2) != 0);
                        ok = (attr & 0x10) != 0 && access && (conforming || (dpl >= c.cpl() && dpl >= (sel & 3)));
                    }
                } catch (CpuFault f) {
                    ok = false;
                }
                c.setStatusEager((c.status() & ~Cpu.ZF) | (ok ? Cpu.ZF : 0));
            }
            default -> throw CpuFault.ud();
        }
        x.c.rip = x.next();
    }

    private long systemDescriptor(int sel) {
        if ((sel & 4) != 0) {
            throw CpuFault.gp(sel & ~3);
        }
        long d = descriptor(sel);
        if ((d & (1L << 44)) != 0) {
            throw CpuFault.gp(sel & ~3); // not a system descriptor
        }
        if ((d & (1L << 47)) == 0) {
            throw CpuFault.withCode(CpuFault.NP, sel & ~3);
        }
        return d;
    }

    private void storeSelector(Exec x, int sel) {
        if (x.in.mod == 3) {
            c.setReg(x.in.rm, x.in.opSize, x.in.hasRex(), sel);
        } else {
            c.write(x.seg(), x.ea(), 2, sel);
        }
    }

    private void requireCpl0() {
        if (c.cpl() != 0) {
            throw CpuFault.gp(0);
        }
    }

    void group7(Exec x) {
        Insn in = x.in;
        if (in.mod == 3) {
            switch ((in.reg & 7) << 3 | in.rm & 7) {
                case 0x38 | 0 -> { // SWAPGS
                    if (!c.code64()) {
                        throw CpuFault.ud();
                    }
                    requireCpl0();
                    long k = c.msrs.getOrDefault(MSR_KERNEL_GS_BASE, 0L);
                    c.msrs.put(MSR_KERNEL_GS_BASE, c.gs.base);
                    c.gs.base = k;
                }
                case 0x38 | 1 -> { // RDTSCP
                    long tsc = tsc();
                    c.r[0] = tsc & 0xFFFF_FFFFL;
                    c.r[2] = tsc >>> 32;
                    c.r[1] = c.msrs.getOrDefault(MSR_TSC_AUX, 0L) & 0xFFFF_FFFFL;
                }
                case 0x10 | 0 -> { // XGETBV
                    if ((c.cr4 & (1 << 18)) == 0) {
                        throw CpuFault.ud();
                    }
                    if ((c.r[1] & 0xFFFF_FFFFL) != 0) {
                        throw CpuFault.gp(0);
                    }
                    c.r[0] = c.xcr0 & 0xFFFF_FFFFL;
                    c.r[2] = c.xcr0 >>> 32;
                }
                case 0x10 | 1 -> { // XSETBV
                    requireCpl0();
                    if ((c.cr4 & (1 << 18)) == 0) {
                        throw CpuFault.ud();
                    }
                    long v = (c.r[0] & 0xFFFF_FFFFL) | (c.r[2] << 32);
                    if ((c.r[1] & 0xFFFF_FFFFL) != 0 || (v & 1) == 0 || (v & ~Cpuid.XCR0_SUPPORTED) != 0) {
                        throw CpuFault.gp(0);
                    }
                    c.xcr0 = v;
                }
                case 0x08 | 0, 0x08 | 1 -> requireCpl0(); // MONITOR / MWAIT behave as NOPs
                case 0x20 | 0, 0x20 | 1, 0x20 | 2, 0x20 | 3, 0x20 | 4, 0x20 | 5, 0x20 | 6, 0x20 | 7 -> { // SMSW reg
                    c.setReg(in.rm | ((in.rex & 1) << 3), in.opSize, in.hasRex(), c.cr0 & mask(in.opSize));
                }
                case 0x30 | 0, 0x30 | 1, 0x30 | 2, 0x30 | 3, 0x30 | 4, 0x30 | 5, 0x30 | 6, 0x30 | 7 -> lmsw(x.readRm(2));
                default -> throw CpuFault.ud();
            }
            c.rip = x.next();
            return;
        }
        long addr = x.ea();
        Seg s = x.seg();
        switch (in.reg & 7) {
            case 0, 1 -> { // SGDT / SIDT
                boolean idt = (in.reg & 7) == 1;
                c.write(s, addr, 2, idt ? c.idtLimit : c.gdtLimit);
                c.write(s, addr + 2, c.code64() ? 8 : 4, idt ? c.idtBase : c.gdtBase);
            }
            case 2, 3 -> { // LGDT / LIDT
                requireCpl0();
                long limit = c.read(s, addr, 2);
                long base = c.read(s, addr + 2, c.code64() ? 8 : 4);
                if (!c.code64() && in.opSize == 2) {
                    base &= 0xFF_FFFF;
                }
                if ((in.reg & 7) == 2) {
                    c.gdtBase = base;
                    c.gdtLimit = (int) limit;
                } else {
                    c.idtBase = base;
                    c.idtLimit = (int) limit;
                }
            }
            case 4 -> c.write(s, addr, 2, c.cr0); // SMSW m16
            case 6 -> lmsw(c.read(s, addr, 2));
            case 7 -> { // INVLPG
                requireCpl0();
                long lin = c.linear(s, addr);
                c.invlpg(c.code64() ? lin : lin & 0xFFFF_FFFFL); // linear addresses wrap at 4 GiB outside 64-bit mode
            }
            default -> throw CpuFault.ud();
        }
        c.rip = x.next();
    }

    private void lmsw(long v) {
        requireCpl0();
        // LMSW changes PE, MP, EM, TS only, and cannot clear PE.
        c.cr0 = (c.cr0 & ~0xEL) | (v & 0xF) | (c.cr0 & 1);
    }

    void group9(Exec x) {
        Insn in = x.in;
        if ((in.reg & 7) != 1 || in.mod == 3) {
            if ((in.reg & 7) == 6 && in.mod == 3) { // RDRAND: not advertised
                throw CpuFault.ud();
            }
            throw CpuFault.ud();
        }
        long addr = x.ea();
        Seg s = x.seg();
        if (in.rexW()) { // CMPXCHG16B
            if ((c.linear(s, addr) & 15) != 0) {
                throw CpuFault.gp(0);
            }
            long lo = c.read(s, addr, 8), hi = c.read(s, addr + 8, 8);
            synchronized (splitLock) {
                lo = c.read(s, addr, 8);
                hi = c.read(s, addr + 8, 8);
                boolean eq = lo == c.r[0] && hi == c.r[2];
                if (eq) {
                    c.write(s, addr, 8, c.r[3]);
                    c.write(s, addr + 8, 8, c.r[1]);
                } else {
                    c.r[0] = lo;
                    c.r[2] = hi;
                }
                c.setStatusEager((c.status() & ~Cpu.ZF) | (eq ? Cpu.ZF : 0));
            }
        } else { // CMPXCHG8B
            long expected = (c.r[0] & 0xFFFF_FFFFL) | (c.r[2] << 32);
            long replacement = (c.r[3] & 0xFFFF_FFFFL) | (c.r[1] << 32);
            long old = atomicCmpxchg(s, addr, 8, expected, replacement);
            boolean eq = old == expected;
            if (!eq) {
                c.r[0] = old & 0xFFFF_FFFFL;
                c.r[2] = old >>> 32;
            }
            c.setStatusEager((c.status() & ~Cpu.ZF) | (eq ? Cpu.ZF : 0));
        }
        c.rip = x.next();
    }

    void group15(Exec x) {
        Insn in = x.in;
        if (in.mod == 3) {
            switch (in.reg & 7) {
                case 5, 6, 7 -> { } // LFENCE, MFENCE, SFENCE: each instruction completes before the next
                default -> throw CpuFault.ud();
            }
            c.rip = x.next();
            return;
        }
        if ((in.reg & 7) == 7) {
            c.rip = x.next(); // CLFLUSH: memory is coherent
            return;
        }
        XState.group15(x, in.reg & 7);
    }

    static long getLong(byte[] b, int off) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[off + i] & 0xFF);
        }
        return v;
    }

    static void putLong(byte[] b, int off, long v) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    static int getInt(byte[] b, int off) {
        return (int) (getLong(b, off) & 0xFFFF_FFFFL);
    }

    static void putInt(byte[] b, int off, int v) {
        for (int i = 0; i < 4; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    // =====================================================================================
    // Control and debug registers
    // =====================================================================================

    void movCr(Exec x, boolean write) {
        Insn in = x.in;
        requireCpl0();
        int n = in.reg;
        int rm = in.rm;
        if (write) {
            long v = c.r[rm];
            if (!c.code64()) {
                v &= 0xFFFF_FFFFL;
            }
            switch (n) {
                case 0 -> writeCr0(v);
                case 2 -> c.cr2 = v;
                case 3 -> {
                    c.cr3 = v & ~(1L << 63); // bit 63 is PCID's no-flush hint, never stored (PCID is not advertised)
                    c.flushTlb(false);
                }
                case 4 -> writeCr4(v);
                case 8 -> {
                    if ((v & ~0xFL) != 0) {
                        throw CpuFault.gp(0);
                    }
                    c.cr8 = v;
                    if (c.apic != null) {
                        c.apic.setTpr((int) v << 4); // CR8 is the TPR's priority class
                    }
                }
                default -> throw CpuFault.ud();
            }
        } else {
            long v = switch (n) {
                case 0 -> c.cr0;
                case 2 -> c.cr2;
                case 3 -> c.cr3;
                case 4 -> c.cr4;
                case 8 -> c.apic != null ? c.apic.tpr() >> 4 : c.cr8;
                default -> throw CpuFault.ud();
            };
            c.r[rm] = c.code64() ? v : v & 0xFFFF_FFFFL;
        }
        c.rip = x.next();
    }

    void writeCr0(long v) {
        v |= 0x10; // ET is hardwired
        if ((v & (1L << 31)) != 0 && (v & 1) == 0) {
            throw CpuFault.gp(0); // PG without PE
        }
        if ((v & (1L << 29)) != 0 && (v & (1L << 30)) == 0) {
            throw CpuFault.gp(0); // NW without CD
        }
        boolean pagingOn = (v & (1L << 31)) != 0;
        if (pagingOn && (c.cr0 & (1L << 31)) == 0 && (c.efer & (1 << 8)) != 0) {
            if ((c.cr4 & 0x20) == 0) {
                throw CpuFault.gp(0); // long mode needs PAE
            }
            c.efer |= 1 << 10; // LMA
        }
        if (!pagingOn && (c.efer & (1 << 10)) != 0) {
            if (c.code64()) {
                throw CpuFault.gp(0);
            }
            c.efer &= ~(1L << 10);
        }
        if (((c.cr0 ^ v) & ((1L << 31) | (1 << 16) | 1)) != 0) {
            c.flushTlb(true);
        }
        c.cr0 = v;
    }

    void writeCr4(long v) {
        if ((v & ~Cpuid.CR4_SUPPORTED) != 0) {
            throw CpuFault.gp(0);
        }
        if (c.longModeActive() && (v & 0x20) == 0) {
            throw CpuFault.gp(0); // PAE cannot be cleared in long mode
        }
        if (((c.cr4 ^ v) & (0x10 | 0x20 | 0x80 | (1 << 17) | (1 << 20) | (1 << 21))) != 0) {
            c.flushTlb(true);
        }
        c.cr4 = v;
    }

    private final long[] dr = new long[8];

    void movDr(Exec x, boolean write) {
        Insn in = x.in;
        requireCpl0();
        int n = in.reg & 7;
        if ((n == 4 || n == 5) && (c.cr4 & 8) != 0) {
            throw CpuFault.ud();
        }
        if (n == 4) {
            n = 6;
        } else if (n == 5) {
            n = 7;
        }
        if (write) {
            dr[n] = c.r[in.rm];
        } else {
            long v = n == 6 ? dr[6] | 0xFFFF0FF0L : n == 7 ? dr[7] | 0x400 : dr[n];
            c.r[in.rm] = c.code64() ? v : v & 0xFFFF_FFFFL;
        }
        c.rip = x.next(); // breakpoints are recorded, not armed
    }

    // =====================================================================================
    // MSRs, TSC, CPUID
    // =====================================================================================

    long tsc() {
        return System.nanoTime() + c.tscOffset; // a 1 GHz TSC: one tick per nanosecond
    }

    void rdmsr(Exec x) {
        requireCpl0();
        int idx = (int) c.r[1];
        long v = switch (idx) {
            case MSR_TSC -> tsc();
            case MSR_APIC_BASE -> c.apic != null ? c.apic.apicBaseMsr() : c.apicBase;
            case MSR_TSC_DEADLINE -> c.apic != null ? c.apic.tscDeadline() : 0;
            case MSR_EFER -> c.efer;
            case MSR_FS_BASE -> c.fs.base;
            case MSR_GS_BASE -> c.gs.base;
            default -> {
                Long m = c.msrs.get(idx);
                if (m == null && !Cpuid.knownMsr(idx)) {
                    throw CpuFault.gp(0);
                }
                yield m == null ? 0 : m;
            }
        };
        c.r[0] = v & 0xFFFF_FFFFL;
        c.r[2] = v >>> 32;
        c.rip = x.next();
    }

    void wrmsr(Exec x) {
        requireCpl0();
        int idx = (int) c.r[1];
        long v = (c.r[0] & 0xFFFF_FFFFL) | (c.r[2] << 32);
        switch (idx) {
            case MSR_TSC -> {
                c.tscOffset = v - System.nanoTime();
                if (c.apic != null) {
                    c.apic.setTscOffset(c.tscOffset); // TSC-deadline compares against the same TSC
                }
            }
            case MSR_APIC_BASE -> {
                if (c.apic != null) {
                    if (!dev.jvmm.devmodel.irqchip.apic.LocalApic.isValidApicBaseMsr(v)) {
                        throw CpuFault.gp(0);
                    }
                    c.apic.setApicBaseMsr(v);
                }
                c.apicBase = v & 0x000F_FFFF_FFFF_FD00L;
            }
            case MSR_TSC_DEADLINE -> {
                if (c.apic != null) {
                    c.apic.setTscDeadline(v);
                }
            }
            case MSR_EFER -> {
                if ((v & ~Cpuid.EFER_SUPPORTED) != 0) {
                    throw CpuFault.gp(0);
                }
                if ((c.cr0 & (1L << 31)) != 0 && ((v ^ c.efer) & (1 << 8)) != 0) {
                    throw CpuFault.gp(0); // LME cannot change while paging is on
                }
                c.efer = (v & ~(1L << 10)) | (c.efer & (1 << 10)); // LMA is read-only
                c.flushTlb(true);
            }
            case MSR_FS_BASE -> c.fs.base = requireCanonical(v);
            case MSR_GS_BASE -> c.gs.base = requireCanonical(v);
            case MSR_KERNEL_GS_BASE, MSR_LSTAR, MSR_CSTAR -> c.msrs.put(idx, requireCanonical(v));
            default -> {
                if (!Cpuid.knownMsr(idx)) {
                    throw CpuFault.gp(0);
                }
                c.msrs.put(idx, v);
            }
        }
        c.rip = x.next();
    }

    private static long requireCanonical(long v) {
        if (!Cpu.canonical(v)) {
            throw CpuFault.gp(0);
        }
        return v;
    }

    void cpuid() {
        int leaf = (int) c.r[0];
        int sub = (int) c.r[1];
        int[] r = Cpuid.query(leaf, sub, c.index, c.cr4, c.xcr0);
        c.r[0] = r[0] & 0xFFFF_FFFFL;
        c.r[3] = r[1] & 0xFFFF_FFFFL;
        c.r[1] = r[2] & 0xFFFF_FFFFL;
        c.r[2] = r[3] & 0xFFFF_FFFFL;
    }

    // =====================================================================================
    // Fast system calls
    // =====================================================================================

    void syscall(long returnRip) {
        if ((c.efer & 1) == 0 || !c.longModeActive()) {
            throw CpuFault.ud(); // SYSCALL is only modelled in long mode
        }
        long star = c.msrs.getOrDefault(MSR_STAR, 0L);
        int sel = (int) (star >>> 32) & 0xFFFC;
        c.r[1] = returnRip;
        c.r[11] = c.getFlags() & ~Cpu.RF;
        long mask = c.msrs.getOrDefault(MSR_SFMASK, 0L);
        c.setFlags(c.getFlags() & ~mask & ~Cpu.RF);
        c.cs.set(sel, 0, 0xFFFF_FFFFL, 0xB | Seg.A_S | Seg.A_P | Seg.A_L | Seg.A_G);
        c.ss.set(sel + 8, 0, 0xFFFF_FFFFL, 0x3 | Seg.A_S | Seg.A_P | Seg.A_DB | Seg.A_G);
        c.rip = c.code64Target() ? c.msrs.getOrDefault(MSR_LSTAR, 0L) : c.msrs.getOrDefault(MSR_CSTAR, 0L);
    }

    void sysret(int os) {
        if ((c.efer & 1) == 0 || !c.code64()) {
            throw CpuFault.ud();
        }
        requireCpl0();
        long star = c.msrs.getOrDefault(MSR_STAR, 0L);
        int base = (int) (star >>> 48) & 0xFFFF;
        long rip = c.r[1];
        if (os == 8) {
            if (!Cpu.canonical(rip)) {
                throw CpuFault.gp(0);
            }
            c.cs.set((base + 16) | 3, 0, 0xFFFF_FFFFL, 0xB | Seg.A_S | Seg.A_P | (3 << 5) | Seg.A_L | Seg.A_G);
        } else {
            c.cs.set(base | 3, 0, 0xFFFF_FFFFL, 0xB | Seg.A_S | Seg.A_P | (3 << 5) | Seg.A_DB | Seg.A_G);
            rip &= 0xFFFF_FFFFL;
        }
        c.ss.set((base + 8) | 3, 0, 0xFFFF_FFFFL, 0x3 | Seg.A_S | Seg.A_P | (3 << 5) | Seg.A_DB | Seg.A_G);
        c.setFlags((c.r[11] & 0x3C_7FD7L) | 2);
        c.rip = rip;
    }

    void sysenter() {
        if (!c.protectedMode()) {
            throw CpuFault.gp(0);
        }
        int cs = (int) (long) c.msrs.getOrDefault(MSR_SYSENTER_CS, 0L) & 0xFFFC;
        if (cs == 0) {
            throw CpuFault.gp(0);
        }
        c.flagsRest &= ~(Cpu.VM | Cpu.IF | Cpu.RF);
        boolean lm = c.longModeActive();
        c.cs.set(cs, 0, 0xFFFF_FFFFL, 0xB | Seg.A_S | Seg.A_P | Seg.A_G | (lm ? Seg.A_L : Seg.A_DB));
        c.ss.set(cs + 8, 0, 0xFFFF_FFFFL, 0x3 | Seg.A_S | Seg.A_P | Seg.A_DB | Seg.A_G);
        long esp = c.msrs.getOrDefault(MSR_SYSENTER_ESP, 0L);
        long eip = c.msrs.getOrDefault(MSR_SYSENTER_EIP, 0L);
        c.r[4] = lm ? esp : esp & 0xFFFF_FFFFL;
        c.rip = lm ? eip : eip & 0xFFFF_FFFFL;
    }

    void sysexit(int os) {
        int cs = (int) (long) c.msrs.getOrDefault(MSR_SYSENTER_CS, 0L) & 0xFFFC;
        if (!c.protectedMode() || c.cpl() != 0 || cs == 0) {
            throw CpuFault.gp(0);
        }
        if (os == 8) {
            c.cs.set((cs + 32) | 3, 0, 0xFFFF_FFFFL, 0xB | Seg.A_S | Seg.A_P | (3 << 5) | Seg.A_L | Seg.A_G);
            c.ss.set((cs + 40) | 3, 0, 0xFFFF_FFFFL, 0x3 | Seg.A_S | Seg.A_P | (3 << 5) | Seg.A_DB | Seg.A_G);
            c.r[4] = c.r[1];
            c.rip = c.r[2];
        } else {
            c.cs.set((cs + 16) | 3, 0, 0xFFFF_FFFFL, 0xB | Seg.A_S | Seg.A_P | (3 << 5) | Seg.A_DB | Seg.A_G);
            c.ss.set((cs + 24) | 3, 0, 0xFFFF_FFFFL, 0x3 | Seg.A_S | Seg.A_P | (3 << 5) | Seg.A_DB | Seg.A_G);
            c.r[4] = c.r[1] & 0xFFFF_FFFFL;
            c.rip = c.r[2] & 0xFFFF_FFFFL;
        }
    }

    // =====================================================================================
    // Atomic memory operations (LOCK, XCHG)
    // =====================================================================================

    /**
     * Compare-and-exchange on guest memory, atomic against every other vCPU's access when the
     * operand is RAM within one aligned 8-byte word (a CAS on the host); otherwise under the VM's
     * split lock. Returns the old value.
     */
    long atomicCmpxchg(Seg s, long offset, int size, long expected, long replacement) {
        long m = mask(size);
        expected &= m;
        replacement &= m;
        long lin = c.linear(s, offset);
        if (!c.code64()) {
            lin &= 0xFFFF_FFFFL;
        }
        long host = c.hostForAtomic(lin, size);
        if (host != 0 && (host & 7) + size <= 8) {
            long word = host & ~7L;
            int shift = (int) (host & 7) * 8;
            long fieldMask = (size == 8 ? -1L : m) << shift;
            while (true) {
                long cur = U.getLongVolatile(null, word);
                long old = (cur & fieldMask) >>> shift;
                if (size < 8) {
                    old &= m;
                }
                if (old != expected) {
                    return old;
                }
                long next = (cur & ~fieldMask) | (replacement << shift);
                if (U.compareAndSwapLong(null, word, cur, next)) {
                    return old;
                }
            }
        }
        if (!c.isRamLinear(lin, size)) {
            // MMIO: no atomicity to give, and every read may have side effects: read once, write once.
            long old = c.read(s, offset, size);
            c.write(s, offset, size, old == expected ? replacement : old);
            return old;
        }
        synchronized (splitLock) {
            long old = c.read(s, offset, size);
            if (old == expected) {
                c.write(s, offset, size, replacement);
            }
            return old;
        }
    }

    /** Whether the operand is MMIO, where LOCK is a plain read and write (retrying would re-read a device). */
    boolean isMmio(Seg s, long offset, int size) {
        return mmio(s, offset, size);
    }

    private boolean mmio(Seg s, long offset, int size) {
        long lin = c.linear(s, offset);
        if (!c.code64()) {
            lin &= 0xFFFF_FFFFL;
        }
        return !c.isRamLinear(lin, size);
    }

    long atomicXchg(Seg s, long offset, int size, long value) {
        if (mmio(s, offset, size)) {
            long old = c.read(s, offset, size);
            c.write(s, offset, size, value);
            return old;
        }
        while (true) {
            long old = c.read(s, offset, size);
            if (atomicCmpxchg(s, offset, size, old, value) == old) {
                return old;
            }
        }
    }

    long atomicXadd(Seg s, long offset, int size, long add) {
        if (mmio(s, offset, size)) {
            long old = c.read(s, offset, size);
            c.write(s, offset, size, old + add);
            return old;
        }
        while (true) {
            long old = c.read(s, offset, size);
            if (atomicCmpxchg(s, offset, size, old, old + add) == old) {
                return old;
            }
        }
    }
}
