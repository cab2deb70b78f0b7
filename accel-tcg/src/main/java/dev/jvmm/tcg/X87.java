package dev.jvmm.tcg;

import static dev.jvmm.tcg.Ext80.DE;
import static dev.jvmm.tcg.Ext80.IE;
import static dev.jvmm.tcg.Ext80.INDEFINITE;
import static dev.jvmm.tcg.Ext80.OE;
import static dev.jvmm.tcg.Ext80.UE;
import static dev.jvmm.tcg.Ext80.ZE;

/**
 * x87 floating point: the D8-DF escape opcodes (Intel SDM vol. 1 ch. 8, vol. 2 "F" instructions).
 *
 * <p>Each instruction computes its result and exceptions first, performs its memory accesses
 * (which may fault, leaving the FPU untouched), and then commits: with an unmasked invalid,
 * denormal or divide-by-zero exception the destination and the stack stay unchanged; with an
 * unmasked overflow or underflow a register result is bias-adjusted and a memory store is
 * suppressed. Unmasked exceptions set ES in the status word; the next waiting x87 instruction then
 * raises #MF (with CR0.NE=1; with CR0.NE=0 the legacy FERR#/IRQ 13 path is not modelled and the
 * exception stays pending without a fault). FWAIT (9B) is executed by {@link Exec}, which should
 * call {@link #fwait} to deliver a pending exception there too.
 *
 * <p>Arithmetic, comparisons, conversions, FRNDINT, FSCALE, FXTRACT, FPREM/FPREM1 and the
 * constants are bit-exact ({@link Ext80}); the transcendentals are approximations through double
 * precision ({@link X87Trans}).
 */
final class X87 {
    private X87() {}

    private static final int SF = Fpu.SW_SF;

    /** WAIT/FWAIT: raises #MF when an unmasked x87 exception is pending (CR0.NE=1). */
    static void fwait(Cpu c) {
        checkPending(c);
    }

    private static void checkPending(Cpu c) {
        if (c.fpu.pending() && (c.cr0 & 0x20) != 0) {
            throw CpuFault.of(CpuFault.MF);
        }
    }

    static void execute(Exec x) {
        Cpu c = x.c;
        Fpu f = c.fpu;
        Insn in = x.in;
        int esc = in.op & 7;
        int reg = in.reg & 7;
        int rm = in.rm & 7;
        boolean mem = in.mod != 3;
        int modrm = (in.mod << 6) | (reg << 3) | rm;
        if (mem ? !validMem(esc, reg) : !validReg(esc, modrm)) {
            throw CpuFault.ud();
        }
        boolean control;
        boolean noWait;
        if (mem) {
            control = (esc == 1 && reg >= 4) || (esc == 5 && (reg == 4 || reg == 6 || reg == 7));
            noWait = (esc == 1 || esc == 5) && reg >= 6;
        } else {
            control = (esc == 3 && modrm >= 0xE0 && modrm <= 0xE4) || (esc == 7 && modrm == 0xE0);
            noWait = control;
        }
        if (!noWait) {
            checkPending(c);
        }
        f.exc = 0;
        f.up = false;
        f.srcDenormal = false;
        if (mem) {
            long ea = x.ea();
            Seg s = x.seg();
            memory(x, c, f, esc, reg, s, ea);
            if (!control) {
                f.fdp = ea;
                f.fds = s.selector;
            }
        } else {
            register(x, c, f, esc, reg, rm, modrm);
        }
        if (!control) {
            f.fop = (esc << 8) | modrm;
            f.fip = in.start;
            f.fcs = c.cs.selector;
        }
        c.rip = x.next();
    }

    private static boolean validMem(int esc, int reg) {
        return switch (esc) {
            case 1 -> reg != 1;
            case 3 -> reg != 4 && reg != 6;
            case 5 -> reg != 5;
            default -> true;
        };
    }

