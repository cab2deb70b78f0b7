package dev.jvmm.tcg;

import static dev.jvmm.tcg.Sse.check;
import static dev.jvmm.tcg.Sse.lane32;
import static dev.jvmm.tcg.Sse.pack32;
import static dev.jvmm.tcg.Sse.set;
import static dev.jvmm.tcg.Sse.src128;
import static dev.jvmm.tcg.Sse.srcLow;
import static dev.jvmm.tcg.SseFp.D;
import static dev.jvmm.tcg.SseFp.S;
import static dev.jvmm.tcg.SseInt.sx;

/**
 * The 0F 38 and 0F 3A maps: SSSE3, SSE4.1 and SSE4.2 (with CRC32). Only the 66-prefixed XMM
 * forms exist here; the SSSE3 MMX forms (no prefix) raise #UD.
 */
final class SseExt {
    private SseExt() {}

    static boolean map0F38(Exec x, Insn in) {
        int op = in.op;
        Cpu c = x.c;
        if (op == 0xF0 || op == 0xF1) {
            if (in.ssePrefix != 0xF2) {
                return false; // MOVBE is not implemented (not advertised)
            }
            crc32(x, in);
            return true;
        }
        if (in.ssePrefix != 0x66) {
            return false;
        }
        int d = in.reg;
        long dlo = c.xmm[2 * d], dhi = c.xmm[2 * d + 1];
        switch (op) {
            case 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x1C, 0x1D, 0x1E -> {
                check(x);
                long[] s = src128(x, true);
                long[] r = ssse3(op, dlo, dhi, s[0], s[1]);
                set(c, d, r[0], r[1]);
            }
            case 0x10, 0x14, 0x15 -> { // PBLENDVB, BLENDVPS, BLENDVPD: the mask is XMM0
                check(x);
                long[] s = src128(x, true);
                int bits = op == 0x10 ? 8 : op == 0x14 ? 32 : 64;
                set(c, d, blendv(dlo, s[0], c.xmm[0], bits), blendv(dhi, s[1], c.xmm[1], bits));
            }
            case 0x17 -> { // PTEST
                check(x);
                long[] s = src128(x, true);
                long status = 0;
                if (((dlo & s[0]) | (dhi & s[1])) == 0) {
                    status |= Cpu.ZF;
                }
                if (((~dlo & s[0]) | (~dhi & s[1])) == 0) {
                    status |= Cpu.CF;
                }
                c.setStatusEager(status);
            }
            case 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35 -> { // PMOVSX / PMOVZX
                check(x);
                int k = op & 0xF;
                int from = k < 3 ? 8 : k < 5 ? 16 : 32;
                int to = k == 0 ? 16 : k == 1 || k == 3 ? 32 : 64;
                int size = 128 / to * from / 8; // bytes read: m64, m32 or m16
                long v = srcLow(x, size);
                boolean signed = op < 0x30;
                long lo = 0, hi = 0;
                int n = 128 / to;
                for (int i = 0; i < n; i++) {
                    long e = (v >>> (i * from)) & SseInt.mask(from);
                    if (signed) {
                        e = sx(e, from);
                    }
                    e &= SseInt.mask(to);
                    int pos = i * to;
                    if (pos < 64) {
                        lo |= e << pos;
                    } else {
                        hi |= e << (pos - 64);
                    }
                }
                set(c, d, lo, hi);
            }
            case 0x28 -> { // PMULDQ
                check(x);
                long[] s = src128(x, true);
                set(c, d, (long) (int) dlo * (int) s[0], (long) (int) dhi * (int) s[1]);
            }
            case 0x29, 0x37 -> { // PCMPEQQ, PCMPGTQ
                check(x);
                long[] s = src128(x, true);
                if (op == 0x29) {
                    set(c, d, dlo == s[0] ? -1L : 0, dhi == s[1] ? -1L : 0);
                } else {
                    set(c, d, dlo > s[0] ? -1L : 0, dhi > s[1] ? -1L : 0);
                }
            }
            case 0x2A -> { // MOVNTDQA
                if (in.mod == 3) {
                    throw CpuFault.ud();
                }
                check(x);
                long[] s = src128(x, true);
                set(c, d, s[0], s[1]);
            }
            case 0x2B -> { // PACKUSDW
                check(x);
                long[] s = src128(x, true);
                set(c, d, SseInt.pack(dlo, dhi, 32, false), SseInt.pack(s[0], s[1], 32, false));
            }
            case 0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F, 0x40 -> {
                check(x);
                long[] s = src128(x, true);
                int bits = switch (op) {
                    case 0x38, 0x3C -> 8;
                    case 0x3A, 0x3E -> 16;
                    default -> 32;
                };
                SseInt.Lane f = switch (op) {
                    case 0x38 -> (a, b) -> Math.min(sx(a, 8), sx(b, 8));
                    case 0x39 -> (a, b) -> Math.min(sx(a, 32), sx(b, 32));
                    case 0x3A, 0x3B -> Math::min;
                    case 0x3C -> (a, b) -> Math.max(sx(a, 8), sx(b, 8));
                    case 0x3D -> (a, b) -> Math.max(sx(a, 32), sx(b, 32));
                    case 0x3E, 0x3F -> Math::max;
                    default -> (a, b) -> a * b; // PMULLD
                };
                set(c, d, SseInt.lanes(dlo, s[0], bits, f), SseInt.lanes(dhi, s[1], bits, f));
            }
            case 0x41 -> { // PHMINPOSUW
                check(x);
                long[] s = src128(x, true);
                long min = 0x10000;
                int idx = 0;
                for (int i = 0; i < 8; i++) {
                    long w = ((i < 4 ? s[0] : s[1]) >>> ((i & 3) * 16)) & 0xFFFF;
                    if (w < min) {
                        min = w;
                        idx = i;
                    }
                }
                set(c, d, min | ((long) idx << 16), 0);
            }
            default -> {
                return false;
            }
        }
        Sse.done(x);
        return true;
    }

