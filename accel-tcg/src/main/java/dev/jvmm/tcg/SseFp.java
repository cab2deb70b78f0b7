package dev.jvmm.tcg;

import java.math.BigInteger;

/**
 * IEEE 754 binary32/binary64 arithmetic as the SSE unit does it (Intel SDM vol. 1 ch. 4.8, 4.9,
 * 11.5): rounding per MXCSR.RC, denormals-are-zero on inputs, flush-to-zero of tiny results, the
 * six exception flags, and the x86 rules for NaN results (the first NaN operand, quieted; the
 * "real indefinite" default NaN for invalid operations).
 *
 * <p>Values travel as raw bit patterns in a {@code long} with a format selector ({@link #S} single,
 * {@link #D} double). Every operation has a fast path that uses the host's round-to-nearest
 * arithmetic (which Java guarantees is IEEE) when the result is provably the same, with
 * error-free transformations to tell exact from inexact; everything else (other rounding modes,
 * tiny or huge results, denormal or zero operands) goes through an exact integer path.
 */
final class SseFp {
    private SseFp() {}

    static final int S = 0, D = 1;
    static final int IE = 1, DE = 2, ZE = 4, OE = 8, UE = 0x10, PE = 0x20, DAZ = 0x40, FZ = 0x8000;
    static final int RN = 0, RD = 1, RU = 2, RZ = 3;

    static final int[] P = {24, 53};
    static final int[] BIAS = {127, 1023};
    static final long[] SIGN = {1L << 31, 1L << 63};
    static final long[] EXP = {0x7F80_0000L, 0x7FF0_0000_0000_0000L};
    static final long[] FRAC = {0x7F_FFFFL, 0xF_FFFF_FFFF_FFFFL};
    static final long[] QUIET = {1L << 22, 1L << 51};
    static final long[] DEFAULT_NAN = {0xFFC0_0000L, 0xFFF8_0000_0000_0000L};
    static final long[] MAX = {0x7F7F_FFFFL, 0x7FEF_FFFF_FFFF_FFFFL};
    static final long[] INF = {0x7F80_0000L, 0x7FF0_0000_0000_0000L};

    /** The MXCSR controls for one instruction and the exception flags it has raised. */
    static final class Env {
        final int mxcsr;
        final int rc;
        final boolean daz, ftz;
        int flags;

        Env(int mxcsr) {
            this.mxcsr = mxcsr;
            this.rc = (mxcsr >> 13) & 3;
            this.daz = (mxcsr & DAZ) != 0;
            this.ftz = (mxcsr & FZ) != 0;
        }

        boolean masked(int flag) {
            return (mxcsr & (flag << 7)) != 0;
        }
    }

    /**
     * Ends an instruction: merges the raised flags into MXCSR, or raises #XM (#UD without
     * CR4.OSXMMEXCPT) when one of them is unmasked. Pre-computation exceptions (invalid, denormal,
     * divide-by-zero) that are unmasked suppress the post-computation ones. Returns normally only
     * when the destination may be written.
     */
    static void commit(Cpu c, Env e) {
        int flags = e.flags;
        if (flags == 0) {
            return;
        }
        int unmasked = flags & ~(c.mxcsr >> 7) & 0x3F;
        if (unmasked != 0) {
            int pre = flags & (IE | DE | ZE);
            c.mxcsr |= (pre & unmasked) != 0 ? pre : flags;
            throw (c.cr4 & (1 << 10)) != 0 ? CpuFault.of(CpuFault.XM) : CpuFault.ud();
        }
        c.mxcsr |= flags;
    }

    // ------------------------------------------------------------------ classification

    static boolean isNaN(int f, long v) {
        return (v & EXP[f]) == EXP[f] && (v & FRAC[f]) != 0;
    }

    static boolean isSNaN(int f, long v) {
        return isNaN(f, v) && (v & QUIET[f]) == 0;
    }

    static boolean isInf(int f, long v) {
        return (v & ~SIGN[f] & mask(f)) == EXP[f];
    }

