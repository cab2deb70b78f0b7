package dev.jvmm.tcg;

/**
 * The SSE4.2 string compares PCMPESTRI, PCMPESTRM, PCMPISTRI, PCMPISTRM (66 0F 3A 60-63), after
 * the SDM's description (vol. 2, 4.1 "Imm8 control byte operation for PCMPESTRI / PCMPESTRM /
 * PCMPISTRI / PCMPISTRM").
 */
final class SseStr {
    private SseStr() {}

    static void execute(Exec x, Insn in, int op, int imm) {
        Cpu c = x.c;
        long[] b = Sse.src128(x, false); // the string compares take unaligned memory
        int d = in.reg;
        long alo = c.xmm[2 * d], ahi = c.xmm[2 * d + 1];
        boolean words = (imm & 1) != 0;
        boolean signed = (imm & 2) != 0;
        int n = words ? 8 : 16;
        int bits = words ? 16 : 8;
        long[] av = new long[n], bv = new long[n];
        for (int i = 0; i < n; i++) {
            av[i] = SseExt.lane(alo, ahi, bits, i);
            bv[i] = SseExt.lane(b[0], b[1], bits, i);
            if (signed) {
                av[i] = SseInt.sx(av[i], bits);
                bv[i] = SseInt.sx(bv[i], bits);
            }
        }
        boolean explicit = op == 0x60 || op == 0x61;
        int la, lb;
        if (explicit) {
            la = explicitLength(in.rexW() ? c.r[0] : (int) c.r[0], n);
            lb = explicitLength(in.rexW() ? c.r[2] : (int) c.r[2], n);
        } else {
            la = implicitLength(av);
            lb = implicitLength(bv);
        }
        int agg = (imm >> 2) & 3;
        int res1 = 0;
        for (int j = 0; j < n; j++) {
            boolean r;
            switch (agg) {
                case 0 -> { // equal any: b[j] is one of a[0..la)
                    r = false;
                    if (j < lb) {
                        for (int i = 0; i < la; i++) {
                            r |= av[i] == bv[j];
                        }
                    }
                }
                case 1 -> { // ranges: a holds (low, high) pairs
                    r = false;
                    if (j < lb) {
                        for (int i = 0; i + 1 < la; i += 2) {
                            r |= av[i] <= bv[j] && bv[j] <= av[i + 1];
                        }
                    }
                }
                case 2 -> { // equal each
                    boolean va = j < la, vb = j < lb;
                    r = va && vb ? av[j] == bv[j] : !va && !vb;
                }
                default -> { // equal ordered: a occurs in b at j
                    r = true;
                    for (int i = 0; i + j < n && r; i++) {
                        boolean va = i < la, vb = i + j < lb;
                        if (va) {
                            r = vb && av[i] == bv[i + j];
                        }
                    }
                }
            }
            if (r) {
                res1 |= 1 << j;
            }
        }
        int all = (1 << n) - 1;
        int res2 = switch ((imm >> 4) & 3) {
            case 1 -> ~res1 & all;
            case 3 -> res1 ^ ((1 << lb) - 1);
            default -> res1;
        };
        if (op == 0x61 || op == 0x63) { // the index into ECX
            int idx;
            if (res2 == 0) {
                idx = n;
            } else {
                idx = (imm & 0x40) != 0 ? 31 - Integer.numberOfLeadingZeros(res2) : Integer.numberOfTrailingZeros(res2);
            }
            c.r[1] = idx;
        } else { // the mask into XMM0
            if ((imm & 0x40) != 0) {
                long lo = 0, hi = 0;
                for (int i = 0; i < n; i++) {
                    if (((res2 >> i) & 1) != 0) {
                        int pos = i * bits;
                        if (pos < 64) {
                            lo |= SseInt.mask(bits) << pos;
                        } else {
                            hi |= SseInt.mask(bits) << (pos - 64);
                        }
                    }
                }
                Sse.set(c, 0, lo, hi);
            } else {
                Sse.set(c, 0, res2, 0);
            }
        }
        long status = 0;
        if (res2 != 0) {
            status |= Cpu.CF;
        }
        if (lb < n) {
            status |= Cpu.ZF;
        }
        if (la < n) {
            status |= Cpu.SF;
        }
        if ((res2 & 1) != 0) {
            status |= Cpu.OF;
        }
        c.setStatusEager(status);
    }

    private static int explicitLength(long v, int n) {
        if (v == Long.MIN_VALUE) {
            return n;
        }
        long a = Math.abs(v);
        return a > n ? n : (int) a;
    }

    private static int implicitLength(long[] v) {
        for (int i = 0; i < v.length; i++) {
            if (v[i] == 0) {
                return i;
            }
        }
        return v.length;
    }
}