    private static boolean validReg(int esc, int m) {
        return switch (esc) {
            case 1 -> m < 0xD0 || m == 0xD0 || (m >= 0xD8 && m <= 0xE1) || m == 0xE4 || m == 0xE5
                || (m >= 0xE8 && m <= 0xEE) || m >= 0xF0;
            case 2 -> m < 0xE0 || m == 0xE9;
            case 3 -> m < 0xE0 || (m >= 0xE0 && m <= 0xE4) || (m >= 0xE8 && m < 0xF8);
            case 5 -> m < 0xF0;
            case 6 -> m < 0xD8 || m == 0xD9 || m >= 0xE0;
            case 7 -> m < 0xE0 || m == 0xE0 || (m >= 0xE8 && m < 0xF8);
            default -> true;
        };
    }

    // =====================================================================================
    // Commit helpers
    // =====================================================================================

    /** An unmasked invalid, denormal or divide-by-zero exception: the instruction does not complete. */
    private static boolean aborted(Fpu f) {
        return (f.exc & ~f.fcw & (IE | DE | ZE)) != 0;
    }

    /** A store to memory is suppressed by these unmasked exceptions. */
    private static boolean storeSuppressed(Fpu f) {
        return (f.exc & ~f.fcw & (IE | DE | ZE | OE | UE)) != 0;
    }

    /** Accumulates the instruction's exceptions into the status word and sets C1 from the rounding. */
    private static void finish(Fpu f) {
        f.fsw |= f.exc & 0x7F;
        f.fsw = (f.fsw & ~Fpu.SW_C1) | (f.up ? Fpu.SW_C1 : 0);
    }

    private static void underflow(Fpu f) {
        f.exc |= IE | SF;
        f.up = false;
    }

    private static void overflow(Fpu f) {
        f.exc |= IE | SF;
        f.up = true;
    }

    /** ST(i), or null after flagging a stack underflow when it is empty. */
    private static Ext80 operand(Fpu f, int i) {
        if (f.isEmpty(i)) {
            underflow(f);
            return null;
        }
        return f.st(i);
    }

    private static void writeResult(Fpu f, int dst, Ext80 r, boolean pop) {
        if (!aborted(f)) {
            f.setSt(dst, r);
            if (pop) {
                f.pop();
            }
        }
        finish(f);
    }

    /**
     * Pushes a loaded value, with the stack overflow check. A float32/float64 denormal raises DE
     * but is loaded even when DE is unmasked (observed on hardware).
     */
    private static void load(Fpu f, Ext80 v) {
        if (v.cls() == Ext80.SNAN) { // only float32/float64 sources: FLD m80 and ST(i) load SNaNs as they are
            f.exc |= IE;
            v = v.quiet();
        }
        if (!f.isEmpty(7)) {
            overflow(f);
            v = INDEFINITE;
        } else if (f.srcDenormal) {
            f.exc |= DE;
        }
        if ((f.exc & ~f.fcw & (IE | ZE)) == 0) {
            f.push(v);
        }
        finish(f);
    }

    /** FLD m80 / FLD ST(i): pushes the value unchanged. */
    private static void loadRaw(Fpu f, Ext80 v) {
        if (!f.isEmpty(7)) {
            overflow(f);
            v = INDEFINITE;
        }
        if ((f.exc & ~f.fcw & IE) == 0) {
            f.push(v);
        }
        finish(f);
    }

    /** D8/DC/DE arithmetic: 0 add, 1 mul, 4 x-y, 5 y-x, 6 x/y, 7 y/x. */
    private static Ext80 arith(Fpu f, int kind, Ext80 x, Ext80 y) {
        if (x == null || y == null) {
            return INDEFINITE;
        }
        return switch (kind) {
            case 0 -> Ext80.add(f, x, y);
            case 1 -> Ext80.mul(f, x, y);
            case 4 -> Ext80.sub(f, x, y);
            case 5 -> Ext80.sub(f, y, x);
            case 6 -> Ext80.div(f, x, y);
            default -> Ext80.div(f, y, x);
        };
    }

