package dev.jvmm.tcg;

import static dev.jvmm.tcg.Ext80.DE;
import static dev.jvmm.tcg.Ext80.IE;
import static dev.jvmm.tcg.Ext80.INDEFINITE;
import static dev.jvmm.tcg.Ext80.PE;
import static dev.jvmm.tcg.Ext80.ZE;

import java.math.BigInteger;

/**
 * The x87 constants (FLD1, FLDL2T, FLDL2E, FLDPI, FLDLG2, FLDLN2, FLDZ) and transcendental
 * instructions (FSIN, FCOS, FSINCOS, FPTAN, FPATAN, F2XM1, FYL2X, FYL2XP1).
 *
 * <p>The constants are computed to 256 bits at class initialization and rounded by the rounding
 * control as the hardware does (without raising PE), so they are bit-exact.
 *
 * <p><b>Accuracy limit:</b> the transcendental functions are NOT bit-exact with hardware. They are
 * evaluated in Java double precision ({@link StrictMath}) after an exact argument reduction: sine,
 * cosine and tangent reduce modulo pi/2 with a 256-bit pi (so large arguments keep their accuracy;
 * the hardware reduces with a 66-bit pi and differs from the true value there); logarithms split
 * off the binary exponent exactly; FPATAN scales both operands by the same power of two. Results
 * are thus within about one unit in the last place of a double (a relative error near 2^-53), not
 * the 64-bit significand's ulp the hardware achieves. Special operands (zeros, infinities, NaNs,
 * out-of-range arguments with C2 set, exact cases like log2 of a power of two) follow the SDM
 * tables exactly. PE is raised for inexact results; C1 (round-up) is 0 for results computed in
 * double precision (their rounding direction is not known). Checked against the host's x87 by
 * X87OracleTest: identical status words and special results, finite results within 2^-50 beyond
 * the host's own argument-reduction error.
 */
final class X87Trans {
    private X87Trans() {}

    private static final int FRAC = 256;
    private static final double LN2_D = 0.6931471805599453;
    private static final BigInteger ONE = BigInteger.ONE.shiftLeft(FRAC);
    static final BigInteger PI, LN2, LN10, L2E, L2T, LG2;

    static {
        PI = atanInv(5).shiftLeft(4).subtract(atanInv(239).shiftLeft(2));
        LN2 = atanhInv(3).shiftLeft(1);
        LN10 = LN2.multiply(BigInteger.valueOf(3)).add(atanhInv(9).shiftLeft(1));
        L2E = ONE.shiftLeft(FRAC).divide(LN2);
        L2T = LN10.shiftLeft(FRAC).divide(LN2);
        LG2 = LN2.shiftLeft(FRAC).divide(LN10);
    }

    /** atan(1/n) in fixed point with FRAC fraction bits (plus guard bits internally). */
    private static BigInteger atanInv(int n) {
        int guard = 16;
        BigInteger one = BigInteger.ONE.shiftLeft(FRAC + guard);
        BigInteger n2 = BigInteger.valueOf((long) n * n);
        BigInteger term = one.divide(BigInteger.valueOf(n));
        BigInteger sum = BigInteger.ZERO;
        for (int k = 0; term.signum() != 0; k++) {
            BigInteger t = term.divide(BigInteger.valueOf(2L * k + 1));
            sum = (k & 1) == 0 ? sum.add(t) : sum.subtract(t);
            term = term.divide(n2);
        }
        return sum.shiftRight(guard);
    }

    /** atanh(1/n) in fixed point. */
    private static BigInteger atanhInv(int n) {
        int guard = 16;
        BigInteger one = BigInteger.ONE.shiftLeft(FRAC + guard);
        BigInteger n2 = BigInteger.valueOf((long) n * n);
        BigInteger term = one.divide(BigInteger.valueOf(n));
        BigInteger sum = BigInteger.ZERO;
        for (int k = 0; term.signum() != 0; k++) {
            sum = sum.add(term.divide(BigInteger.valueOf(2L * k + 1)));
            term = term.divide(n2);
        }
        return sum.shiftRight(guard);
    }