    static boolean isZero(int f, long v) {
        return (v & ~SIGN[f] & mask(f)) == 0;
    }

    static boolean isDenormal(int f, long v) {
        return (v & EXP[f]) == 0 && (v & FRAC[f]) != 0;
    }

    static boolean neg(int f, long v) {
        return (v & SIGN[f]) != 0;
    }

    static long mask(int f) {
        return f == S ? 0xFFFF_FFFFL : -1L;
    }

    static long quiet(int f, long v) {
        return v | QUIET[f];
    }

    /** Applies DAZ to an input and raises DE for a denormal input that stays one. */
    private static long in(int f, long v, Env e) {
        if (isDenormal(f, v)) {
            if (e.daz) {
                return v & SIGN[f];
            }
        }
        return v;
    }

    private static void denormalCheck(int f, long a, long b, Env e) {
        if (isDenormal(f, a) || isDenormal(f, b)) {
            e.flags |= DE;
        }
    }

    private static double dbl(int f, long v) {
        return f == S ? Float.intBitsToFloat((int) v) : Double.longBitsToDouble(v);
    }

    /** NaN operands of a two-operand arithmetic operation: the first NaN, quieted; IE for an SNaN. */
    private static long nanResult(int f, long a, long b, Env e) {
        if (isSNaN(f, a) || isSNaN(f, b)) {
            e.flags |= IE;
        }
        return quiet(f, isNaN(f, a) ? a : b);
    }

    // ------------------------------------------------------------------ arithmetic

    static long add(int f, long a, long b, Env e) {
        return addSub(f, a, b, false, e);
    }

    static long sub(int f, long a, long b, Env e) {
        return addSub(f, a, b, true, e);
    }

    private static long addSub(int f, long a, long b, boolean sub, Env e) {
        a = in(f, a, e);
        b = in(f, b, e);
        if (isNaN(f, a) || isNaN(f, b)) {
            return nanResult(f, a, b, e);
        }
        if (sub) {
            b ^= SIGN[f];
        }
        boolean ia = isInf(f, a), ib = isInf(f, b);
        if (ia || ib) {
            if (ia && ib && neg(f, a) != neg(f, b)) {
                e.flags |= IE;
                return DEFAULT_NAN[f];
            }
            denormalCheck(f, a, b, e);
            return ia ? a : b;
        }
        denormalCheck(f, a, b, e);
        if (e.rc == RN && !isDenormal(f, a) && !isDenormal(f, b) && !isZero(f, a) && !isZero(f, b)) {
            if (f == S) {
                float x = Float.intBitsToFloat((int) a), y = Float.intBitsToFloat((int) b);
                float r = x + y;
                if (Math.abs(r) >= 0x1p-100f && !Float.isInfinite(r)) {
                    float bb = r - x;
                    float err = (x - (r - bb)) + (y - bb);
                    if (err != 0) {
                        e.flags |= PE;
                    }
                    return Float.floatToRawIntBits(r) & 0xFFFF_FFFFL;
                }
            } else {
                double x = Double.longBitsToDouble(a), y = Double.longBitsToDouble(b);
                double r = x + y;
                if (Math.abs(r) >= 0x1p-900 && !Double.isInfinite(r)) {
                    double bb = r - x;
                    double err = (x - (r - bb)) + (y - bb);
                    if (err != 0) {
                        e.flags |= PE;
                    }
                    return Double.doubleToRawLongBits(r);
                }
            }
        }
        // Exact: align both significands to the smaller exponent.
        int ea = exponent(f, a), eb = exponent(f, b);
        int emin = Math.min(ea, eb);
        BigInteger x = BigInteger.valueOf(significand(f, a)).shiftLeft(ea - emin);
        BigInteger y = BigInteger.valueOf(significand(f, b)).shiftLeft(eb - emin);
        if (neg(f, a)) {
            x = x.negate();
        }
        if (neg(f, b)) {
            y = y.negate();
        }
        BigInteger s = x.add(y);
        if (s.signum() == 0) {
            boolean bothNeg = neg(f, a) && neg(f, b);
            boolean n = bothNeg || (neg(f, a) != neg(f, b) && e.rc == RD);
            return n ? SIGN[f] : 0;
        }
        return round(f, s.signum() < 0, s.abs(), emin, false, e);
    }

