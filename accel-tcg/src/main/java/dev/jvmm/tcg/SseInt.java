package dev.jvmm.tcg;

/**
 * Packed-integer lane arithmetic on 128-bit values held as two longs (low, high): the SSE2
 * integer instructions of the 0F map and helpers the SSSE3/SSE4 ones share.
 */
final class SseInt {
    private SseInt() {}

    interface Lane {
        /** a and b are the lane values zero-extended; the result is truncated to the lane. */
        long apply(long a, long b);
    }

    static long sx(long v, int bits) {
        return (v << (64 - bits)) >> (64 - bits);
    }

    static long mask(int bits) {
        return bits == 64 ? -1L : (1L << bits) - 1;
    }

    /** Applies {@code f} to each {@code bits}-wide lane of one 64-bit half. */
    static long lanes(long a, long b, int bits, Lane f) {
        if (bits == 64) {
            return f.apply(a, b);
        }
        long m = mask(bits), r = 0;
        for (int s = 0; s < 64; s += bits) {
            r |= (f.apply((a >>> s) & m, (b >>> s) & m) & m) << s;
        }
        return r;
    }

    static long clamp(long v, long lo, long hi) {
        return v < lo ? lo : v > hi ? hi : v;
    }

    static long signedSat(long v, int bits) {
        return clamp(v, -(1L << (bits - 1)), (1L << (bits - 1)) - 1);
    }

    static long unsignedSat(long v, int bits) {
        return clamp(v, 0, mask(bits));
    }

    /** The opcodes of the 66 0F xx two-operand integer instructions {@link #binary} knows. */
    static boolean isBinary(int op) {
        return (op >= 0x60 && op <= 0x6D) || (op >= 0x74 && op <= 0x76)
            || (op >= 0xD1 && op <= 0xFE && op != 0xD6 && op != 0xD7 && op != 0xE6 && op != 0xE7 && op != 0xF0
                && op != 0xF7);
    }

    /** The 66 0F xx integer instruction {@code op} on (dlo, dhi) and (slo, shi). */
    static long[] binary(int op, long dlo, long dhi, long slo, long shi) {
        switch (op) {
            case 0x60, 0x61, 0x62, 0x6C -> { // PUNPCKLBW/WD/DQ/QDQ
                return interleave(dlo, slo, op == 0x6C ? 64 : 8 << (op - 0x60));
            }
            case 0x68, 0x69, 0x6A, 0x6D -> { // PUNPCKHBW/WD/DQ/QDQ
                return interleave(dhi, shi, op == 0x6D ? 64 : 8 << (op - 0x68));
            }
            case 0x63 -> { // PACKSSWB
                return new long[] {pack(dlo, dhi, 16, true), pack(slo, shi, 16, true)};
            }
            case 0x67 -> { // PACKUSWB
                return new long[] {pack(dlo, dhi, 16, false), pack(slo, shi, 16, false)};
            }
            case 0x6B -> { // PACKSSDW
                return new long[] {pack(dlo, dhi, 32, true), pack(slo, shi, 32, true)};
            }
            case 0xD1, 0xD2, 0xD3, 0xE1, 0xE2, 0xF1, 0xF2, 0xF3 -> { // shifts by the low quadword
                int bits = switch (op & 0xF) {
                    case 1 -> 16;
                    case 2 -> 32;
                    default -> 64;
                };
                int kind = op < 0xE0 ? 0 : op < 0xF0 ? 1 : 2;
                return new long[] {shift(dlo, bits, kind, slo), shift(dhi, bits, kind, slo)};
            }
            case 0xF4 -> { // PMULUDQ
                return new long[] {(dlo & 0xFFFF_FFFFL) * (slo & 0xFFFF_FFFFL), (dhi & 0xFFFF_FFFFL) * (shi & 0xFFFF_FFFFL)};
            }
            case 0xF5 -> { // PMADDWD
                return new long[] {maddwd(dlo, slo), maddwd(dhi, shi)};
            }
            case 0xF6 -> { // PSADBW
                return new long[] {sad(dlo, slo), sad(dhi, shi)};
            }
            case 0xDB -> {
                return new long[] {dlo & slo, dhi & shi};
            }
            case 0xDF -> {
                return new long[] {~dlo & slo, ~dhi & shi};
            }
            case 0xEB -> {
                return new long[] {dlo | slo, dhi | shi};
            }
            case 0xEF -> {
                return new long[] {dlo ^ slo, dhi ^ shi};
            }
            default -> {
                int bits = laneBits(op);
                Lane f = laneOp(op);
                return new long[] {lanes(dlo, slo, bits, f), lanes(dhi, shi, bits, f)};
            }
        }
    }

    private static int laneBits(int op) {
        return switch (op) {
            case 0x64, 0x74, 0xD8, 0xDA, 0xDC, 0xDE, 0xE0, 0xE8, 0xEC, 0xF8, 0xFC -> 8;
            case 0x65, 0x75, 0xD5, 0xD9, 0xDD, 0xE3, 0xE4, 0xE5, 0xE9, 0xEA, 0xED, 0xEE, 0xF9, 0xFD -> 16;
            case 0x66, 0x76, 0xFA, 0xFE -> 32;
            default -> 64; // D4 PADDQ, FB PSUBQ
        };
    }