    /** A positive fixed-point value n * 2^-FRAC rounded to extended precision by {@code rc}. */
    static Ext80 fromFixed(BigInteger n, int rc, boolean neg) {
        if (n.signum() == 0) {
            return Ext80.zero(neg);
        }
        int len = n.bitLength();
        int shift = len - 128;
        BigInteger top = shift >= 0 ? n.shiftRight(shift) : n.shiftLeft(-shift);
        boolean sticky = shift > 0 && n.getLowestSetBit() < shift;
        long hi = top.shiftRight(64).longValue();
        long lo = top.longValue() | (sticky ? 1 : 0);
        Fpu tmp = new Fpu();
        tmp.fcw = 0x37F | (rc << 10);
        return Ext80.round(tmp, neg, len - 1 - FRAC, hi, lo, 64, Ext80.EMIN, Ext80.EMAX, 64, true);
    }

    /** The constant loaded by D9 E8+i (i = 0..6), rounded by the rounding control. */
    static Ext80 constant(int i, int rc) {
        return switch (i) {
            case 0 -> Ext80.ONE;
            case 1 -> fromFixed(L2T, rc, false);
            case 2 -> fromFixed(L2E, rc, false);
            case 3 -> fromFixed(PI, rc, false);
            case 4 -> fromFixed(LG2, rc, false);
            case 5 -> fromFixed(LN2, rc, false);
            default -> Ext80.ZERO;
        };
    }

    // =====================================================================================
    // Helpers
    // =====================================================================================

    private static boolean isSpecial(Ext80 a) {
        return a.cls() >= Ext80.QNAN;
    }

    /** An inexact result from a double (its rounding direction is unknown: C1 = 0). */
    private static Ext80 inexact(Fpu f, double d) {
        f.exc |= PE;
        f.up = false;
        return Ext80.ofJavaDouble(d);
    }

    /**
     * PE for a result computed from a rounded irrational constant, which may look exact; UE too
     * when the result is tiny (the true value is never exact).
     */
    private static Ext80 inexactTiny(Fpu f, Ext80 r) {
        f.exc |= PE;
        if (r.cls() == Ext80.DENORMAL || r.cls() == Ext80.ZERO_C) {
            f.exc |= Ext80.UE;
        }
        return r;
    }

    private static void flagDenormal(Fpu f, Ext80 a) {
        if (a.cls() == Ext80.DENORMAL) {
            f.exc |= DE;
        }
    }

    /** The value scaled by 2^-k as a double (k chosen by the caller to keep it in range). */
    private static double scaled(Ext80 a, int k) {
        if (a.cls() == Ext80.ZERO_C) {
            return a.neg() ? -0.0 : 0.0;
        }
        int e = a.normExp() - k;
        long bits = a.normSig(); // rounded to 53 bits, to nearest even
        long r = bits >>> 11;
        long rest = bits & 0x7FF;
        if (rest > 0x400 || (rest == 0x400 && (r & 1) != 0)) {
            r++;
        }
        double m = (double) r * 0x1p-52;
        double v = Math.scalb(m, e);
        return a.neg() ? -v : v;
    }

    // =====================================================================================
    // Sine, cosine, tangent
    // =====================================================================================

    /** |a| reduced modulo pi/2: {r as double, quadrant}; a finite with exponent below 63. */
    private static double reduce(Ext80 a, int[] quadrant) {
        int e = a.normExp();
        if (e < -1) { // |a| < 1/2 < pi/4: no reduction
            quadrant[0] = 0;
            return Math.abs(scaled(a, 0));
        }
        long m = a.normSig();
        BigInteger x = BigInteger.valueOf(m >>> 1).shiftLeft(1).or(BigInteger.valueOf(m & 1));
        x = x.shiftLeft(FRAC + e - 63);
        BigInteger pio2 = PI.shiftRight(1);
        BigInteger k = x.add(pio2.shiftRight(1)).divide(pio2);
        BigInteger r = x.subtract(k.multiply(pio2));
        quadrant[0] = k.intValue() & 3;
        return Math.scalb(r.doubleValue(), -FRAC);
    }

    /** FSIN (sin=true) and FCOS. */
    static void fsinCos(Fpu f, boolean sin) {
        if (f.isEmpty(0)) {
            stackUnderflow(f);
            finishWrite(f, 0, INDEFINITE, false);
            return;
        }
        Ext80 a = f.st(0);
        Ext80 r;
        int c = a.cls();
        if (isSpecial(a)) {
            r = Ext80.nanResult(f, a);
        } else if (c == Ext80.INFINITY) {
            f.exc |= IE;
            r = INDEFINITE;
        } else if (c == Ext80.ZERO_C) {
            r = sin ? a : Ext80.ONE;
        } else if (a.normExp() >= 63) {
            outOfRange(f);
            return;
        } else {
            flagDenormal(f, a);
            r = sinCos(f, a, sin);
        }
        finishWrite(f, 0, r, false);
    }