    static long mul(int f, long a, long b, Env e) {
        a = in(f, a, e);
        b = in(f, b, e);
        if (isNaN(f, a) || isNaN(f, b)) {
            return nanResult(f, a, b, e);
        }
        long sign = (a ^ b) & SIGN[f];
        boolean ia = isInf(f, a), ib = isInf(f, b);
        if (ia || ib) {
            if (isZero(f, a) || isZero(f, b)) {
                e.flags |= IE;
                return DEFAULT_NAN[f];
            }
            denormalCheck(f, a, b, e);
            return sign | INF[f];
        }
        denormalCheck(f, a, b, e);
        if (isZero(f, a) || isZero(f, b)) {
            return sign;
        }
        if (e.rc == RN && !isDenormal(f, a) && !isDenormal(f, b)) {
            if (f == S) {
                double p = (double) Float.intBitsToFloat((int) a) * Float.intBitsToFloat((int) b); // exact
                float r = (float) p;
                if (Math.abs(r) >= 0x1p-100f && !Float.isInfinite(r)) {
                    if (r != p) {
                        e.flags |= PE;
                    }
                    return Float.floatToRawIntBits(r) & 0xFFFF_FFFFL;
                }
            } else {
                double x = Double.longBitsToDouble(a), y = Double.longBitsToDouble(b);
                double r = x * y;
                if (Math.abs(r) >= 0x1p-900 && !Double.isInfinite(r)) {
                    if (Math.fma(x, y, -r) != 0) {
                        e.flags |= PE;
                    }
                    return Double.doubleToRawLongBits(r);
                }
            }
        }
        BigInteger m = BigInteger.valueOf(significand(f, a)).multiply(BigInteger.valueOf(significand(f, b)));
        return round(f, sign != 0, m, exponent(f, a) + exponent(f, b), false, e);
    }

    static long div(int f, long a, long b, Env e) {
        a = in(f, a, e);
        b = in(f, b, e);
        if (isNaN(f, a) || isNaN(f, b)) {
            return nanResult(f, a, b, e);
        }
        long sign = (a ^ b) & SIGN[f];
        boolean ia = isInf(f, a), ib = isInf(f, b);
        boolean za = isZero(f, a), zb = isZero(f, b);
        if ((ia && ib) || (za && zb)) {
            e.flags |= IE;
            return DEFAULT_NAN[f];
        }
        if (ia) {
            denormalCheck(f, a, b, e);
            return sign | INF[f];
        }
        if (ib) {
            denormalCheck(f, a, b, e);
            return sign;
        }
        if (zb) {
            e.flags |= ZE;
            return sign | INF[f];
        }
        denormalCheck(f, a, b, e);
        if (za) {
            return sign;
        }
        if (e.rc == RN && !isDenormal(f, a) && !isDenormal(f, b)) {
            if (f == S) {
                float x = Float.intBitsToFloat((int) a), y = Float.intBitsToFloat((int) b);
                float r = x / y;
                if (Math.abs(r) >= 0x1p-100f && !Float.isInfinite(r)) {
                    if ((double) r * y != x) { // the product of two floats is exact in double
                        e.flags |= PE;
                    }
                    return Float.floatToRawIntBits(r) & 0xFFFF_FFFFL;
                }
            } else {
                double x = Double.longBitsToDouble(a), y = Double.longBitsToDouble(b);
                double r = x / y;
                if (Math.abs(r) >= 0x1p-900 && Math.abs(x) >= 0x1p-900 && !Double.isInfinite(r)) {
                    if (Math.fma(-r, y, x) != 0) {
                        e.flags |= PE;
                    }
                    return Double.doubleToRawLongBits(r);
                }
            }
        }
        long ma = significand(f, a), mb = significand(f, b);
        int k = P[f] + 3 + bitLength(mb) - bitLength(ma);
        if (k < 0) {
            k = 0;
        }
        BigInteger[] qr = BigInteger.valueOf(ma).shiftLeft(k).divideAndRemainder(BigInteger.valueOf(mb));
        return round(f, sign != 0, qr[0], exponent(f, a) - exponent(f, b) - k, qr[1].signum() != 0, e);
    }