    static boolean map0F3A(Exec x, Insn in) {
        int op = in.op;
        Cpu c = x.c;
        if (in.ssePrefix != 0x66) {
            return false;
        }
        int d = in.reg;
        int imm = (int) in.imm & 0xFF;
        long dlo = c.xmm[2 * d], dhi = c.xmm[2 * d + 1];
        switch (op) {
            case 0x08, 0x09, 0x0A, 0x0B -> { // ROUNDPS PD SS SD
                check(x);
                SseFp.Env e = new SseFp.Env(c.mxcsr);
                int rc = (imm & 4) != 0 ? e.rc : imm & 3;
                boolean noPe = (imm & 8) != 0;
                switch (op) {
                    case 0x08 -> {
                        long[] s = src128(x, true);
                        long[] r = new long[4];
                        for (int i = 0; i < 4; i++) {
                            r[i] = SseFp.roundInt(S, lane32(s[0], s[1], i), rc, noPe, e);
                        }
                        SseFp.commit(c, e);
                        set(c, d, pack32(r[0], r[1]), pack32(r[2], r[3]));
                    }
                    case 0x09 -> {
                        long[] s = src128(x, true);
                        long r0 = SseFp.roundInt(D, s[0], rc, noPe, e), r1 = SseFp.roundInt(D, s[1], rc, noPe, e);
                        SseFp.commit(c, e);
                        set(c, d, r0, r1);
                    }
                    case 0x0A -> {
                        long r = SseFp.roundInt(S, srcLow(x, 4), rc, noPe, e);
                        SseFp.commit(c, e);
                        c.xmm[2 * d] = (dlo & 0xFFFF_FFFF_0000_0000L) | r;
                    }
                    default -> {
                        long r = SseFp.roundInt(D, srcLow(x, 8), rc, noPe, e);
                        SseFp.commit(c, e);
                        c.xmm[2 * d] = r;
                    }
                }
            }
            case 0x0C, 0x0D, 0x0E -> { // BLENDPS, BLENDPD, PBLENDW
                check(x);
                long[] s = src128(x, true);
                int bits = op == 0x0C ? 32 : op == 0x0D ? 64 : 16;
                int n = 64 / bits;
                long mlo = 0, mhi = 0;
                for (int i = 0; i < 2 * n; i++) {
                    if (((imm >> i) & 1) != 0) {
                        if (i < n) {
                            mlo |= SseInt.mask(bits) << (i * bits);
                        } else {
                            mhi |= SseInt.mask(bits) << ((i - n) * bits);
                        }
                    }
                }
                set(c, d, (dlo & ~mlo) | (s[0] & mlo), (dhi & ~mhi) | (s[1] & mhi));
            }
            case 0x0F -> { // PALIGNR
                check(x);
                long[] s = src128(x, true);
                long[] w = {s[0], s[1], dlo, dhi}; // src is the low half of the 256-bit concatenation
                long lo = 0, hi = 0;
                for (int i = 0; i < 16; i++) {
                    int k = i + imm;
                    long b = k < 32 ? (w[k >> 3] >>> ((k & 7) * 8)) & 0xFF : 0;
                    if (i < 8) {
                        lo |= b << (i * 8);
                    } else {
                        hi |= b << ((i - 8) * 8);
                    }
                }
                set(c, d, lo, hi);
            }
            case 0x14, 0x15, 0x16, 0x17 -> { // PEXTRB, PEXTRW, PEXTRD/Q, EXTRACTPS
                check(x);
                int size = op == 0x14 ? 1 : op == 0x15 ? 2 : op == 0x16 && in.rexW() ? 8 : 4;
                int n = 16 / size;
                int sel = imm & (n - 1);
                int byteOff = sel * size;
                long v = c.xmm[2 * d + (byteOff >> 3)] >>> ((byteOff & 7) * 8);
                v &= Cpu.mask(size);
                if (in.mod == 3) {
                    c.setReg(in.rm, size == 8 ? 8 : 4, true, v);
                } else {
                    Sse.storeLow(x, size, v);
                }
            }
            case 0x20, 0x22 -> { // PINSRB, PINSRD/Q
                check(x);
                int size = op == 0x20 ? 1 : in.rexW() ? 8 : 4;
                long v = in.mod == 3 ? c.r[in.rm] & Cpu.mask(size) : c.read(x.seg(), x.ea(), size);
                int n = 16 / size;
                int byteOff = (imm & (n - 1)) * size;
                int h = byteOff >> 3, sh = (byteOff & 7) * 8;
                long m = Cpu.mask(size) << sh;
                c.xmm[2 * d + h] = (c.xmm[2 * d + h] & ~m) | (v << sh);
            }
            case 0x21 -> { // INSERTPS
                check(x);
                long v;
                if (in.mod == 3) {
                    v = lane32(c.xmm[2 * in.rm], c.xmm[2 * in.rm + 1], imm >> 6);
                } else {
                    v = c.read(x.seg(), x.ea(), 4);
                }
                long[] r = {lane32(dlo, dhi, 0), lane32(dlo, dhi, 1), lane32(dlo, dhi, 2), lane32(dlo, dhi, 3)};
                r[(imm >> 4) & 3] = v;
                for (int i = 0; i < 4; i++) {
                    if (((imm >> i) & 1) != 0) {
                        r[i] = 0;
                    }
                }
                set(c, d, pack32(r[0], r[1]), pack32(r[2], r[3]));
            }
            case 0x40, 0x41 -> { // DPPS, DPPD
                check(x);
                long[] s = src128(x, true);
                SseFp.Env e = new SseFp.Env(c.mxcsr);
                if (op == 0x40) {
                    long[] t = new long[4];
                    for (int i = 0; i < 4; i++) {
                        t[i] = ((imm >> (4 + i)) & 1) != 0
                            ? SseFp.mul(S, lane32(dlo, dhi, i), lane32(s[0], s[1], i), e) : 0;
                    }
                    long t2 = SseFp.add(S, t[0], t[1], e);
                    long t3 = SseFp.add(S, t[2], t[3], e);
                    long t4 = SseFp.add(S, t2, t3, e);
                    SseFp.commit(c, e);
                    long[] r = new long[4];
                    for (int i = 0; i < 4; i++) {
                        r[i] = ((imm >> i) & 1) != 0 ? t4 : 0;
                    }
                    set(c, d, pack32(r[0], r[1]), pack32(r[2], r[3]));
                } else {
                    long t0 = (imm & 0x10) != 0 ? SseFp.mul(D, dlo, s[0], e) : 0;
                    long t1 = (imm & 0x20) != 0 ? SseFp.mul(D, dhi, s[1], e) : 0;
                    long t2 = SseFp.add(D, t0, t1, e);
                    SseFp.commit(c, e);
                    set(c, d, (imm & 1) != 0 ? t2 : 0, (imm & 2) != 0 ? t2 : 0);
                }
            }
            case 0x42 -> { // MPSADBW
                check(x);
                long[] s = src128(x, true);
                int blk1 = ((imm >> 2) & 1) * 4, blk2 = (imm & 3) * 4;
                long lo = 0, hi = 0;
                for (int i = 0; i < 8; i++) {
                    long sum = 0;
                    for (int j = 0; j < 4; j++) {
                        sum += Math.abs(byteAt(dlo, dhi, blk1 + i + j) - byteAt(s[0], s[1], blk2 + j));
                    }
                    if (i < 4) {
                        lo |= sum << (16 * i);
                    } else {
                        hi |= sum << (16 * (i - 4));
                    }
                }
                set(c, d, lo, hi);
            }
            case 0x60, 0x61, 0x62, 0x63 -> {
                check(x);
                SseStr.execute(x, in, op, imm);
            }
            default -> {
                return false;
            }
        }
        Sse.done(x);
        return true;
    }

