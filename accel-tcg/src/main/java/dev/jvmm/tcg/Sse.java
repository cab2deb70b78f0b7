package dev.jvmm.tcg;

import static dev.jvmm.tcg.SseFp.D;
import static dev.jvmm.tcg.SseFp.S;

/**
 * SSE/SSE2/SSE3/SSSE3/SSE4.1/SSE4.2 instructions of the 0F, 0F 38 and 0F 3A maps. The interpreter
 * hands every opcode it does not know itself to {@link #execute}; returns false for opcodes that
 * are not SSE, which then raise #UD.
 *
 * <p>This file: dispatch, the checks every SSE instruction makes (CR0.EM, CR4.OSFXSR, CR0.TS),
 * operand access, and the 0F map (SSE, SSE2, SSE3). {@link SseInt} has the packed-integer lane
 * arithmetic, {@link SseFp} the floating point, {@link SseExt} the 0F 38 and 0F 3A maps,
 * {@link SseStr} the SSE4.2 string compares, {@link SseMmx} the MMX forms (MM registers).
 *
 * <p>Not implemented: AES-NI, PCLMULQDQ, SHA, MOVBE and AVX (none is advertised): #UD.
 */
final class Sse {
    private Sse() {}

    static boolean execute(Exec x) {
        Insn in = x.in;
        return switch (in.map) {
            case Insn.MAP_0F -> map0F(x, in) || SseMmx.map0F(x, in);
            case Insn.MAP_0F38 -> SseExt.map0F38(x, in) || (in.ssePrefix == 0 && SseMmx.map0F38(x, in));
            case Insn.MAP_0F3A -> SseExt.map0F3A(x, in) || (in.ssePrefix == 0 && SseMmx.map0F3A(x, in));
            default -> false;
        };
    }

    // ------------------------------------------------------------------ checks and operands

    /** The checks of every SSE instruction: #UD for CR0.EM or CR4.OSFXSR clear, #NM for CR0.TS. */
    static void check(Exec x) {
        Cpu c = x.c;
        if ((c.cr0 & 4) != 0 || (c.cr4 & 0x200) == 0) {
            throw CpuFault.ud();
        }
        if ((c.cr0 & 8) != 0) {
            throw CpuFault.of(CpuFault.NM);
        }
    }

    static void done(Exec x) {
        x.c.rip = x.next();
    }

    static void set(Cpu c, int n, long lo, long hi) {
        c.xmm[2 * n] = lo;
        c.xmm[2 * n + 1] = hi;
    }

    static long linear(Exec x, Seg s, long ea) {
        long lin = x.c.linear(s, ea);
        return x.c.code64() ? lin : lin & 0xFFFF_FFFFL;
    }

    /** #GP(0) unless the memory operand is aligned on {@code n} bytes. */
    static void checkAlign(Exec x, Seg s, long ea, int n) {
        if ((linear(x, s, ea) & (n - 1)) != 0) {
            throw CpuFault.gp(0);
        }
    }

    /** The 128-bit source: XMM rm, or memory (16-byte aligned when {@code align}). */
    static long[] src128(Exec x, boolean align) {
        Insn in = x.in;
        Cpu c = x.c;
        if (in.mod == 3) {
            return new long[] {c.xmm[2 * in.rm], c.xmm[2 * in.rm + 1]};
        }
        Seg s = x.seg();
        long ea = x.ea();
        if (align) {
            checkAlign(x, s, ea, 16);
        }
        long lo = c.read(s, ea, 8);
        long hi = c.read(s, (ea + 8) & Cpu.mask(in.addrSize), 8);
        return new long[] {lo, hi};
    }

    /** A 64/32/16/8-bit source zero-extended: the low bits of XMM rm, or memory (no alignment). */
    static long srcLow(Exec x, int size) {
        Insn in = x.in;
        if (in.mod == 3) {
            return x.c.xmm[2 * in.rm] & Cpu.mask(size);
        }
        return x.c.read(x.seg(), x.ea(), size);
    }