    static long sqrt(int f, long a, Env e) {
        a = in(f, a, e);
        if (isNaN(f, a)) {
            if (isSNaN(f, a)) {
                e.flags |= IE;
            }
            return quiet(f, a);
        }
        if (isZero(f, a)) {
            return a;
        }
        if (neg(f, a)) {
            e.flags |= IE;
            return DEFAULT_NAN[f];
        }
        if (isInf(f, a)) {
            return a;
        }
        if (isDenormal(f, a)) {
            e.flags |= DE;
        } else if (e.rc == RN) {
            if (f == S) {
                double x = Float.intBitsToFloat((int) a);
                float r = (float) Math.sqrt(x); // double rounding is harmless here (53 >= 2*24+2)
                if ((double) r * r != x) {
                    e.flags |= PE;
                }
                return Float.floatToRawIntBits(r) & 0xFFFF_FFFFL;
            }
            double x = Double.longBitsToDouble(a);
            if (x >= 0x1p-900) {
                double r = Math.sqrt(x);
                if (Math.fma(-r, r, x) != 0) {
                    e.flags |= PE;
                }
                return Double.doubleToRawLongBits(r);
            }
        }
        long m = significand(f, a);
        int ex = exponent(f, a);
        BigInteger mm = BigInteger.valueOf(m);
        if ((ex & 1) != 0) {
            mm = mm.shiftLeft(1);
            ex -= 1;
        }
        int k = Math.max(0, (2 * P[f] + 8 - mm.bitLength()) / 2 + 1);
        mm = mm.shiftLeft(2 * k);
        ex -= 2 * k;
        BigInteger[] sr = mm.sqrtAndRemainder();
        return round(f, false, sr[0], ex / 2, sr[1].signum() != 0, e);
    }

    /** MIN: the second operand when either is a NaN or both are zero (any sign); IE for any NaN. */
    static long min(int f, long a, long b, Env e) {
        return minMax(f, a, b, true, e);
    }

    static long max(int f, long a, long b, Env e) {
        return minMax(f, a, b, false, e);
    }

    private static long minMax(int f, long a, long b, boolean min, Env e) {
        a = in(f, a, e);
        b = in(f, b, e);
        if (isNaN(f, a) || isNaN(f, b)) {
            e.flags |= IE;
            return b;
        }
        denormalCheck(f, a, b, e);
        double x = dbl(f, a), y = dbl(f, b);
        return (min ? x < y : x > y) ? a : b;
    }

    /**
     * CMPccPS/PD/SS/SD predicates 0-7 (EQ LT LE UNORD NEQ NLT NLE ORD): true or false. An SNaN, or a
     * QNaN with the signalling predicates LT/LE/NLT/NLE, raises IE.
     */
    static boolean compare(int f, long a, long b, int pred, Env e) {
        a = in(f, a, e);
        b = in(f, b, e);
        pred &= 7;
        if (isNaN(f, a) || isNaN(f, b)) {
            if (isSNaN(f, a) || isSNaN(f, b) || pred == 1 || pred == 2 || pred == 5 || pred == 6) {
                e.flags |= IE;
            }
            return pred >= 3 && pred <= 6; // UNORD NEQ NLT NLE
        }
        denormalCheck(f, a, b, e);
        double x = dbl(f, a), y = dbl(f, b);
        return switch (pred) {
            case 0 -> x == y;
            case 1 -> x < y;
            case 2 -> x <= y;
            case 3 -> false;
            case 4 -> x != y;
            case 5 -> !(x < y);
            case 6 -> !(x <= y);
            default -> true;
        };
    }