    private static Lane laneOp(int op) {
        return switch (op) {
            case 0x64 -> (a, b) -> sx(a, 8) > sx(b, 8) ? -1 : 0;
            case 0x65 -> (a, b) -> sx(a, 16) > sx(b, 16) ? -1 : 0;
            case 0x66 -> (a, b) -> sx(a, 32) > sx(b, 32) ? -1 : 0;
            case 0x74, 0x75, 0x76 -> (a, b) -> a == b ? -1 : 0;
            case 0xD4, 0xFC, 0xFD, 0xFE -> (a, b) -> a + b;
            case 0xF8, 0xF9, 0xFA, 0xFB -> (a, b) -> a - b;
            case 0xD5 -> (a, b) -> a * b; // PMULLW
            case 0xE5 -> (a, b) -> (sx(a, 16) * sx(b, 16)) >> 16; // PMULHW
            case 0xE4 -> (a, b) -> (a * b) >>> 16; // PMULHUW
            case 0xD8 -> (a, b) -> Math.max(a - b, 0); // PSUBUSB
            case 0xD9 -> (a, b) -> Math.max(a - b, 0); // PSUBUSW
            case 0xDC -> (a, b) -> Math.min(a + b, 0xFF); // PADDUSB
            case 0xDD -> (a, b) -> Math.min(a + b, 0xFFFF); // PADDUSW
            case 0xE8 -> (a, b) -> signedSat(sx(a, 8) - sx(b, 8), 8); // PSUBSB
            case 0xE9 -> (a, b) -> signedSat(sx(a, 16) - sx(b, 16), 16); // PSUBSW
            case 0xEC -> (a, b) -> signedSat(sx(a, 8) + sx(b, 8), 8); // PADDSB
            case 0xED -> (a, b) -> signedSat(sx(a, 16) + sx(b, 16), 16); // PADDSW
            case 0xDA -> Math::min; // PMINUB
            case 0xDE -> Math::max; // PMAXUB
            case 0xEA -> (a, b) -> Math.min(sx(a, 16), sx(b, 16)); // PMINSW
            case 0xEE -> (a, b) -> Math.max(sx(a, 16), sx(b, 16)); // PMAXSW
            case 0xE0, 0xE3 -> (a, b) -> (a + b + 1) >> 1; // PAVGB, PAVGW
            default -> throw new IllegalStateException("integer op " + op);
        };
    }

    /** Lanes of a (low half of the result first) interleaved with lanes of b. */
    static long[] interleave(long a, long b, int bits) {
        if (bits == 64) {
            return new long[] {a, b};
        }
        long m = mask(bits);
        long lo = 0, hi = 0;
        int n = 64 / bits;
        for (int i = 0; i < n; i++) {
            long va = (a >>> (i * bits)) & m, vb = (b >>> (i * bits)) & m;
            int pa = 2 * i * bits, pb = (2 * i + 1) * bits;
            if (pa < 64) {
                lo |= va << pa;
            } else {
                hi |= va << (pa - 64);
            }
            if (pb < 64) {
                lo |= vb << pb;
            } else {
                hi |= vb << (pb - 64);
            }
        }
        return new long[] {lo, hi};
    }

    /** Narrows the signed {@code bits}-wide lanes of (lo, hi) to half width with saturation. */
    static long pack(long lo, long hi, int bits, boolean signed) {
        int half = bits / 2;
        int n = 64 / bits;
        long r = 0;
        for (int i = 0; i < 2 * n; i++) {
            long v = sx((i < n ? lo : hi) >>> ((i % n) * bits), bits);
            long s = signed ? signedSat(v, half) : unsignedSat(v, half);
            r |= (s & mask(half)) << (i * half);
        }
        return r;
    }

    /** kind 0: logical right, 1: arithmetic right, 2: left; counts past the lane width saturate. */
    static long shift(long v, int bits, int kind, long count) {
        if (Long.compareUnsigned(count, bits - 1) > 0) {
            if (kind != 1) {
                return 0;
            }
            count = bits - 1;
        }
        int n = (int) count;
        return lanes(v, 0, bits, switch (kind) {
            case 0 -> (a, b) -> a >>> n;
            case 1 -> (a, b) -> sx(a, bits) >> n;
            default -> (a, b) -> a << n;
        });
    }

    /** PSRLDQ / PSLLDQ: the whole register shifted by {@code n} bytes. */
    static long[] byteShift(long lo, long hi, int n, boolean left) {
        if (n > 15) {
            return new long[] {0, 0};
        }
        int s = n * 8;
        if (s == 0) {
            return new long[] {lo, hi};
        }
        if (left) {
            return s >= 64 ? new long[] {0, lo << (s - 64)} : new long[] {lo << s, (hi << s) | (lo >>> (64 - s))};
        }
        return s >= 64 ? new long[] {hi >>> (s - 64), 0} : new long[] {(lo >>> s) | (hi << (64 - s)), hi >>> s};
    }

    static long shuffleWords(long v, int imm) {
        long r = 0;
        for (int i = 0; i < 4; i++) {
            r |= ((v >>> (((imm >> (2 * i)) & 3) * 16)) & 0xFFFF) << (16 * i);
        }
        return r;
    }

    /** The top bit of each byte of v, as an 8-bit mask. */
    static long byteMask(long v) {
        long r = 0;
        for (int i = 0; i < 8; i++) {
            r |= ((v >>> (8 * i + 7)) & 1) << i;
        }
        return r;
    }

    private static long maddwd(long a, long b) {
        long r = 0;
        for (int i = 0; i < 2; i++) {
            long p = sx(a >>> (32 * i), 16) * sx(b >>> (32 * i), 16)
                + sx(a >>> (32 * i + 16), 16) * sx(b >>> (32 * i + 16), 16);
            r |= (p & 0xFFFF_FFFFL) << (32 * i);
        }
        return r;
    }

    private static long sad(long a, long b) {
        long s = 0;
        for (int i = 0; i < 8; i++) {
            s += Math.abs(((a >>> (8 * i)) & 0xFF) - ((b >>> (8 * i)) & 0xFF));
        }
        return s;
    }
}