    private static Ext80 sinCos(Fpu f, Ext80 a, boolean sin) {
        if (a.normExp() < -33) { // sin x = x and cos x = 1 to within a quarter ulp
            return tiny(f, a, sin ? SIN : COS);
        }
        int[] q = new int[1];
        double r = reduce(a, q);
        double v;
        if (sin) {
            v = switch (q[0]) {
                case 0 -> StrictMath.sin(r);
                case 1 -> StrictMath.cos(r);
                case 2 -> -StrictMath.sin(r);
                default -> -StrictMath.cos(r);
            };
            if (a.neg()) {
                v = -v;
            }
        } else {
            v = switch (q[0]) {
                case 0 -> StrictMath.cos(r);
                case 1 -> -StrictMath.sin(r);
                case 2 -> -StrictMath.cos(r);
                default -> StrictMath.sin(r);
            };
        }
        return inexact(f, v);
    }

    /** FSINCOS: ST(0) = cos after ST(1) = sin. */
    static void fsincos(Fpu f) {
        twoResults(f, true);
    }

    /** FPTAN: ST(0) = tan, then push 1.0. */
    static void fptan(Fpu f) {
        twoResults(f, false);
    }

    private static void twoResults(Fpu f, boolean sincos) {
        Ext80 first, second;
        if (f.isEmpty(0)) {
            stackUnderflow(f);
            first = second = INDEFINITE;
        } else if (!f.isEmpty(7)) {
            f.exc |= IE | Fpu.SW_SF;
            f.up = true;
            first = second = INDEFINITE;
        } else {
            Ext80 a = f.st(0);
            int c = a.cls();
            if (isSpecial(a)) {
                first = second = Ext80.nanResult(f, a);
            } else if (c == Ext80.INFINITY) {
                f.exc |= IE;
                first = second = INDEFINITE;
            } else if (c == Ext80.ZERO_C) {
                first = a;
                second = Ext80.ONE; // sin 0 = tan 0 = 0 (signed), cos 0 = 1
            } else if (a.normExp() >= 63) {
                outOfRange(f);
                return;
            } else {
                flagDenormal(f, a);
                if (sincos) {
                    first = sinCos(f, a, true);
                    second = sinCos(f, a, false);
                } else {
                    first = tan(f, a);
                    second = Ext80.ONE;
                }
            }
        }
        if (!aborted(f)) {
            f.setSt(0, first);
            f.push(second);
        }
        finish(f);
    }

    private static Ext80 tan(Fpu f, Ext80 a) {
        if (a.normExp() < -33) {
            return tiny(f, a, TAN);
        }
        int[] q = new int[1];
        double r = reduce(a, q);
        double v = (q[0] & 1) == 0 ? StrictMath.tan(r) : -1 / StrictMath.tan(r);
        return inexact(f, a.neg() ? -v : v);
    }

    /**
     * sin x, tan x and cos x of a tiny argument (|x| < 2^-33): x slightly reduced in magnitude
     * (sin), x slightly increased (tan), 1 slightly reduced (cos), rounded by the rounding control,
     * so that directed rounding, PE, UE and C1 come out right.
     */
    private static Ext80 tiny(Fpu f, Ext80 a, int kind) {
        if (kind == COS) {
            return Ext80.roundReg(f, false, 0, Ext80.J - 1, -1L, 64);
        }
        long m = a.normSig();
        return kind == SIN ? Ext80.roundReg(f, a.neg(), a.normExp(), m - 1, -1L, 64)
            : Ext80.roundReg(f, a.neg(), a.normExp(), m, 1, 64);
    }

    private static final int SIN = 0, COS = 1, TAN = 2;

    private static void outOfRange(Fpu f) {
        f.fsw |= f.exc & 0x7F;
        f.setCc(Fpu.SW_C2);
    }

    // =====================================================================================
    // F2XM1, FYL2X, FYL2XP1, FPATAN
    // =====================================================================================

