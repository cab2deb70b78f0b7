package dev.jvmm.tcg;

import static dev.jvmm.tcg.SseFp.D;
import static dev.jvmm.tcg.SseFp.S;

/**
 * The MMX forms (no mandatory prefix, 64-bit MM registers) of the integer SIMD instructions, with
 * the ones SSE, SSE2 and SSSE3 added, EMMS, and the conversions between MM and XMM registers.
 *
 * <p>MMi is the significand of x87 physical register i ({@link Fpu#sig}); writing it sets that
 * register's sign and exponent to all ones. Every MMX instruction but EMMS puts the x87 unit in
 * MMX mode (TOP = 0, all registers valid); EMMS empties them all (Intel SDM vol. 1, 9.5). The MM
 * register numbers ignore REX.R and REX.B. Checks: #UD for CR0.EM, #NM for CR0.TS, #MF for a
 * pending unmasked x87 exception (with CR0.NE); the SSE/MMX conversions check CR4.OSFXSR too.
 */
final class SseMmx {
    private SseMmx() {}

    static void check(Exec x) {
        Cpu c = x.c;
        if ((c.cr0 & 4) != 0) {
            throw CpuFault.ud();
        }
        if ((c.cr0 & 8) != 0) {
            throw CpuFault.of(CpuFault.NM);
        }
        pending(c);
    }

    private static void pending(Cpu c) {
        if (c.fpu.pending() && (c.cr0 & 0x20) != 0) {
            throw CpuFault.of(CpuFault.MF);
        }
    }

    /** The x87-to-MMX transition, done when the instruction can no longer fault. */
    static void enter(Cpu c) {
        c.fpu.top = 0;
        c.fpu.valid = 0xFF;
    }

    static long mm(Cpu c, int n) {
        return c.fpu.sig[n & 7];
    }

    static void setMm(Cpu c, int n, long v) {
        c.fpu.sig[n & 7] = v;
        c.fpu.se[n & 7] = 0xFFFF;
    }

    /** The 64-bit source: MM rm, or memory (no alignment). */
    private static long src(Exec x) {
        Insn in = x.in;
        return in.mod == 3 ? mm(x.c, in.rm) : x.c.read(x.seg(), x.ea(), 8);
    }

    /** 0F xx without a mandatory prefix (and the 66/F2/F3 SSE-MMX conversions); false if not MMX. */
    static boolean map0F(Exec x, Insn in) {
        Cpu c = x.c;
        int op = in.op;
        int pfx = in.ssePrefix;
        if (op == 0x2A || op == 0x2C || op == 0x2D || op == 0xD6) {
            return conversion(x, in, op, pfx);
        }
        if (pfx != 0) {
            return false;
        }
        int d = in.reg & 7;
        switch (op) {
            case 0x77 -> { // EMMS
                check(x);
                c.fpu.valid = 0;
            }
            case 0x6E -> { // MOVD/MOVQ mm, r/m
                check(x);
                long v = x.readRm(in.rexW() ? 8 : 4);
                enter(c);
                setMm(c, d, v);
            }
            case 0x7E -> { // MOVD/MOVQ r/m, mm
                check(x);
                int size = in.rexW() ? 8 : 4;
                x.writeRm(size, mm(c, d));
                enter(c);
            }
            case 0x6F -> { // MOVQ mm, mm/m64
                check(x);
                long v = src(x);
                enter(c);
                setMm(c, d, v);
            }
            case 0x7F, 0xE7 -> { // MOVQ mm/m64, mm; MOVNTQ m64, mm
                if (op == 0xE7 && in.mod == 3) {
                    throw CpuFault.ud();
                }
                check(x);
                long v = mm(c, d);
                if (in.mod == 3) {
                    enter(c);
                    setMm(c, in.rm, v);
                } else {
                    Sse.storeLow(x, 8, v);
                    enter(c);
                }
            }
            case 0x70 -> { // PSHUFW
                check(x);
                long v = SseInt.shuffleWords(src(x), (int) in.imm & 0xFF);
                enter(c);
                setMm(c, d, v);
            }
            case 0x71, 0x72, 0x73 -> {
                if (in.mod != 3) {
                    return false;
                }
                int ext = in.reg & 7;
                int kind = ext == 2 ? 0 : ext == 4 && op != 0x73 ? 1 : ext == 6 ? 2 : -1;
                if (kind < 0) {
                    return false;
                }
                check(x);
                int bits = op == 0x71 ? 16 : op == 0x72 ? 32 : 64;
                long v = SseInt.shift(mm(c, in.rm), bits, kind, in.imm & 0xFF);
                enter(c);
                setMm(c, in.rm, v);
            }
            case 0xC4 -> { // PINSRW mm, r32/m16, imm8
                check(x);
                long w = in.mod == 3 ? c.r[in.rm] & 0xFFFF : c.read(x.seg(), x.ea(), 2);
                int sh = ((int) in.imm & 3) * 16;
                long v = (mm(c, d) & ~(0xFFFFL << sh)) | (w << sh);
                enter(c);
                setMm(c, d, v);
            }
            case 0xC5, 0xD7 -> { // PEXTRW r32, mm, imm8; PMOVMSKB r32, mm
                if (in.mod != 3) {
                    throw CpuFault.ud();
                }
                check(x);
                long v = mm(c, in.rm);
                long r = op == 0xC5 ? (v >>> (((int) in.imm & 3) * 16)) & 0xFFFF : SseInt.byteMask(v);
                enter(c);
                c.setReg(in.reg, 4, true, r);
            }
            case 0xF7 -> { // MASKMOVQ mm1, mm2
                if (in.mod != 3) {
                    throw CpuFault.ud();
                }
                check(x);
                maskMove(x, mm(c, d), mm(c, in.rm));
                enter(c);
            }
            default -> {
                if (!SseInt.isBinary(op) || op == 0x6C || op == 0x6D) {
                    return false;
                }
                check(x);
                long s = src(x);
                long v = binary(op, mm(c, d), s);
                enter(c);
                setMm(c, d, v);
            }
        }
        Sse.done(x);
        return true;
    }