    /** COMIS/UCOMIS: the ZF PF CF status (OF SF AF clear). */
    static long comi(int f, long a, long b, boolean signalQuiet, Env e) {
        a = in(f, a, e);
        b = in(f, b, e);
        if (isNaN(f, a) || isNaN(f, b)) {
            if (signalQuiet || isSNaN(f, a) || isSNaN(f, b)) {
                e.flags |= IE;
            }
            return Cpu.ZF | Cpu.PF | Cpu.CF;
        }
        denormalCheck(f, a, b, e);
        double x = dbl(f, a), y = dbl(f, b);
        return x > y ? 0 : x < y ? Cpu.CF : Cpu.ZF;
    }

    // ------------------------------------------------------------------ conversions

    /** CVTSS2SD and friends: exact, except for NaNs (quieted, payload kept). */
    static long floatToDouble(long a, Env e) {
        a = in(S, a, e);
        if (isNaN(S, a)) {
            if (isSNaN(S, a)) {
                e.flags |= IE;
            }
            a |= QUIET[S];
            return ((a & SIGN[S]) << 32) | EXP[D] | ((a & FRAC[S]) << 29);
        }
        if (isDenormal(S, a)) {
            e.flags |= DE;
        }
        return Double.doubleToRawLongBits(Float.intBitsToFloat((int) a));
    }

    /** CVTSD2SS and friends: rounded per MXCSR. */
    static long doubleToFloat(long a, Env e) {
        a = in(D, a, e);
        if (isNaN(D, a)) {
            if (isSNaN(D, a)) {
                e.flags |= IE;
            }
            a |= QUIET[D];
            return ((a >>> 32) & SIGN[S]) | EXP[S] | ((a & FRAC[D]) >>> 29);
        }
        long sign = (a >>> 32) & SIGN[S];
        if (isInf(D, a)) {
            return sign | INF[S];
        }
        if (isZero(D, a)) {
            return sign;
        }
        if (isDenormal(D, a)) {
            e.flags |= DE;
        } else if (e.rc == RN) {
            double x = Double.longBitsToDouble(a);
            float r = (float) x;
            if (Math.abs(r) >= 0x1p-100f && !Float.isInfinite(r)) {
                if (r != x) {
                    e.flags |= PE;
                }
                return Float.floatToRawIntBits(r) & 0xFFFF_FFFFL;
            }
        }
        return round(S, sign != 0, BigInteger.valueOf(significand(D, a)), exponent(D, a), false, e);
    }

    /** CVTSI2SS/SD, CVTDQ2PS/PD: a signed integer rounded per MXCSR. */
    static long fromInt(int f, long v, Env e) {
        if (v == 0) {
            return 0;
        }
        boolean n = v < 0;
        long mag = n ? -v : v; // 2^63 stays 0x8000...: read as unsigned below
        if (mag > 0 && mag < (1L << P[f])) {
            return f == S ? Float.floatToRawIntBits((float) v) & 0xFFFF_FFFFL : Double.doubleToRawLongBits(v);
        }
        BigInteger m = n ? BigInteger.valueOf(v).negate() : BigInteger.valueOf(v);
        return round(f, n, m, 0, false, e);
    }

    /**
     * CVT(T)SS2SI and friends: to a signed integer of {@code bits} (32 or 64), rounded per
     * {@code rc}; NaN and out-of-range give the integer indefinite (the sign bit alone) and IE.
     */
    static long toInt(int f, long a, int bits, int rc, Env e) {
        a = in(f, a, e); // DAZ applies (found by the differential test)
        long indefinite = bits == 32 ? 0x8000_0000L : Long.MIN_VALUE;
        if (isNaN(f, a) || isInf(f, a)) {
            e.flags |= IE;
            return indefinite;
        }
        if (isZero(f, a)) {
            return 0;
        }
        boolean n = neg(f, a);
        long m = significand(f, a);
        int ex = exponent(f, a);
        long q;
        boolean inexact = false;
        if (ex >= 0) {
            if (bitLength(m) + ex > 64) {
                e.flags |= IE;
                return indefinite;
            }
            q = m << ex;
        } else {
            int drop = -ex;
            q = roundShift(m, drop, rc, n);
            inexact = inexactShift(m, drop);
        }
        // q is a magnitude below 2^64 (unsigned); check the signed range of the destination.
        long limit = bits == 32 ? 1L << 31 : Long.MIN_VALUE; // 2^31 or 2^63 (unsigned)
        if (n ? Long.compareUnsigned(q, limit) > 0 : Long.compareUnsigned(q, limit) >= 0) {
            e.flags |= IE;
            return indefinite;
        }
        if (inexact) {
            e.flags |= PE;
        }
        long r = n ? -q : q;
        return bits == 32 ? r & 0xFFFF_FFFFL : r;
    }