    static Ext80 f2xm1(Fpu f, Ext80 a) {
        int c = a.cls();
        if (isSpecial(a)) {
            return Ext80.nanResult(f, a);
        }
        if (c == Ext80.ZERO_C) {
            return a;
        }
        if (c == Ext80.INFINITY) {
            return a.neg() ? Ext80.ONE.negate() : a;
        }
        flagDenormal(f, a);
        if (a.normExp() >= 0 && !(a.normExp() == 0 && a.normSig() == Ext80.J)) {
            return a; // |x| > 1 is outside the domain (undefined); the AMD host leaves the operand unchanged
        }
        if (a.normExp() < -60) { // 2^x - 1 = x ln 2 to within far less than an ulp
            return inexactTiny(f, Ext80.mul(f, a, fromFixed(LN2, Ext80.RC_NEAREST, false), 64));
        }
        double x = scaled(a, 0);
        return inexact(f, StrictMath.expm1(x * 0.6931471805599453));
    }

    /** FYL2X (ST(1) = ST(1) * log2(ST(0)), pop) and FYL2XP1 (log2(ST(0) + 1)). */
    static void fyl2x(Fpu f, boolean plus1) {
        if (f.isEmpty(0) || f.isEmpty(1)) {
            stackUnderflow(f);
            finishWrite(f, 1, INDEFINITE, true);
            return;
        }
        Ext80 x = f.st(0), y = f.st(1);
        finishWrite(f, 1, plus1 ? yl2xp1(f, x, y) : yl2x(f, x, y), true);
    }

    private static Ext80 yl2x(Fpu f, Ext80 x, Ext80 y) {
        if (isSpecial(x) || isSpecial(y)) {
            return Ext80.nanResult(f, x, y);
        }
        int cx = x.cls(), cy = y.cls();
        if (x.neg() && cx != Ext80.ZERO_C) {
            f.exc |= IE;
            return INDEFINITE;
        }
        Ext80 log;
        boolean exact = false;
        if (cx == Ext80.ZERO_C) { // log2(0) = -inf: ZE (no DE), or IE for 0 * inf
            if (cy == Ext80.ZERO_C) {
                f.exc |= IE;
                return INDEFINITE;
            }
            if (cy != Ext80.INFINITY) {
                f.exc |= ZE;
            }
            return Ext80.inf(!y.neg());
        }
        flagDenormal(f, x);
        flagDenormal(f, y);
        if (cx == Ext80.INFINITY) {
            log = Ext80.INF;
            exact = true;
        } else {
            int e = x.normExp();
            long m = x.normSig();
            if (m == Ext80.J) {
                log = Ext80.fromLong(e);
                exact = true;
            } else if (e == 0 || e == -1) { // x in [1/2, 2): log1p of the exact x - 1, no cancellation
                Fpu tmp = new Fpu();
                Ext80 d = Ext80.addSub(tmp, new Ext80(x.se, m), Ext80.ONE, true, 64);
                log = Ext80.ofJavaDouble(StrictMath.log1p(scaled(d, 0)) / LN2_D);
            } else {
                double l2 = StrictMath.log(scaled(new Ext80(Ext80.BIAS, m), 0)) / LN2_D;
                log = Ext80.ofJavaDouble(e + l2);
            }
        }
        Ext80 r = Ext80.mul(f, y, log, 64);
        return exact || cy == Ext80.ZERO_C ? r : inexactTiny(f, r);
    }