    /** The 0F xx integer instruction {@code op} on 64-bit operands. */
    static long binary(int op, long a, long b) {
        switch (op) {
            case 0x68, 0x69, 0x6A -> { // PUNPCKH*: the high halves interleaved
                return SseInt.binary(op - 8, a >>> 32, 0, b >>> 32, 0)[0];
            }
            case 0x63, 0x67, 0x6B -> { // PACK*: a's lanes packed low, b's high
                long[] r = SseInt.binary(op, a, 0, b, 0);
                return (r[0] & 0xFFFF_FFFFL) | (r[1] << 32);
            }
            default -> {
                return SseInt.binary(op, a, 0, b, 0)[0];
            }
        }
    }

    private static void maskMove(Exec x, long v, long mask) {
        Cpu c = x.c;
        Insn in = x.in;
        Seg s = x.seg();
        long base = c.r[7] & Cpu.mask(in.addrSize);
        for (int i = 0; i < 8; i++) {
            if (((mask >>> (8 * i + 7)) & 1) != 0) {
                c.linearToPhys(Sse.linear(x, s, (base + i) & Cpu.mask(in.addrSize)), Cpu.ACC_WRITE);
            }
        }
        for (int i = 0; i < 8; i++) {
            if (((mask >>> (8 * i + 7)) & 1) != 0) {
                c.write(s, (base + i) & Cpu.mask(in.addrSize), 1, v >>> (8 * i));
            }
        }
    }