    private static final int[] CC = {0, Fpu.SW_C0, Fpu.SW_C3, Fpu.SW_C0 | Fpu.SW_C2 | Fpu.SW_C3};
    private static final long[] EFL = {0, Cpu.CF, Cpu.ZF, Cpu.ZF | Cpu.PF | Cpu.CF};

    /**
     * FCOM/FUCOM/FICOM/FTST: sets C3 C2 C0 (C1 cleared) and pops {@code pops} times. The condition
     * codes are set even when an unmasked exception stops the pops (observed on hardware).
     */
    private static void compare(Fpu f, Ext80 x, Ext80 y, boolean quiet, int pops) {
        int r = x == null || y == null ? Ext80.UNORDERED : Ext80.compare(f, x, y, quiet);
        f.up = false;
        f.setCc(CC[r]);
        if (!aborted(f)) {
            for (int i = 0; i < pops; i++) {
                f.pop();
            }
        }
        finish(f);
    }

    /** FCOMI/FUCOMI(P): sets ZF, PF, CF (OF, SF, AF cleared). */
    private static void compareFlags(Cpu c, Fpu f, int i, boolean quiet, boolean pop) {
        Ext80 x = operand(f, 0), y = operand(f, i);
        int r = x == null || y == null ? Ext80.UNORDERED : Ext80.compare(f, x, y, quiet);
        f.up = false;
        c.setStatusEager(EFL[r]); // set even when an unmasked exception stops the pop
        if (!aborted(f)) {
            if (pop) {
                f.pop();
            }
        }
        finish(f);
    }

    // =====================================================================================
    // Memory operands
    // =====================================================================================

    private static long rd(Exec x, Seg s, long ea, int off, int size) {
        return x.c.read(s, (ea + off) & Cpu.mask(x.in.addrSize), size);
    }

    private static void wr(Exec x, Seg s, long ea, int off, int size, long v) {
        x.c.write(s, (ea + off) & Cpu.mask(x.in.addrSize), size, v);
    }

    private static Ext80 rd80(Exec x, Seg s, long ea, int off) {
        long m = rd(x, s, ea, off, 8);
        int se = (int) rd(x, s, ea, off + 8, 2);
        return new Ext80(se, m);
    }

    private static void wr80(Exec x, Seg s, long ea, int off, Ext80 v) {
        wr(x, s, ea, off, 8, v.sig);
        wr(x, s, ea, off + 8, 2, v.se);
    }