    /** Stores 128 bits to the memory operand; both pages are checked before anything is written. */
    static void store128(Exec x, long lo, long hi, boolean align) {
        Cpu c = x.c;
        Seg s = x.seg();
        long ea = x.ea();
        if (align) {
            checkAlign(x, s, ea, 16);
        }
        long lin = linear(x, s, ea);
        if ((lin & 0xFFF) > 0xFF0) {
            c.linearToPhys(lin, Cpu.ACC_WRITE);
            long second = (lin + 15) & ~0xFFFL; // the first byte on the second page
            c.linearToPhys(x.c.code64() ? second : second & 0xFFFF_FFFFL, Cpu.ACC_WRITE);
        }
        c.write(s, ea, 8, lo);
        c.write(s, (ea + 8) & Cpu.mask(x.in.addrSize), 8, hi);
    }

    static void storeLow(Exec x, int size, long v) {
        x.c.write(x.seg(), x.ea(), size, v);
    }

    static long lane32(long lo, long hi, int i) {
        long v = i < 2 ? lo : hi;
        return (i & 1) == 0 ? v & 0xFFFF_FFFFL : v >>> 32;
    }

    static long pack32(long a, long b) {
        return (a & 0xFFFF_FFFFL) | (b << 32);
    }

    // ------------------------------------------------------------------ the 0F map