    /**
     * The non-zero significand {@code m} shifted right by {@code drop} (>= 1) bits, rounded by
     * {@code rc} for a value of sign {@code n}: the integer part of a value below 2^64.
     */
    private static long roundShift(long m, int drop, int rc, boolean n) {
        if (drop >= 63) {
            return (rc == RU && !n) || (rc == RD && n) ? 1 : 0; // a non-zero fraction of one
        }
        long q = m >>> drop;
        long rest = m & ((1L << drop) - 1);
        long half = 1L << (drop - 1);
        boolean up = switch (rc) {
            case RN -> rest > half || (rest == half && (q & 1) != 0);
            case RU -> rest != 0 && !n;
            case RD -> rest != 0 && n;
            default -> false;
        };
        return up ? q + 1 : q;
    }

    /** Whether shifting the non-zero significand {@code m} right by {@code drop} bits loses any. */
    private static boolean inexactShift(long m, int drop) {
        return drop >= 63 || (m & ((1L << drop) - 1)) != 0;
    }

    /** ROUNDSS/SD/PS/PD: to an integral value in the same format. */
    static long roundInt(int f, long a, int rc, boolean suppressPe, Env e) {
        a = in(f, a, e);
        if (isNaN(f, a)) {
            if (isSNaN(f, a)) {
                e.flags |= IE;
            }
            return quiet(f, a);
        }
        if (isInf(f, a) || isZero(f, a)) {
            return a;
        }
        int ex = exponent(f, a);
        if (ex >= 0) {
            return a; // already integral
        }
        boolean n = neg(f, a);
        long m = significand(f, a);
        int drop = -ex;
        long q;
        boolean inexact;
        q = roundShift(m, drop, rc, n);
        inexact = inexactShift(m, drop);
        if (inexact && !suppressPe) {
            e.flags |= PE;
        }
        long sign = a & SIGN[f];
        if (q == 0) {
            return sign;
        }
        long bitsOut = f == S ? Float.floatToRawIntBits((float) q) & 0xFFFF_FFFFL : Double.doubleToRawLongBits(q);
        return bitsOut | sign;
    }

    /** RCPSS/RCPPS: 1/x correctly rounded to single (error 0.5 ulp, within the SDM's 1.5 * 2^-12). */
    static long rcp(long a) {
        if (isNaN(S, a)) {
            return quiet(S, a);
        }
        long sign = a & SIGN[S];
        if (isZero(S, a) || isDenormal(S, a)) {
            return sign | INF[S];
        }
        if (isInf(S, a)) {
            return sign;
        }
        float r = 1.0f / Float.intBitsToFloat((int) a);
        if (Math.abs(r) < Float.MIN_NORMAL) {
            return sign; // tiny results are flushed to zero
        }
        return Float.floatToRawIntBits(r) & 0xFFFF_FFFFL;
    }

    /** RSQRTSS/RSQRTPS: 1/sqrt(x) correctly rounded to single. */
    static long rsqrt(long a) {
        if (isNaN(S, a)) {
            return quiet(S, a);
        }
        long sign = a & SIGN[S];
        if (isZero(S, a) || isDenormal(S, a)) {
            return sign | INF[S];
        }
        if (neg(S, a)) {
            return DEFAULT_NAN[S];
        }
        if (isInf(S, a)) {
            return 0;
        }
        double x = Float.intBitsToFloat((int) a);
        // 1/sqrt in double, then to float: close enough to correctly rounded for an approximation.
        float r = (float) (1.0 / Math.sqrt(x));
        return Float.floatToRawIntBits(r) & 0xFFFF_FFFFL;
    }