    private static void memory(Exec x, Cpu c, Fpu f, int esc, int reg, Seg s, long ea) {
        switch (esc) {
            case 0 -> arithMem(f, reg, Ext80.fromFloat(f, (int) rd(x, s, ea, 0, 4)));
            case 2 -> arithMem(f, reg, Ext80.fromLong((int) rd(x, s, ea, 0, 4)));
            case 4 -> arithMem(f, reg, Ext80.fromDouble(f, rd(x, s, ea, 0, 8)));
            case 6 -> arithMem(f, reg, Ext80.fromLong((short) rd(x, s, ea, 0, 2)));
            case 1 -> {
                switch (reg) {
                    case 0 -> load(f, Ext80.fromFloat(f, (int) rd(x, s, ea, 0, 4)));
                    case 2, 3 -> {
                        int v;
                        if (f.isEmpty(0)) {
                            underflow(f);
                            v = 0xFFC0_0000;
                        } else {
                            v = Ext80.toFloat(f, f.st(0));
                        }
                        storeAndPop(x, f, s, ea, 4, v, reg == 3);
                    }
                    case 4 -> loadEnv(x, c, f, s, ea);
                    case 5 -> f.fcw = Fpu.controlWord((int) rd(x, s, ea, 0, 2));
                    case 6 -> {
                        storeEnv(x, c, f, s, ea);
                        f.fcw |= 0x3F; // FNSTENV masks all exceptions after saving the environment
                    }
                    default -> wr(x, s, ea, 0, 2, f.fcw); // FNSTCW
                }
            }
            case 3 -> {
                switch (reg) {
                    case 0 -> load(f, Ext80.fromLong((int) rd(x, s, ea, 0, 4)));
                    case 1, 2, 3 -> storeInt(x, f, s, ea, 4, reg);
                    case 5 -> loadRaw(f, rd80(x, s, ea, 0));
                    default -> { // FSTP m80
                        Ext80 v;
                        if (f.isEmpty(0)) {
                            underflow(f);
                            v = INDEFINITE;
                        } else {
                            v = f.st(0);
                        }
                        if (!storeSuppressed(f)) {
                            wr80(x, s, ea, 0, v);
                            f.pop();
                        }
                        finish(f);
                    }
                }
            }
            case 5 -> {
                switch (reg) {
                    case 0 -> load(f, Ext80.fromDouble(f, rd(x, s, ea, 0, 8)));
                    case 1 -> storeInt(x, f, s, ea, 8, 1);
                    case 2, 3 -> {
                        long v;
                        if (f.isEmpty(0)) {
                            underflow(f);
                            v = 0xFFF8_0000_0000_0000L;
                        } else {
                            v = Ext80.toDouble(f, f.st(0));
                        }
                        storeAndPop(x, f, s, ea, 8, v, reg == 3);
                    }
                    case 4 -> frstor(x, c, f, s, ea);
                    case 6 -> {
                        fsave(x, c, f, s, ea);
                        f.init();
                    }
                    default -> wr(x, s, ea, 0, 2, f.status()); // FNSTSW m16
                }
            }
            default -> { // DF
                switch (reg) {
                    case 0 -> load(f, Ext80.fromLong((short) rd(x, s, ea, 0, 2)));
                    case 1, 2, 3 -> storeInt(x, f, s, ea, 2, reg);
                    case 4 -> { // FBLD
                        long lo = rd(x, s, ea, 0, 8);
                        int hi = (int) rd(x, s, ea, 8, 2);
                        load(f, Ext80.fromBcd(lo, hi));
                    }
                    case 5 -> load(f, Ext80.fromLong(rd(x, s, ea, 0, 8)));
                    case 6 -> { // FBSTP
                        long[] v;
                        if (f.isEmpty(0)) {
                            underflow(f);
                            v = new long[] {0xC000_0000_0000_0000L, 0xFFFF};
                        } else {
                            v = Ext80.toBcd(f, f.st(0));
                        }
                        if (!storeSuppressed(f)) {
                            wr(x, s, ea, 0, 8, v[0]);
                            wr(x, s, ea, 8, 2, v[1]);
                            f.pop();
                        }
                        finish(f);
                    }
                    default -> storeInt(x, f, s, ea, 8, 3); // FISTP m64
                }
            }
        }
    }

    private static void arithMem(Fpu f, int reg, Ext80 src) {
        Ext80 st0 = operand(f, 0);
        if (reg == 2 || reg == 3) {
            compare(f, st0, src, false, reg == 3 ? 1 : 0);
        } else {
            writeResult(f, 0, arith(f, reg, st0, src), false);
        }
    }

    private static void storeAndPop(Exec x, Fpu f, Seg s, long ea, int size, long v, boolean pop) {
        if (!storeSuppressed(f)) {
            wr(x, s, ea, 0, size, v);
            if (pop) {
                f.pop();
            }
        }
        finish(f);
    }

    /** FISTTP (kind 1, truncating, pops), FIST (2), FISTP (3). */
    private static void storeInt(Exec x, Fpu f, Seg s, long ea, int size, int kind) {
        long v;
        if (f.isEmpty(0)) {
            underflow(f);
            v = 1L << (size * 8 - 1);
        } else {
            v = Ext80.toInt(f, f.st(0), size * 8, kind == 1 ? Ext80.RC_ZERO : Ext80.rc(f));
        }
        storeAndPop(x, f, s, ea, size, v, kind != 2);
    }

    // ---- environment and state images ----

    private static boolean realFormat(Cpu c) {
        return !c.protectedMode() || (c.flagsRest & Cpu.VM) != 0;
    }