    private static boolean map0F(Exec x, Insn in) {
        int op = in.op;
        int pfx = in.ssePrefix;
        Cpu c = x.c;
        int d = in.reg;
        switch (op) {
            case 0x10, 0x11 -> {
                check(x);
                boolean load = op == 0x10;
                if (pfx == 0xF3 || pfx == 0xF2) { // MOVSS / MOVSD
                    int size = pfx == 0xF3 ? 4 : 8;
                    long m = Cpu.mask(size);
                    if (in.mod == 3) {
                        int from = load ? in.rm : d, to = load ? d : in.rm;
                        c.xmm[2 * to] = (c.xmm[2 * to] & ~m) | (c.xmm[2 * from] & m);
                    } else if (load) {
                        set(c, d, srcLow(x, size), 0);
                    } else {
                        storeLow(x, size, c.xmm[2 * d]);
                    }
                } else { // MOVUPS / MOVUPD
                    move128(x, load, false);
                }
            }
            case 0x12, 0x13, 0x16, 0x17 -> {
                check(x);
                boolean high = op >= 0x16;
                if (op == 0x12 && pfx == 0xF3) { // MOVSLDUP
                    long[] s = src128(x, true);
                    set(c, d, pack32(s[0], s[0]), pack32(s[1], s[1]));
                } else if (op == 0x16 && pfx == 0xF3) { // MOVSHDUP
                    long[] s = src128(x, true);
                    set(c, d, (s[0] >>> 32) | (s[0] & 0xFFFF_FFFF_0000_0000L), (s[1] >>> 32) | (s[1] & 0xFFFF_FFFF_0000_0000L));
                } else if (op == 0x12 && pfx == 0xF2) { // MOVDDUP
                    long v = srcLow(x, 8);
                    set(c, d, v, v);
                } else if (pfx == 0 || pfx == 0x66) {
                    boolean load = (op & 1) == 0;
                    if (in.mod == 3) {
                        if (!load || pfx == 0x66) {
                            throw CpuFault.ud();
                        }
                        if (high) { // MOVLHPS
                            c.xmm[2 * d + 1] = c.xmm[2 * in.rm];
                        } else { // MOVHLPS
                            c.xmm[2 * d] = c.xmm[2 * in.rm + 1];
                        }
                    } else if (load) { // MOVLPS/MOVLPD/MOVHPS/MOVHPD xmm, m64
                        c.xmm[2 * d + (high ? 1 : 0)] = c.read(x.seg(), x.ea(), 8);
                    } else {
                        storeLow(x, 8, c.xmm[2 * d + (high ? 1 : 0)]);
                    }
                } else {
                    return false;
                }
            }
            case 0x14, 0x15 -> { // UNPCKLPS/PD, UNPCKHPS/PD
                if (pfx != 0 && pfx != 0x66) {
                    return false;
                }
                check(x);
                long[] s = src128(x, true);
                int h = op == 0x15 ? 1 : 0;
                long a = c.xmm[2 * d + h], b = s[h];
                if (pfx == 0x66) {
                    set(c, d, a, b);
                } else {
                    set(c, d, pack32(a, b), pack32(a >>> 32, b >>> 32));
                }
            }
            case 0x28, 0x29 -> { // MOVAPS / MOVAPD
                if (pfx != 0 && pfx != 0x66) {
                    return false;
                }
                check(x);
                move128(x, op == 0x28, true);
            }
            case 0x2A -> { // CVTSI2SS / CVTSI2SD
                if (pfx != 0xF3 && pfx != 0xF2) {
                    return false; // CVTPI2PS / CVTPI2PD: MMX
                }
                check(x);
                int size = in.rexW() ? 8 : 4;
                long v = x.readRm(size);
                long iv = size == 8 ? v : (int) v;
                SseFp.Env e = new SseFp.Env(c.mxcsr);
                if (pfx == 0xF3) {
                    long r = SseFp.fromInt(S, iv, e);
                    SseFp.commit(c, e);
                    c.xmm[2 * d] = (c.xmm[2 * d] & 0xFFFF_FFFF_0000_0000L) | r;
                } else {
                    long r = SseFp.fromInt(D, iv, e);
                    SseFp.commit(c, e);
                    c.xmm[2 * d] = r;
                }
            }
            case 0x2B -> { // MOVNTPS / MOVNTPD
                if ((pfx != 0 && pfx != 0x66) || in.mod == 3) {
                    throw CpuFault.ud();
                }
                check(x);
                store128(x, c.xmm[2 * d], c.xmm[2 * d + 1], true);
            }
            case 0x2C, 0x2D -> { // CVT(T)SS2SI / CVT(T)SD2SI
                if (pfx != 0xF3 && pfx != 0xF2) {
                    return false; // the MMX forms
                }
                check(x);
                int f = pfx == 0xF3 ? S : D;
                long a = srcLow(x, f == S ? 4 : 8);
                int bits = in.rexW() ? 64 : 32;
                SseFp.Env e = new SseFp.Env(c.mxcsr);
                long r = SseFp.toInt(f, a, bits, op == 0x2C ? SseFp.RZ : e.rc, e);
                SseFp.commit(c, e);
                c.setReg(d, bits / 8, true, r);
            }
            case 0x2E, 0x2F -> { // UCOMISS/UCOMISD, COMISS/COMISD
                if (pfx != 0 && pfx != 0x66) {
                    return false;
                }
                check(x);
                int f = pfx == 0x66 ? D : S;
                long b = srcLow(x, f == S ? 4 : 8);
                long a = c.xmm[2 * d] & SseFp.mask(f);
                SseFp.Env e = new SseFp.Env(c.mxcsr);
                long flags = SseFp.comi(f, a, b, op == 0x2F, e);
                SseFp.commit(c, e);
                c.setStatusEager(flags);
            }
            case 0x50 -> { // MOVMSKPS / MOVMSKPD
                if ((pfx != 0 && pfx != 0x66) || in.mod != 3) {
                    return false;
                }
                check(x);
                long lo = c.xmm[2 * in.rm], hi = c.xmm[2 * in.rm + 1];
                long r = pfx == 0x66 ? (lo >>> 63) | ((hi >>> 63) << 1)
                    : ((lo >>> 31) & 1) | ((lo >>> 62) & 2) | (((hi >>> 31) & 1) << 2) | ((hi >>> 63) << 3);
                c.setReg(d, 4, true, r);
            }
            case 0x51, 0x58, 0x59, 0x5C, 0x5D, 0x5E, 0x5F -> {
                check(x);
                arith(x, op);
            }
            case 0x52, 0x53 -> { // RSQRTPS/SS, RCPPS/SS
                if (pfx != 0 && pfx != 0xF3) {
                    return false;
                }
                check(x);
                boolean rcp = op == 0x53;
                if (pfx == 0xF3) {
                    long a = srcLow(x, 4);
                    long r = rcp ? SseFp.rcp(a) : SseFp.rsqrt(a);
                    c.xmm[2 * d] = (c.xmm[2 * d] & 0xFFFF_FFFF_0000_0000L) | r;
                } else {
                    long[] s = src128(x, true);
                    long[] r = new long[4];
                    for (int i = 0; i < 4; i++) {
                        long a = lane32(s[0], s[1], i);
                        r[i] = rcp ? SseFp.rcp(a) : SseFp.rsqrt(a);
                    }
                    set(c, d, pack32(r[0], r[1]), pack32(r[2], r[3]));
                }
            }
            case 0x54, 0x55, 0x56, 0x57 -> { // ANDPS ANDNPS ORPS XORPS (+PD)
                if (pfx != 0 && pfx != 0x66) {
                    return false;
                }
                check(x);
                long[] s = src128(x, true);
                long a = c.xmm[2 * d], b = c.xmm[2 * d + 1];
                switch (op) {
                    case 0x54 -> set(c, d, a & s[0], b & s[1]);
                    case 0x55 -> set(c, d, ~a & s[0], ~b & s[1]);
                    case 0x56 -> set(c, d, a | s[0], b | s[1]);
                    default -> set(c, d, a ^ s[0], b ^ s[1]);
                }
            }
            case 0x5A -> {
                check(x);
                cvt5A(x, pfx);
            }
            case 0x5B -> {
                if (pfx == 0xF2) {
                    return false;
                }
                check(x);
                long[] s = src128(x, true);
                SseFp.Env e = new SseFp.Env(c.mxcsr);
                long[] r = new long[4];
                for (int i = 0; i < 4; i++) {
                    long a = lane32(s[0], s[1], i);
                    r[i] = pfx == 0 ? SseFp.fromInt(S, (int) a, e) // CVTDQ2PS
                        : SseFp.toInt(S, a, 32, pfx == 0x66 ? e.rc : SseFp.RZ, e); // CVTPS2DQ / CVTTPS2DQ
                }
                SseFp.commit(c, e);
                set(c, d, pack32(r[0], r[1]), pack32(r[2], r[3]));
            }
            case 0x6E -> { // MOVD/MOVQ xmm, r/m
                if (pfx != 0x66) {
                    return false;
                }
                check(x);
                set(c, d, x.readRm(in.rexW() ? 8 : 4), 0);
            }
            case 0x7E -> {
                if (pfx == 0x66) { // MOVD/MOVQ r/m, xmm
                    check(x);
                    int size = in.rexW() ? 8 : 4;
                    if (in.mod == 3) {
                        c.setReg(in.rm, size, true, c.xmm[2 * d]);
                    } else {
                        storeLow(x, size, c.xmm[2 * d]);
                    }
                } else if (pfx == 0xF3) { // MOVQ xmm, xmm/m64
                    check(x);
                    set(c, d, srcLow(x, 8), 0);
                } else {
                    return false;
                }
            }
            case 0x6F, 0x7F -> { // MOVDQA / MOVDQU
                if (pfx != 0x66 && pfx != 0xF3) {
                    return false;
                }
                check(x);
                move128(x, op == 0x6F, pfx == 0x66);
            }
            case 0x70 -> { // PSHUFD / PSHUFHW / PSHUFLW
                if (pfx == 0) {
                    return false;
                }
                check(x);
                long[] s = src128(x, true);
                int imm = (int) in.imm & 0xFF;
                if (pfx == 0x66) {
                    long[] r = new long[4];
                    for (int i = 0; i < 4; i++) {
                        r[i] = lane32(s[0], s[1], (imm >> (2 * i)) & 3);
                    }
                    set(c, d, pack32(r[0], r[1]), pack32(r[2], r[3]));
                } else if (pfx == 0xF3) {
                    set(c, d, s[0], SseInt.shuffleWords(s[1], imm));
                } else {
                    set(c, d, SseInt.shuffleWords(s[0], imm), s[1]);
                }
            }
            case 0x71, 0x72, 0x73 -> { // shift groups by imm8
                if (pfx != 0x66) {
                    return false;
                }
                if (in.mod != 3) {
                    throw CpuFault.ud();
                }
                int ext = in.reg & 7;
                int kind; // 0 srl, 1 sra, 2 sll, 3 srldq, 4 slldq
                switch (ext) {
                    case 2 -> kind = 0;
                    case 4 -> kind = op == 0x73 ? -1 : 1;
                    case 6 -> kind = 2;
                    case 3 -> kind = op == 0x73 ? 3 : -1;
                    case 7 -> kind = op == 0x73 ? 4 : -1;
                    default -> kind = -1;
                }
                if (kind < 0) {
                    return false;
                }
                check(x);
                int r = in.rm;
                long count = in.imm & 0xFF;
                long lo = c.xmm[2 * r], hi = c.xmm[2 * r + 1];
                if (kind >= 3) {
                    long[] v = SseInt.byteShift(lo, hi, (int) count, kind == 4);
                    set(c, r, v[0], v[1]);
                } else {
                    int bits = op == 0x71 ? 16 : op == 0x72 ? 32 : 64;
                    set(c, r, SseInt.shift(lo, bits, kind, count), SseInt.shift(hi, bits, kind, count));
                }
            }
            case 0x7C, 0x7D, 0xD0 -> { // HADDPD/PS, HSUBPD/PS, ADDSUBPD/PS
                if (pfx != 0x66 && pfx != 0xF2) {
                    return false;
                }
                check(x);
                horizontal(x, op, pfx == 0x66 ? D : S);
            }
            case 0xC2 -> { // CMPPS/PD/SS/SD
                check(x);
                compare(x, pfx);
            }
            case 0xC3 -> { // MOVNTI: an integer store, no SSE state
                if (pfx != 0 || in.mod == 3 || in.opSize == 2) {
                    throw CpuFault.ud();
                }
                storeLow(x, in.opSize, x.readReg(in.opSize));
            }
            case 0xC4 -> { // PINSRW xmm, r32/m16, imm8
                if (pfx != 0x66) {
                    return false;
                }
                check(x);
                long v = in.mod == 3 ? c.r[in.rm] & 0xFFFF : c.read(x.seg(), x.ea(), 2);
                int sel = (int) in.imm & 7;
                int h = sel >> 2, sh = (sel & 3) * 16;
                c.xmm[2 * d + h] = (c.xmm[2 * d + h] & ~(0xFFFFL << sh)) | (v << sh);
            }
            case 0xC5 -> { // PEXTRW r32, xmm, imm8
                if (pfx != 0x66) {
                    return false;
                }
                if (in.mod != 3) {
                    throw CpuFault.ud();
                }
                check(x);
                int sel = (int) in.imm & 7;
                c.setReg(d, 4, true, (c.xmm[2 * in.rm + (sel >> 2)] >>> ((sel & 3) * 16)) & 0xFFFF);
            }
            case 0xC6 -> { // SHUFPS / SHUFPD
                if (pfx != 0 && pfx != 0x66) {
                    return false;
                }
                check(x);
                long[] s = src128(x, true);
                int imm = (int) in.imm & 0xFF;
                long a = c.xmm[2 * d], b = c.xmm[2 * d + 1];
                if (pfx == 0x66) {
                    set(c, d, (imm & 1) == 0 ? a : b, (imm & 2) == 0 ? s[0] : s[1]);
                } else {
                    set(c, d, pack32(lane32(a, b, imm & 3), lane32(a, b, (imm >> 2) & 3)),
                        pack32(lane32(s[0], s[1], (imm >> 4) & 3), lane32(s[0], s[1], (imm >> 6) & 3)));
                }
            }
            case 0xD6 -> { // MOVQ xmm/m64, xmm
                if (pfx != 0x66) {
                    return false; // MOVQ2DQ / MOVDQ2Q: MMX
                }
                check(x);
                if (in.mod == 3) {
                    set(c, in.rm, c.xmm[2 * d], 0);
                } else {
                    storeLow(x, 8, c.xmm[2 * d]);
                }
            }
            case 0xD7 -> { // PMOVMSKB r32, xmm
                if (pfx != 0x66) {
                    return false;
                }
                if (in.mod != 3) {
                    throw CpuFault.ud();
                }
                check(x);
                long r = (SseInt.byteMask(c.xmm[2 * in.rm + 1]) << 8) | SseInt.byteMask(c.xmm[2 * in.rm]);
                c.setReg(d, 4, true, r);
            }
            case 0xE6 -> {
                if (pfx == 0) {
                    return false;
                }
                check(x);
                SseFp.Env e = new SseFp.Env(c.mxcsr);
                if (pfx == 0xF3) { // CVTDQ2PD xmm, xmm/m64
                    long v = srcLow(x, 8);
                    long r0 = SseFp.fromInt(D, (int) v, e), r1 = SseFp.fromInt(D, v >> 32, e);
                    set(c, d, r0, r1);
                } else { // CVTPD2DQ (F2) / CVTTPD2DQ (66)
                    long[] s = src128(x, true);
                    int rc = pfx == 0xF2 ? e.rc : SseFp.RZ;
                    long r0 = SseFp.toInt(D, s[0], 32, rc, e), r1 = SseFp.toInt(D, s[1], 32, rc, e);
                    SseFp.commit(c, e);
                    set(c, d, pack32(r0, r1), 0);
                }
            }
            case 0xE7 -> { // MOVNTDQ
                if (pfx != 0x66) {
                    return false;
                }
                if (in.mod == 3) {
                    throw CpuFault.ud();
                }
                check(x);
                store128(x, c.xmm[2 * d], c.xmm[2 * d + 1], true);
            }
            case 0xF0 -> { // LDDQU
                if (pfx != 0xF2) {
                    return false;
                }
                if (in.mod == 3) {
                    throw CpuFault.ud();
                }
                check(x);
                long[] s = src128(x, false);
                set(c, d, s[0], s[1]);
            }
            case 0xF7 -> { // MASKMOVDQU
                if (pfx != 0x66) {
                    return false;
                }
                if (in.mod != 3) {
                    throw CpuFault.ud();
                }
                check(x);
                maskMove(x);
            }
            default -> {
                if ((op >= 0x60 && op <= 0x6D) || (op >= 0x74 && op <= 0x76) || (op >= 0xD1 && op <= 0xFE)) {
                    if (pfx != 0x66) {
                        return false; // MMX forms (no prefix) are not implemented; F2/F3 are undefined
                    }
                    if (!SseInt.isBinary(op)) {
                        return false;
                    }
                    check(x);
                    long[] s = src128(x, true);
                    long[] r = SseInt.binary(op, c.xmm[2 * d], c.xmm[2 * d + 1], s[0], s[1]);
                    set(c, d, r[0], r[1]);
                } else {
                    return false;
                }
            }
        }
        done(x);
        return true;
    }