    static long byteAt(long lo, long hi, int i) {
        return ((i < 8 ? lo : hi) >>> ((i & 7) * 8)) & 0xFF;
    }

    private static long blendv(long d, long s, long m, int bits) {
        long r = 0;
        long lm = SseInt.mask(bits);
        for (int i = 0; i < 64; i += bits) {
            boolean take = ((m >>> (i + bits - 1)) & 1) != 0;
            r |= ((take ? s : d) >>> i & lm) << i;
        }
        return r;
    }

    /** The SSSE3 two-operand instructions of 66 0F 38 00-0B and 1C-1E. */
    static long[] ssse3(int op, long dlo, long dhi, long slo, long shi) {
        switch (op) {
            case 0x00 -> { // PSHUFB
                long lo = 0, hi = 0;
                for (int i = 0; i < 16; i++) {
                    long ctl = byteAt(slo, shi, i);
                    long b = (ctl & 0x80) != 0 ? 0 : byteAt(dlo, dhi, (int) ctl & 15);
                    if (i < 8) {
                        lo |= b << (8 * i);
                    } else {
                        hi |= b << (8 * (i - 8));
                    }
                }
                return new long[] {lo, hi};
            }
            case 0x01, 0x02, 0x03, 0x05, 0x06, 0x07 -> { // PHADDW/D/SW, PHSUBW/D/SW
                int bits = op == 0x02 || op == 0x06 ? 32 : 16;
                boolean subtract = op >= 0x05;
                boolean sat = op == 0x03 || op == 0x07;
                int n = 128 / bits;
                long[] src = new long[2 * n];
                for (int i = 0; i < n; i++) {
                    src[i] = sx(lane(dlo, dhi, bits, i), bits);
                    src[n + i] = sx(lane(slo, shi, bits, i), bits);
                }
                long lo = 0, hi = 0;
                for (int i = 0; i < n; i++) {
                    long v = subtract ? src[2 * i] - src[2 * i + 1] : src[2 * i] + src[2 * i + 1];
                    if (sat) {
                        v = SseInt.signedSat(v, bits);
                    }
                    v &= SseInt.mask(bits);
                    int pos = i * bits;
                    if (pos < 64) {
                        lo |= v << pos;
                    } else {
                        hi |= v << (pos - 64);
                    }
                }
                return new long[] {lo, hi};
            }
            case 0x04 -> { // PMADDUBSW: unsigned bytes of the destination times signed bytes of the source
                return new long[] {maddubsw(dlo, slo), maddubsw(dhi, shi)};
            }
            case 0x08, 0x09, 0x0A -> { // PSIGNB/W/D
                int bits = 8 << (op - 0x08);
                SseInt.Lane f = (a, b) -> {
                    long sb = sx(b, bits);
                    return sb < 0 ? -a : sb == 0 ? 0 : a;
                };
                return new long[] {SseInt.lanes(dlo, slo, bits, f), SseInt.lanes(dhi, shi, bits, f)};
            }
            case 0x0B -> { // PMULHRSW
                SseInt.Lane f = (a, b) -> (((sx(a, 16) * sx(b, 16)) >> 14) + 1) >> 1;
                return new long[] {SseInt.lanes(dlo, slo, 16, f), SseInt.lanes(dhi, shi, 16, f)};
            }
            default -> { // PABSB/W/D of the source
                int bits = 8 << (op - 0x1C);
                SseInt.Lane f = (a, b) -> Math.abs(sx(b, bits));
                return new long[] {SseInt.lanes(0, slo, bits, f), SseInt.lanes(0, shi, bits, f)};
            }
        }
    }