    /** Size of the FSTENV image: 14 bytes with a 16-bit operand size, else 28. */
    private static int envSize(Exec x) {
        return x.in.opSize == 2 ? 14 : 28;
    }

    private static void storeEnv(Exec x, Cpu c, Fpu f, Seg s, long ea) {
        boolean real = realFormat(c);
        long ip = real ? ((long) f.fcs << 4) + (f.fip & 0xFFFF) : f.fip;
        long dp = real ? ((long) f.fds << 4) + (f.fdp & 0xFFFF) : f.fdp;
        if (x.in.opSize == 2) {
            wr(x, s, ea, 0, 2, f.fcw);
            wr(x, s, ea, 2, 2, f.status());
            wr(x, s, ea, 4, 2, f.tagWord());
            if (real) {
                wr(x, s, ea, 6, 2, ip);
                wr(x, s, ea, 8, 2, ((ip >>> 16) & 0xF) << 12 | f.fop);
                wr(x, s, ea, 10, 2, dp);
                wr(x, s, ea, 12, 2, ((dp >>> 16) & 0xF) << 12);
            } else {
                wr(x, s, ea, 6, 2, ip);
                wr(x, s, ea, 8, 2, f.fcs);
                wr(x, s, ea, 10, 2, dp);
                wr(x, s, ea, 12, 2, f.fds);
            }
        } else {
            wr(x, s, ea, 0, 4, 0xFFFF_0000L | f.fcw);
            wr(x, s, ea, 4, 4, 0xFFFF_0000L | f.status());
            wr(x, s, ea, 8, 4, 0xFFFF_0000L | f.tagWord());
            if (real) {
                wr(x, s, ea, 12, 4, 0xFFFF_0000L | (ip & 0xFFFF));
                wr(x, s, ea, 16, 4, ((ip >>> 16) & 0xFFFF) << 12 | f.fop);
                wr(x, s, ea, 20, 4, 0xFFFF_0000L | (dp & 0xFFFF));
                wr(x, s, ea, 24, 4, ((dp >>> 16) & 0xFFFF) << 12);
            } else {
                wr(x, s, ea, 12, 4, ip);
                wr(x, s, ea, 16, 4, (f.fcs & 0xFFFF) | ((long) f.fop << 16));
                wr(x, s, ea, 20, 4, dp);
                wr(x, s, ea, 24, 4, 0xFFFF_0000L | f.fds);
            }
        }
    }

    /** Reads an environment image into {@code into} (nothing else changes until all reads succeeded). */
    private static void readEnv(Exec x, Cpu c, Fpu into, Seg s, long ea) {
        boolean real = realFormat(c);
        int cw, sw, tw;
        if (x.in.opSize == 2) {
            cw = (int) rd(x, s, ea, 0, 2);
            sw = (int) rd(x, s, ea, 2, 2);
            tw = (int) rd(x, s, ea, 4, 2);
            long w6 = rd(x, s, ea, 6, 2), w8 = rd(x, s, ea, 8, 2), w10 = rd(x, s, ea, 10, 2),
                w12 = rd(x, s, ea, 12, 2);
            if (real) {
                into.fip = w6 | ((w8 >>> 12) << 16);
                into.fop = (int) (w8 & 0x7FF);
                into.fdp = w10 | ((w12 >>> 12) << 16);
                into.fcs = into.fds = 0;
            } else {
                into.fip = w6;
                into.fcs = (int) w8;
                into.fdp = w10;
                into.fds = (int) w12;
            }
        } else {
            cw = (int) rd(x, s, ea, 0, 2);
            sw = (int) rd(x, s, ea, 4, 2);
            tw = (int) rd(x, s, ea, 8, 2);
            long d12 = rd(x, s, ea, 12, 4), d16 = rd(x, s, ea, 16, 4), d20 = rd(x, s, ea, 20, 4),
                d24 = rd(x, s, ea, 24, 4);
            if (real) {
                into.fip = (d12 & 0xFFFF) | (((d16 >>> 12) & 0xFFFF) << 16);
                into.fop = (int) (d16 & 0x7FF);
                into.fdp = (d20 & 0xFFFF) | (((d24 >>> 12) & 0xFFFF) << 16);
                into.fcs = into.fds = 0;
            } else {
                into.fip = d12;
                into.fcs = (int) (d16 & 0xFFFF);
                into.fop = (int) ((d16 >>> 16) & 0x7FF);
                into.fdp = d20;
                into.fds = (int) (d24 & 0xFFFF);
            }
        }
        into.fcw = Fpu.controlWord(cw);
        into.setStatus(sw);
        into.setTagWord(tw);
    }