    private static void move128(Exec x, boolean load, boolean align) {
        Cpu c = x.c;
        Insn in = x.in;
        int d = in.reg;
        if (load) {
            long[] s = src128(x, align);
            set(c, d, s[0], s[1]);
        } else if (in.mod == 3) {
            set(c, in.rm, c.xmm[2 * d], c.xmm[2 * d + 1]);
        } else {
            store128(x, c.xmm[2 * d], c.xmm[2 * d + 1], align);
        }
    }

    interface FpOp {
        long apply(int f, long a, long b, SseFp.Env e);
    }

    static FpOp fpOp(int op) {
        return switch (op) {
            case 0x51 -> (f, a, b, e) -> SseFp.sqrt(f, b, e);
            case 0x58 -> SseFp::add;
            case 0x59 -> SseFp::mul;
            case 0x5C -> SseFp::sub;
            case 0x5D -> SseFp::min;
            case 0x5E -> SseFp::div;
            default -> SseFp::max;
        };
    }

    /** The two-operand arithmetic of 0F 51/58-5F in its four forms (PS PD SS SD). */
    private static void arith(Exec x, int op) {
        Cpu c = x.c;
        Insn in = x.in;
        int pfx = in.ssePrefix;
        int d = in.reg;
        FpOp fn = fpOp(op);
        SseFp.Env e = new SseFp.Env(c.mxcsr);
        switch (pfx) {
            case 0xF3 -> {
                long b = srcLow(x, 4);
                long r = fn.apply(S, c.xmm[2 * d] & 0xFFFF_FFFFL, b, e);
                SseFp.commit(c, e);
                c.xmm[2 * d] = (c.xmm[2 * d] & 0xFFFF_FFFF_0000_0000L) | r;
            }
            case 0xF2 -> {
                long b = srcLow(x, 8);
                long r = fn.apply(D, c.xmm[2 * d], b, e);
                SseFp.commit(c, e);
                c.xmm[2 * d] = r;
            }
            case 0x66 -> {
                long[] s = src128(x, true);
                long r0 = fn.apply(D, c.xmm[2 * d], s[0], e);
                long r1 = fn.apply(D, c.xmm[2 * d + 1], s[1], e);
                SseFp.commit(c, e);
                set(c, d, r0, r1);
            }
            default -> {
                long[] s = src128(x, true);
                long a0 = c.xmm[2 * d], a1 = c.xmm[2 * d + 1];
                long[] r = new long[4];
                for (int i = 0; i < 4; i++) {
                    r[i] = fn.apply(S, lane32(a0, a1, i), lane32(s[0], s[1], i), e);
                }
                SseFp.commit(c, e);
                set(c, d, pack32(r[0], r[1]), pack32(r[2], r[3]));
            }
        }
    }