    // ------------------------------------------------------------------ exact path

    /** The integer significand of a finite value (implicit bit included). */
    static long significand(int f, long v) {
        long frac = v & FRAC[f];
        return (v & EXP[f]) == 0 ? frac : frac | (FRAC[f] + 1);
    }

    /** The exponent of the significand's last bit: the value is significand * 2^exponent. */
    static int exponent(int f, long v) {
        int be = (int) ((v & EXP[f]) >>> (P[f] - 1));
        return (be == 0 ? 1 : be) - BIAS[f] - (P[f] - 1);
    }

    private static int bitLength(long v) {
        return 64 - Long.numberOfLeadingZeros(v);
    }

    /**
     * Rounds sign * m * 2^e (plus a non-zero amount below 2^e when {@code sticky}) to the format
     * per the environment: tininess after rounding, FTZ, overflow per rounding direction, and the
     * PE/UE/OE flags. m is positive; when {@code sticky} it has at least p + 2 bits.
     */
    static long round(int f, boolean neg, BigInteger m, int e, boolean sticky, Env env) {
        int p = P[f];
        int emin = 1 - BIAS[f], emax = BIAS[f];
        long sign = neg ? SIGN[f] : 0;
        int n = m.bitLength();
        int lead = e + n - 1;
        BigInteger q;
        boolean inexact;
        if (n > p) {
            int drop = n - p;
            q = m.shiftRight(drop);
            int up = roundUp(m, drop, q, sticky, env.rc, neg);
            inexact = up >= 0;
            if (up == 1) {
                q = q.add(BigInteger.ONE);
                if (q.bitLength() > p) {
                    q = q.shiftRight(1);
                    lead++;
                }
            }
        } else {
            q = m.shiftLeft(p - n);
            inexact = sticky;
        }
        if (lead > emax) {
            env.flags |= OE | PE;
            boolean toInf = switch (env.rc) {
                case RN -> true;
                case RU -> !neg;
                case RD -> neg;
                default -> false;
            };
            return sign | (toInf ? INF[f] : MAX[f]);
        }
        if (lead < emin) {
            if (env.ftz && env.masked(UE)) {
                env.flags |= UE | PE;
                return sign;
            }
            int sdrop = (emin - p + 1) - e;
            BigInteger sq;
            boolean sinexact;
            if (sdrop > 0) {
                sq = m.shiftRight(sdrop);
                int up = roundUp(m, sdrop, sq, sticky, env.rc, neg);
                sinexact = up >= 0;
                if (up == 1) {
                    sq = sq.add(BigInteger.ONE);
                }
            } else {
                sq = m.shiftLeft(-sdrop);
                sinexact = sticky;
            }
            if (sinexact) {
                env.flags |= UE | PE;
            } else if (!env.masked(UE)) {
                env.flags |= UE;
            }
            return sign | sq.longValue(); // 2^(p-1) reads as the smallest normal, as it should
        }
        if (inexact) {
            env.flags |= PE;
        }
        return sign | ((long) (lead + BIAS[f]) << (p - 1)) | (q.longValue() & FRAC[f]);
    }

    /** -1: exact; 0: inexact, truncate; 1: inexact, round the magnitude up. */
    private static int roundUp(BigInteger m, int drop, BigInteger q, boolean sticky, int rc, boolean neg) {
        BigInteger rest = m.subtract(q.shiftLeft(drop));
        boolean inexact = rest.signum() != 0 || sticky;
        if (!inexact) {
            return -1;
        }
        boolean up = switch (rc) {
            case RN -> {
                int c = rest.compareTo(BigInteger.ONE.shiftLeft(drop - 1));
                yield c > 0 || (c == 0 && (sticky || q.testBit(0)));
            }
            case RU -> !neg;
            case RD -> neg;
            default -> false;
        };
        return up ? 1 : 0;
    }
}