    private static void loadEnv(Exec x, Cpu c, Fpu f, Seg s, long ea) {
        Fpu n = new Fpu();
        n.copyFrom(f);
        readEnv(x, c, n, s, ea);
        f.copyFrom(n);
    }

    private static void fsave(Exec x, Cpu c, Fpu f, Seg s, long ea) {
        storeEnv(x, c, f, s, ea);
        int base = envSize(x);
        for (int i = 0; i < 8; i++) {
            wr80(x, s, ea, base + 10 * i, f.st(i));
        }
    }

    private static void frstor(Exec x, Cpu c, Fpu f, Seg s, long ea) {
        Fpu n = new Fpu();
        n.copyFrom(f);
        readEnv(x, c, n, s, ea);
        int base = envSize(x);
        for (int i = 0; i < 8; i++) {
            n.setPhysReg(n.phys(i), rd80(x, s, ea, base + 10 * i));
        }
        f.copyFrom(n);
    }

    // =====================================================================================
    // Register forms
    // =====================================================================================

    private static void register(Exec x, Cpu c, Fpu f, int esc, int reg, int i, int modrm) {
        switch (esc) {
            case 0 -> { // D8: ST(0) = ST(0) op ST(i)
                if (reg == 2 || reg == 3) {
                    compare(f, operand(f, 0), operand(f, i), false, reg == 3 ? 1 : 0);
                } else {
                    Ext80 a = operand(f, 0), b = operand(f, i);
                    writeResult(f, 0, arith(f, reg, a, b), false);
                }
            }
            case 4, 6 -> { // DC: ST(i) = ST(i) op ST(0); DE: the same and pop
                if (reg == 2 || reg == 3) { // FCOM2/FCOMP3/FCOMP5 aliases, DE D9 FCOMPP
                    int pops = esc == 6 ? (reg == 3 ? 2 : 1) : (reg == 3 ? 1 : 0);
                    compare(f, operand(f, 0), operand(f, esc == 6 && reg == 3 ? 1 : i), false, pops);
                } else {
                    Ext80 a = operand(f, 0), b = operand(f, i);
                    writeResult(f, i, arith(f, reg, a, b), esc == 6);
                }
            }
            case 1 -> d9(f, reg, i, modrm);
            case 2 -> {
                if (reg < 4) {
                    fcmov(c, f, reg, i, false);
                } else { // DA E9 FUCOMPP
                    compare(f, operand(f, 0), operand(f, 1), true, 2);
                }
            }
            case 3 -> {
                switch (reg) {
                    case 0, 1, 2, 3 -> fcmov(c, f, reg, i, true);
                    case 4 -> {
                        if (modrm == 0xE2) { // FNCLEX
                            f.fsw &= ~(0x3F | SF | Fpu.SW_ES | Fpu.SW_B);
                        } else if (modrm == 0xE3) { // FNINIT
                            f.init();
                        } // E0 FNENI, E1 FNDISI, E4 FNSETPM: no-ops since the 80387
                    }
                    case 5 -> compareFlags(c, f, i, true, false); // FUCOMI
                    default -> compareFlags(c, f, i, false, false); // FCOMI
                }
            }
            case 5 -> {
                switch (reg) {
                    case 0 -> { // FFREE
                        f.free(i);
                        finish(f);
                    }
                    case 1 -> fxch(f, i);
                    case 2, 3 -> fstReg(f, i, reg == 3);
                    case 4 -> compare(f, operand(f, 0), operand(f, i), true, 0); // FUCOM
                    default -> compare(f, operand(f, 0), operand(f, i), true, 1); // FUCOMP
                }
            }
            default -> { // DF
                switch (reg) {
                    case 0 -> { // FFREEP
                        f.free(i);
                        f.pop();
                        finish(f);
                    }
                    case 1 -> fxch(f, i);
                    case 2, 3 -> fstReg(f, i, true);
                    case 4 -> c.r[0] = (c.r[0] & ~0xFFFFL) | f.status(); // FNSTSW AX
                    case 5 -> compareFlags(c, f, i, true, true); // FUCOMIP
                    default -> compareFlags(c, f, i, false, true); // FCOMIP
                }
            }
        }
    }