    /**
     * CVTPI2PS, CVTPS2PI, CVTTPS2PI (no prefix), CVTPI2PD, CVTPD2PI, CVTTPD2PI (66), MOVQ2DQ (F3 0F D6),
     * MOVDQ2Q (F2 0F D6). An MM register operand makes the x87-to-MMX transition; a memory one does not.
     */
    private static boolean conversion(Exec x, Insn in, int op, int pfx) {
        Cpu c = x.c;
        if (op == 0xD6) {
            if (pfx != 0xF3 && pfx != 0xF2) {
                return false;
            }
            if (in.mod != 3) {
                throw CpuFault.ud();
            }
            Sse.check(x);
            pending(c);
            if (pfx == 0xF3) { // MOVQ2DQ xmm, mm
                long v = mm(c, in.rm);
                enter(c);
                Sse.set(c, in.reg, v, 0);
            } else { // MOVDQ2Q mm, xmm
                long v = c.xmm[2 * in.rm];
                enter(c);
                setMm(c, in.reg, v);
            }
            Sse.done(x);
            return true;
        }
        if (pfx != 0 && pfx != 0x66) {
            return false; // the F2/F3 forms are the scalar conversions: not here
        }
        Sse.check(x);
        boolean mmOperand = op != 0x2A || in.mod == 3; // CVT*2PI always write an MM register
        if (mmOperand) {
            pending(c);
        }
        SseFp.Env e = new SseFp.Env(c.mxcsr);
        if (op == 0x2A) {
            long v = in.mod == 3 ? mm(c, in.rm) : c.read(x.seg(), x.ea(), 8);
            int d = in.reg;
            if (pfx == 0) { // CVTPI2PS xmm, mm/m64
                long r0 = SseFp.fromInt(S, (int) v, e), r1 = SseFp.fromInt(S, v >> 32, e);
                SseFp.commit(c, e);
                if (mmOperand) {
                    enter(c);
                }
                c.xmm[2 * d] = Sse.pack32(r0, r1);
            } else { // CVTPI2PD xmm, mm/m64
                long r0 = SseFp.fromInt(D, (int) v, e), r1 = SseFp.fromInt(D, v >> 32, e);
                if (mmOperand) {
                    enter(c);
                }
                Sse.set(c, d, r0, r1);
            }
        } else {
            int rc = op == 0x2C ? SseFp.RZ : e.rc;
            long r0, r1;
            if (pfx == 0) { // CVT(T)PS2PI mm, xmm/m64
                long v = Sse.srcLow(x, 8);
                r0 = SseFp.toInt(S, v & 0xFFFF_FFFFL, 32, rc, e);
                r1 = SseFp.toInt(S, v >>> 32, 32, rc, e);
            } else { // CVT(T)PD2PI mm, xmm/m128
                long[] s = Sse.src128(x, true);
                r0 = SseFp.toInt(D, s[0], 32, rc, e);
                r1 = SseFp.toInt(D, s[1], 32, rc, e);
            }
            SseFp.commit(c, e);
            enter(c);
            setMm(c, in.reg, Sse.pack32(r0, r1));
        }
        Sse.done(x);
        return true;
    }

    /** SSSE3 on MM registers (0F 38 00-0B, 1C-1E without a prefix). */
    static boolean map0F38(Exec x, Insn in) {
        int op = in.op;
        if (!(op <= 0x0B || (op >= 0x1C && op <= 0x1E))) {
            return false;
        }
        Cpu c = x.c;
        check(x);
        long a = mm(c, in.reg), b = src(x);
        long v;
        switch (op) {
            case 0x00 -> { // PSHUFB: indexes use three bits
                v = 0;
                for (int i = 0; i < 8; i++) {
                    long ctl = (b >>> (8 * i)) & 0xFF;
                    long byt = (ctl & 0x80) != 0 ? 0 : (a >>> (8 * (ctl & 7))) & 0xFF;
                    v |= byt << (8 * i);
                }
            }
            case 0x01, 0x02, 0x03, 0x05, 0x06, 0x07 -> v = SseExt.ssse3(op, a, b, 0, 0)[0]; // a's pairs, then b's
            default -> v = SseExt.ssse3(op, a, 0, b, 0)[0];
        }
        enter(c);
        setMm(c, in.reg, v);
        Sse.done(x);
        return true;
    }

    /** PALIGNR mm, mm/m64, imm8 (0F 3A 0F without a prefix). */
    static boolean map0F3A(Exec x, Insn in) {
        if (in.op != 0x0F) {
            return false;
        }
        Cpu c = x.c;
        check(x);
        long a = mm(c, in.reg), b = src(x);
        int n = (int) in.imm & 0xFF;
        long v;
        if (n >= 16) {
            v = 0;
        } else if (n >= 8) {
            v = n == 8 ? a : a >>> (8 * (n - 8));
        } else {
            v = n == 0 ? b : (b >>> (8 * n)) | (a << (64 - 8 * n));
        }
        enter(c);
        setMm(c, in.reg, v);
        Sse.done(x);
        return true;
    }
}