    private static void cvt5A(Exec x, int pfx) {
        Cpu c = x.c;
        int d = x.in.reg;
        SseFp.Env e = new SseFp.Env(c.mxcsr);
        switch (pfx) {
            case 0 -> { // CVTPS2PD xmm, xmm/m64
                long v = srcLow(x, 8);
                long r0 = SseFp.floatToDouble(v & 0xFFFF_FFFFL, e), r1 = SseFp.floatToDouble(v >>> 32, e);
                SseFp.commit(c, e);
                set(c, d, r0, r1);
            }
            case 0x66 -> { // CVTPD2PS xmm, xmm/m128
                long[] s = src128(x, true);
                long r0 = SseFp.doubleToFloat(s[0], e), r1 = SseFp.doubleToFloat(s[1], e);
                SseFp.commit(c, e);
                set(c, d, pack32(r0, r1), 0);
            }
            case 0xF3 -> { // CVTSS2SD xmm, xmm/m32
                long r = SseFp.floatToDouble(srcLow(x, 4), e);
                SseFp.commit(c, e);
                c.xmm[2 * d] = r;
            }
            default -> { // CVTSD2SS xmm, xmm/m64
                long r = SseFp.doubleToFloat(srcLow(x, 8), e);
                SseFp.commit(c, e);
                c.xmm[2 * d] = (c.xmm[2 * d] & 0xFFFF_FFFF_0000_0000L) | r;
            }
        }
    }