    private static void fxch(Fpu f, int i) {
        Ext80 a = f.st(0), b = f.st(i);
        if (f.isEmpty(0) || f.isEmpty(i)) {
            if (f.isEmpty(0)) {
                a = INDEFINITE;
            }
            if (f.isEmpty(i)) {
                b = INDEFINITE;
            }
            underflow(f);
        }
        if (!aborted(f)) {
            f.setSt(0, b);
            f.setSt(i, a);
        }
        finish(f);
    }

    private static void fstReg(Fpu f, int i, boolean pop) {
        Ext80 v = operand(f, 0);
        writeResult(f, i, v == null ? INDEFINITE : v, pop);
    }

    private static void fcmov(Cpu c, Fpu f, int cc, int i, boolean negate) {
        boolean cond = switch (cc) {
            case 0 -> c.cf();
            case 1 -> c.zf();
            case 2 -> c.cf() || c.zf();
            default -> (c.status() & Cpu.PF) != 0;
        };
        if (negate) {
            cond = !cond;
        }
        if (f.isEmpty(0) || f.isEmpty(i)) { // the masked response loads the indefinite whatever the condition
            underflow(f);
            writeResult(f, 0, INDEFINITE, false);
            return;
        }
        if (cond) {
            f.setSt(0, f.st(i));
        }
        finish(f);
    }

    private static void unary(Fpu f, java.util.function.UnaryOperator<Ext80> op) {
        Ext80 a = operand(f, 0);
        writeResult(f, 0, a == null ? INDEFINITE : op.apply(a), false);
    }

    private static void d9(Fpu f, int reg, int i, int modrm) {
        switch (reg) {
            case 0 -> { // FLD ST(i)
                Ext80 v = operand(f, i);
                loadRaw(f, v == null ? INDEFINITE : v);
            }
            case 1 -> fxch(f, i);
            case 2 -> finish(f); // FNOP
            case 3 -> { // D9 D8+i (FSTP1, "FSTPNCE"): an empty ST(0) is copied as empty, without a stack fault
                if (f.isEmpty(0)) {
                    f.free(i);
                    f.pop();
                    finish(f);
                } else {
                    fstReg(f, i, true);
                }
            }
            case 4 -> {
                switch (modrm) {
                    case 0xE0 -> unary(f, Ext80::negate); // FCHS
                    case 0xE1 -> unary(f, Ext80::abs); // FABS
                    case 0xE4 -> compare(f, operand(f, 0), Ext80.ZERO, false, 0); // FTST
                    default -> fxam(f);
                }
            }
            case 5 -> load(f, X87Trans.constant(modrm - 0xE8, Ext80.rc(f)));
            case 6 -> {
                switch (modrm) {
                    case 0xF0 -> unary(f, a -> X87Trans.f2xm1(f, a));
                    case 0xF1 -> X87Trans.fyl2x(f, false);
                    case 0xF2 -> X87Trans.fptan(f);
                    case 0xF3 -> X87Trans.fpatan(f);
                    case 0xF4 -> fxtract(f);
                    case 0xF5 -> fprem(f, true);
                    case 0xF6 -> { // FDECSTP
                        f.top = (f.top - 1) & 7;
                        finish(f);
                    }
                    default -> { // FINCSTP
                        f.top = (f.top + 1) & 7;
                        finish(f);
                    }
                }
            }
            default -> {
                switch (modrm) {
                    case 0xF8 -> fprem(f, false);
                    case 0xF9 -> X87Trans.fyl2x(f, true);
                    case 0xFA -> unary(f, a -> Ext80.sqrt(f, a));
                    case 0xFB -> X87Trans.fsincos(f);
                    case 0xFC -> unary(f, a -> Ext80.roundInt(f, a));
                    case 0xFD -> { // FSCALE
                        Ext80 a = operand(f, 0), b = operand(f, 1);
                        writeResult(f, 0, a == null || b == null ? INDEFINITE : Ext80.scale(f, a, b), false);
                    }
                    case 0xFE -> X87Trans.fsinCos(f, true);
                    default -> X87Trans.fsinCos(f, false);
                }
            }
        }
    }