    static long lane(long lo, long hi, int bits, int i) {
        int pos = i * bits;
        long v = pos < 64 ? lo >>> pos : hi >>> (pos - 64);
        return v & SseInt.mask(bits);
    }

    private static long maddubsw(long a, long b) {
        long r = 0;
        for (int i = 0; i < 4; i++) {
            long p = ((a >>> (16 * i)) & 0xFF) * sx(b >>> (16 * i), 8)
                + ((a >>> (16 * i + 8)) & 0xFF) * sx(b >>> (16 * i + 8), 8);
            r |= (SseInt.signedSat(p, 16) & 0xFFFF) << (16 * i);
        }
        return r;
    }

    /** CRC32 r32/r64, r/m8/16/32/64 (F2 0F 38 F0/F1): CRC-32C, reflected, no inversion. */
    private static void crc32(Exec x, Insn in) {
        Cpu c = x.c;
        int size = in.op == 0xF0 ? 1 : in.opSize;
        long v = x.readRm(size);
        long crc = c.r[in.reg] & 0xFFFF_FFFFL;
        for (int i = 0; i < size; i++) {
            crc ^= (v >>> (8 * i)) & 0xFF;
            for (int k = 0; k < 8; k++) {
                crc = (crc >>> 1) ^ (0x82F6_3B78L & -(crc & 1));
            }
        }
        c.setReg(in.reg, 4, true, crc);
        Sse.done(x);
    }
}