    private static void compare(Exec x, int pfx) {
        Cpu c = x.c;
        Insn in = x.in;
        int d = in.reg;
        int pred = (int) in.imm & 7;
        SseFp.Env e = new SseFp.Env(c.mxcsr);
        switch (pfx) {
            case 0xF3 -> {
                long b = srcLow(x, 4);
                boolean t = SseFp.compare(S, c.xmm[2 * d] & 0xFFFF_FFFFL, b, pred, e);
                SseFp.commit(c, e);
                c.xmm[2 * d] = (c.xmm[2 * d] & 0xFFFF_FFFF_0000_0000L) | (t ? 0xFFFF_FFFFL : 0);
            }
            case 0xF2 -> {
                long b = srcLow(x, 8);
                boolean t = SseFp.compare(D, c.xmm[2 * d], b, pred, e);
                SseFp.commit(c, e);
                c.xmm[2 * d] = t ? -1L : 0;
            }
            case 0x66 -> {
                long[] s = src128(x, true);
                boolean t0 = SseFp.compare(D, c.xmm[2 * d], s[0], pred, e);
                boolean t1 = SseFp.compare(D, c.xmm[2 * d + 1], s[1], pred, e);
                SseFp.commit(c, e);
                set(c, d, t0 ? -1L : 0, t1 ? -1L : 0);
            }
            default -> {
                long[] s = src128(x, true);
                long a0 = c.xmm[2 * d], a1 = c.xmm[2 * d + 1];
                long[] r = new long[4];
                for (int i = 0; i < 4; i++) {
                    r[i] = SseFp.compare(S, lane32(a0, a1, i), lane32(s[0], s[1], i), pred, e) ? 0xFFFF_FFFFL : 0;
                }
                SseFp.commit(c, e);
                set(c, d, pack32(r[0], r[1]), pack32(r[2], r[3]));
            }
        }
    }