    /** FXAM: C3 C2 C0 = class, C1 = sign. */
    private static void fxam(Fpu f) {
        Ext80 v = f.st(0);
        int cc;
        if (f.isEmpty(0)) {
            cc = Fpu.SW_C3 | Fpu.SW_C0;
        } else {
            cc = switch (v.cls()) {
                case Ext80.UNSUPPORTED -> 0;
                case Ext80.QNAN, Ext80.SNAN -> Fpu.SW_C0;
                case Ext80.NORMAL -> Fpu.SW_C2;
                case Ext80.INFINITY -> Fpu.SW_C2 | Fpu.SW_C0;
                case Ext80.ZERO_C -> Fpu.SW_C3;
                default -> Fpu.SW_C3 | Fpu.SW_C2; // denormal
            };
        }
        f.setCc(cc | (v.neg() ? Fpu.SW_C1 : 0));
    }

    private static void fxtract(Fpu f) {
        Ext80 a = operand(f, 0);
        Ext80 exp, sig;
        if (a == null) {
            exp = sig = INDEFINITE;
        } else if (!f.isEmpty(7)) {
            overflow(f);
            exp = sig = INDEFINITE;
        } else {
            switch (a.cls()) {
                case Ext80.QNAN, Ext80.SNAN, Ext80.UNSUPPORTED -> exp = sig = Ext80.nanResult(f, a);
                case Ext80.ZERO_C -> {
                    f.exc |= ZE;
                    exp = Ext80.NEG_INF;
                    sig = a;
                }
                case Ext80.INFINITY -> {
                    exp = Ext80.INF;
                    sig = a;
                }
                default -> {
                    if (a.cls() == Ext80.DENORMAL) {
                        f.exc |= DE;
                    }
                    exp = Ext80.fromLong(a.normExp());
                    sig = new Ext80((a.se & 0x8000) | Ext80.BIAS, a.normSig());
                }
            }
        }
        if (!aborted(f)) {
            f.setSt(0, exp);
            f.push(sig); // with a masked stack overflow the indefinite overwrites ST(7)
        }
        finish(f);
    }

    private static void fprem(Fpu f, boolean ieee) {
        Ext80 a = operand(f, 0), b = operand(f, 1);
        if (a == null || b == null) {
            writeResult(f, 0, INDEFINITE, false);
            return;
        }
        Ext80 r = Ext80.remainder(f, a, b, ieee);
        f.up = false;
        if (!aborted(f)) {
            f.setSt(0, r);
            int q = f.remQuotient;
            int cc = (f.remPartial ? Fpu.SW_C2 : 0) | ((q & 4) != 0 ? Fpu.SW_C0 : 0) | ((q & 2) != 0 ? Fpu.SW_C3 : 0)
                | ((q & 1) != 0 ? Fpu.SW_C1 : 0);
            f.fsw |= f.exc & 0x7F;
            f.setCc(cc);
            return;
        }
        finish(f);
    }
}