    private static Ext80 yl2xp1(Fpu f, Ext80 x, Ext80 y) {
        if (isSpecial(x) || isSpecial(y)) {
            return Ext80.nanResult(f, x, y);
        }
        int cx = x.cls();
        if (cx == Ext80.INFINITY && x.neg()) {
            f.exc |= IE;
            return INDEFINITE;
        }
        flagDenormal(f, x);
        flagDenormal(f, y);
        if (cx == Ext80.ZERO_C) {
            if (y.cls() == Ext80.INFINITY) {
                f.exc |= IE;
                return INDEFINITE;
            }
            return Ext80.mul(f, y, x, 64);
        }
        if (cx == Ext80.INFINITY) {
            if (x.neg()) {
                f.exc |= IE;
                return INDEFINITE;
            }
            return Ext80.mul(f, y, Ext80.INF, 64);
        }
        Ext80 log;
        if (x.normExp() < -60) { // y * x * log2(e), x scaled into [1, 2) so nothing intermediate underflows
            Fpu tmp = new Fpu();
            tmp.fcw = 0x37F;
            Ext80 xs = new Ext80((x.se & 0x8000) | Ext80.BIAS, x.normSig());
            Ext80 l = Ext80.mul(tmp, xs, fromFixed(L2E, Ext80.RC_NEAREST, false), 64);
            Ext80 r = Ext80.mulScaled(f, y, l, x.normExp(), 64);
            return y.cls() == Ext80.ZERO_C ? r : inexactTiny(f, r);
        } else {
            double xd = scaled(x, 0);
            if (xd < -1) {
                f.exc |= IE;
                return INDEFINITE;
            }
            if (xd == -1) {
                f.exc |= ZE;
                return Ext80.inf(!y.neg());
            }
            log = Ext80.ofJavaDouble(StrictMath.log1p(xd) / 0.6931471805599453);
        }
        Ext80 r = Ext80.mul(f, y, log, 64);
        return y.cls() == Ext80.ZERO_C ? r : inexactTiny(f, r);
    }

    /** FPATAN: ST(1) = atan2(ST(1), ST(0)), pop. */
    static void fpatan(Fpu f) {
        if (f.isEmpty(0) || f.isEmpty(1)) {
            stackUnderflow(f);
            finishWrite(f, 1, INDEFINITE, true);
            return;
        }
        Ext80 x = f.st(0), y = f.st(1);
        finishWrite(f, 1, atan2(f, y, x), true);
    }

    private static Ext80 atan2(Fpu f, Ext80 y, Ext80 x) {
        if (isSpecial(x) || isSpecial(y)) {
            return Ext80.nanResult(f, y, x);
        }
        flagDenormal(f, x);
        flagDenormal(f, y);
        int cx = x.cls(), cy = y.cls();
        boolean special = cx == Ext80.ZERO_C || cy == Ext80.ZERO_C || cx == Ext80.INFINITY || cy == Ext80.INFINITY;
        if (special) {
            double xd = cx == Ext80.INFINITY ? (x.neg() ? -1 : 1) * Double.POSITIVE_INFINITY
                : cx == Ext80.ZERO_C ? (x.neg() ? -0.0 : 0.0) : (x.neg() ? -1.0 : 1.0);
            double yd = cy == Ext80.INFINITY ? (y.neg() ? -1 : 1) * Double.POSITIVE_INFINITY
                : cy == Ext80.ZERO_C ? (y.neg() ? -0.0 : 0.0) : (y.neg() ? -1.0 : 1.0);
            double v = Math.atan2(yd, xd);
            long k = Math.round(Math.abs(v) / (Math.PI / 4));
            if (k == 0) {
                return Ext80.zero(v < 0 || (v == 0 && 1 / v < 0));
            }
            f.exc |= PE;
            return fromFixed(PI.multiply(BigInteger.valueOf(k)).shiftRight(2), Ext80.rc(f), v < 0);
        }
        int ex = x.normExp(), ey = y.normExp();
        if (ey - ex < -60 && !x.neg()) { // atan(y/x) = y/x to within far less than an ulp
            return inexactTiny(f, Ext80.div(f, y, x, 64));
        }
        int k = Math.max(ex, ey);
        double v = Math.atan2(scaled(y, k), scaled(x, k));
        return inexact(f, v);
    }

    // =====================================================================================
    // Commit (mirrors X87's rules)
    // =====================================================================================

    private static void stackUnderflow(Fpu f) {
        f.exc |= IE | Fpu.SW_SF;
        f.up = false;
    }

    private static boolean aborted(Fpu f) {
        return (f.exc & ~f.fcw & (IE | DE | ZE)) != 0;
    }

    private static void finish(Fpu f) {
        f.fsw |= f.exc & 0x7F;
        f.fsw &= ~(Fpu.SW_C1 | Fpu.SW_C2);
        if (f.up) {
            f.fsw |= Fpu.SW_C1;
        }
    }

    private static void finishWrite(Fpu f, int dst, Ext80 r, boolean pop) {
        if (!aborted(f)) {
            f.setSt(dst, r);
            if (pop) {
                f.pop();
            }
        }
        finish(f);
    }
}