    /** HADDPS/PD, HSUBPS/PD, ADDSUBPS/PD (SSE3). */
    private static void horizontal(Exec x, int op, int f) {
        Cpu c = x.c;
        int d = x.in.reg;
        long[] s = src128(x, true);
        long a0 = c.xmm[2 * d], a1 = c.xmm[2 * d + 1];
        SseFp.Env e = new SseFp.Env(c.mxcsr);
        if (f == D) {
            long r0, r1;
            switch (op) {
                case 0x7C -> {
                    r0 = SseFp.add(D, a0, a1, e);
                    r1 = SseFp.add(D, s[0], s[1], e);
                }
                case 0x7D -> {
                    r0 = SseFp.sub(D, a0, a1, e);
                    r1 = SseFp.sub(D, s[0], s[1], e);
                }
                default -> {
                    r0 = SseFp.sub(D, a0, s[0], e);
                    r1 = SseFp.add(D, a1, s[1], e);
                }
            }
            SseFp.commit(c, e);
            set(c, d, r0, r1);
            return;
        }
        long[] a = {lane32(a0, a1, 0), lane32(a0, a1, 1), lane32(a0, a1, 2), lane32(a0, a1, 3)};
        long[] b = {lane32(s[0], s[1], 0), lane32(s[0], s[1], 1), lane32(s[0], s[1], 2), lane32(s[0], s[1], 3)};
        long[] r = new long[4];
        switch (op) {
            case 0x7C -> {
                r[0] = SseFp.add(S, a[0], a[1], e);
                r[1] = SseFp.add(S, a[2], a[3], e);
                r[2] = SseFp.add(S, b[0], b[1], e);
                r[3] = SseFp.add(S, b[2], b[3], e);
            }
            case 0x7D -> {
                r[0] = SseFp.sub(S, a[0], a[1], e);
                r[1] = SseFp.sub(S, a[2], a[3], e);
                r[2] = SseFp.sub(S, b[0], b[1], e);
                r[3] = SseFp.sub(S, b[2], b[3], e);
            }
            default -> {
                for (int i = 0; i < 4; i++) {
                    r[i] = (i & 1) == 0 ? SseFp.sub(S, a[i], b[i], e) : SseFp.add(S, a[i], b[i], e);
                }
            }
        }
        SseFp.commit(c, e);
        set(c, d, pack32(r[0], r[1]), pack32(r[2], r[3]));
    }

    /** MASKMOVDQU: the bytes of XMM reg whose mask byte (XMM rm) has its top bit set go to DS:rDI. */
    private static void maskMove(Exec x) {
        Cpu c = x.c;
        Insn in = x.in;
        long lo = c.xmm[2 * in.reg], hi = c.xmm[2 * in.reg + 1];
        long mlo = c.xmm[2 * in.rm], mhi = c.xmm[2 * in.rm + 1];
        Seg s = x.seg();
        long base = c.r[7] & Cpu.mask(in.addrSize);
        // Check every page a selected byte lands on before writing any.
        for (int i = 0; i < 16; i++) {
            long m = i < 8 ? mlo : mhi;
            if (((m >>> ((i & 7) * 8 + 7)) & 1) != 0) {
                c.linearToPhys(linear(x, s, (base + i) & Cpu.mask(in.addrSize)), Cpu.ACC_WRITE);
            }
        }
        for (int i = 0; i < 16; i++) {
            long m = i < 8 ? mlo : mhi;
            if (((m >>> ((i & 7) * 8 + 7)) & 1) != 0) {
                long v = i < 8 ? lo : hi;
                c.write(s, (base + i) & Cpu.mask(in.addrSize), 1, v >>> ((i & 7) * 8));
            }
        }
    }
}
