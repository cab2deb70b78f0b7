package dev.jvmm.tcg;

import java.math.BigInteger;

/**
 * An x87 80-bit double extended precision value (sign, 15-bit biased exponent, 64-bit significand
 * with an explicit integer bit) and the software arithmetic on it.
 *
 * <p>Every operation takes the {@link Fpu} whose control word supplies the precision control (24,
 * 53 or 64 bits), the rounding control and the exception masks, and into which the operation ORs
 * the exceptions it raised ({@link Fpu#exc}) and whether its rounding increased the magnitude
 * ({@link Fpu#up}, which the x87 reports in C1). Results are the exactly rounded ones (IEEE 754 with
 * the x87's precision control, tininess detected after rounding), with the x87's masked responses:
 * the QNaN "real indefinite" for invalid operations, NaN propagation by the larger significand,
 * infinities or the largest finite value on overflow by rounding mode, denormals on underflow;
 * with overflow or underflow unmasked, results for the register stack are bias-adjusted by 2^24576
 * (Intel SDM vol. 1, 4.8, 4.9 and 8.5).
 *
 * <p>Operations that the hardware aborts on an unmasked invalid, denormal or divide-by-zero
 * exception still return the masked response here; the caller drops it (see {@link X87}).
 *
 * <p>Details the SDM leaves open follow the behaviour of real hardware (an AMD x87, checked
 * instruction by instruction by X87OracleTest): under 24/53-bit precision control denormal results
 * are rounded at 2^(-16382-(p-1)), not at the 64-bit format's last bit; an operand that is a NaN
 * or unsupported takes precedence over DE; x/0 and infinity/x raise neither DE nor ZE for the
 * other operand; integer and BCD stores raise no DE; FPREM/FPREM1 reduce the exponent difference
 * to a multiple of 32 per partial step; an unmasked O/U that stays out of range after the 2^24576
 * bias adjustment (FSCALE) gives a signed infinity or zero.
 */
final class Ext80 {
    /** Sign (bit 15) and biased exponent (bits 0-14). */
    final int se;
    /** The significand; bit 63 is the explicit integer bit J. */
    final long sig;

    Ext80(int se, long sig) {
        this.se = se & 0xFFFF;
        this.sig = sig;
    }

    static final int BIAS = 16383, EMIN = -16382, EMAX = 16383, BIAS_ADJUST = 24576;
    static final long J = 1L << 63, QUIET = 1L << 62;

    /** Exception flags, as in the status word and the control word's masks. */
    static final int IE = 1, DE = 2, ZE = 4, OE = 8, UE = 0x10, PE = 0x20;
    /** Rounding control. */
    static final int RC_NEAREST = 0, RC_DOWN = 1, RC_UP = 2, RC_ZERO = 3;

    static final Ext80 ZERO = new Ext80(0, 0), NEG_ZERO = new Ext80(0x8000, 0), ONE = new Ext80(0x3FFF, J),
        INF = new Ext80(0x7FFF, J), NEG_INF = new Ext80(0xFFFF, J),
        INDEFINITE = new Ext80(0xFFFF, 0xC000_0000_0000_0000L);

    // ---- classification ----

    static final int ZERO_C = 0, DENORMAL = 1, NORMAL = 2, INFINITY = 3, QNAN = 4, SNAN = 5, UNSUPPORTED = 6;

    boolean neg() {
        return (se & 0x8000) != 0;
    }

    int biasedExp() {
        return se & 0x7FFF;
    }

    /**
     * The class of the encoding. Exponent 0 with J set is a pseudo-denormal, treated as a denormal;
     * J clear with a non-zero exponent (unnormals, pseudo-infinities, pseudo-NaNs) is unsupported.
     */
    int cls() {
        int e = se & 0x7FFF;
        if (e == 0) {
            return sig == 0 ? ZERO_C : DENORMAL;
        }
        if (sig >= 0) {
            return UNSUPPORTED;
        }
        if (e == 0x7FFF) {
            if ((sig << 1) == 0) {
                return INFINITY;
            }
            return (sig & QUIET) != 0 ? QNAN : SNAN;
        }
        return NORMAL;
    }

    boolean isNaN() {
        int c = cls();
        return c == QNAN || c == SNAN;
    }

    /** Unbiased exponent of a finite non-zero value with its significand normalized. */
    int normExp() {
        int e = se & 0x7FFF;
        if (e == 0) {
            return EMIN - Long.numberOfLeadingZeros(sig);
        }
        return e - BIAS;
    }

    /** The significand of a finite non-zero value shifted so that J is set. */
    long normSig() {
        return (se & 0x7FFF) == 0 ? sig << Long.numberOfLeadingZeros(sig) : sig;
    }

    Ext80 negate() {
        return new Ext80(se ^ 0x8000, sig);
    }

    Ext80 abs() {
        return new Ext80(se & 0x7FFF, sig);
    }

    Ext80 quiet() {
        return new Ext80(se, sig | QUIET);
    }

    static Ext80 zero(boolean neg) {
        return neg ? NEG_ZERO : ZERO;
    }

    static Ext80 inf(boolean neg) {
        return neg ? NEG_INF : INF;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ext80 x && x.se == se && x.sig == sig;
    }

    @Override
    public int hashCode() {
        return se * 31 + Long.hashCode(sig);
    }

    @Override
    public String toString() {
        return String.format("%04X:%016X", se, sig);
    }

    // =====================================================================================
    // Rounding
    // =====================================================================================

    /** A value rounded to a multiple of a power of two: sig (J set, or 0 for zero) * 2^(e-63). */
    private static final class Rounded {
        int e;
        long sig;
        boolean inexact, inc;
    }

    static int rc(Fpu f) {
        return (f.fcw >> 10) & 3;
    }

    /** The precision control as a number of significand bits (the reserved setting 01 acts as 64). */
    static int pc(Fpu f) {
        return switch ((f.fcw >> 8) & 3) {
            case 0 -> 24;
            case 2 -> 53;
            default -> 64;
        };
    }

    /**
     * Rounds the non-zero value hi:lo * 2^(e-127) (hi's bit 63 set; bit 0 of lo may be a sticky
     * bit) to a multiple of 2^lsb.
     */
    private static Rounded roundAt(boolean neg, int e, long hi, long lo, int lsb, int rc) {
        int keep = e - lsb + 1;
        long kept;
        boolean rbit, sticky, odd;
        if (keep >= 64) {
            kept = hi;
            rbit = lo < 0;
            sticky = (lo << 1) != 0;
            odd = (hi & 1) != 0;
        } else if (keep >= 1) {
            long m = -1L << (64 - keep);
            kept = hi & m;
            long rmask = 1L << (63 - keep);
            rbit = (hi & rmask) != 0;
            sticky = (hi & (rmask - 1)) != 0 || lo != 0;
            odd = (hi & (1L << (64 - keep))) != 0;
        } else if (keep == 0) {
            kept = 0;
            rbit = hi < 0;
            sticky = (hi << 1) != 0 || lo != 0;
            odd = false;
        } else {
            kept = 0;
            rbit = false;
            sticky = true;
            odd = false;
        }
        Rounded r = new Rounded();
        r.inexact = rbit || sticky;
        r.inc = switch (rc) {
            case RC_NEAREST -> rbit && (sticky || odd);
            case RC_DOWN -> neg && r.inexact;
            case RC_UP -> !neg && r.inexact;
            default -> false;
        };
        r.e = e;
        if (r.inc) {
            if (keep >= 1) {
                kept += keep >= 64 ? 1 : 1L << (64 - keep);
                if (kept == 0) {
                    kept = J;
                    r.e = e + 1;
                }
            } else {
                kept = J;
                r.e = lsb;
            }
        }
        r.sig = kept;
        return r;
    }

    /** Packs sig (J set, or 0) * 2^(e-63) into the extended format; e may be below EMIN only for denormals. */
    private static Ext80 pack(boolean neg, int e, long sig) {
        int s = neg ? 0x8000 : 0;
        if (sig == 0) {
            return new Ext80(s, 0);
        }
        int b = e + BIAS;
        if (b >= 1) {
            return new Ext80(s | b, sig);
        }
        return new Ext80(s, sig >>> (1 - b));
    }

    /**
     * Rounds the exact non-zero value hi:lo * 2^(e-127) (lo's bit 0 may be a sticky bit) to
     * {@code p} significand bits in a format with normal exponents emin..emax and {@code pf} bits
     * of full precision (for denormals); raises PE, UE, OE and sets {@link Fpu#up}. With
     * {@code toReg}, unmasked overflow and underflow bias-adjust the exponent as for the register
     * stack; otherwise the result of an unmasked overflow/underflow is meaningless (the store is
     * suppressed by the caller).
     */
    static Ext80 round(Fpu f, boolean neg, int e, long hi, long lo, int p, int emin, int emax, int pf,
                       boolean toReg) {
        if (hi == 0) {
            hi = lo;
            lo = 0;
            e -= 64;
        }
        int lz = Long.numberOfLeadingZeros(hi);
        if (lz > 0) {
            hi = (hi << lz) | (lo >>> (64 - lz));
            lo <<= lz;
            e -= lz;
        }
        int rc = rc(f);
        f.up = false;
        if (e < emin) {
            Rounded t = roundAt(neg, e, hi, lo, e - p + 1, rc);
            if (t.e < emin) { // tiny after rounding with an unbounded exponent
                if ((f.fcw & UE) == 0) {
                    if (!toReg) { // a store to memory is suppressed: UE alone
                        f.exc |= UE;
                        return zero(neg);
                    }
                    f.exc |= UE | (t.inexact ? PE : 0);
                    f.up = t.inc;
                    if (t.e + BIAS_ADJUST < emin) { // massive underflow (FSCALE): a signed zero
                        f.exc |= PE;
                        f.up = false;
                        return zero(neg);
                    }
                    return pack(neg, t.e + BIAS_ADJUST, t.sig);
                }
                Rounded r = roundAt(neg, e, hi, lo, emin - pf + 1, rc);
                if (r.inexact) {
                    f.exc |= UE | PE;
                }
                f.up = r.inc;
                return pack(neg, r.e, r.sig);
            }
        }
        Rounded r = roundAt(neg, e, hi, lo, e - p + 1, rc);
        if (r.e > emax) {
            if ((f.fcw & OE) != 0) {
                f.exc |= OE | PE;
                boolean toInf = rc == RC_NEAREST || (rc == RC_UP && !neg) || (rc == RC_DOWN && neg);
                f.up = toInf;
                return toInf ? inf(neg) : pack(neg, emax, -1L << (64 - p));
            }
            if (!toReg) { // a store to memory is suppressed: OE alone
                f.exc |= OE;
                return inf(neg);
            }
            f.exc |= OE | (r.inexact ? PE : 0);
            f.up = r.inc;
            if (r.e - BIAS_ADJUST > emax) { // massive overflow (FSCALE): a signed infinity
                f.exc |= PE;
                f.up = true;
                return inf(neg);
            }
            return pack(neg, r.e - BIAS_ADJUST, r.sig);
        }
        if (r.inexact) {
            f.exc |= PE;
        }
        f.up = r.inc;
        return pack(neg, r.e, r.sig);
    }

    /** Rounds to the register format with the given significand precision. */
    static Ext80 roundReg(Fpu f, boolean neg, int e, long hi, long lo, int p) {
        // Under precision control, denormal results too keep only p bits below the normal range:
        // the rounding position is EMIN - (p - 1) (observed on hardware).
        return round(f, neg, e, hi, lo, p, EMIN, EMAX, p, true);
    }

    // =====================================================================================
    // NaN handling
    // =====================================================================================

    /**
     * The masked response of a two-operand operation where at least one operand is a NaN or
     * unsupported: IE for SNaNs and unsupported encodings, the real indefinite for unsupported ones;
     * of an SNaN and a QNaN the QNaN; of two NaNs of one kind the one with the larger significand
     * (on a tie the positive one), quieted (SDM vol. 1, table 4-7; checked on hardware).
     */
    static Ext80 nanResult(Fpu f, Ext80 a, Ext80 b) {
        int ca = a.cls(), cb = b.cls();
        if (ca == UNSUPPORTED || cb == UNSUPPORTED) {
            f.exc |= IE;
            return INDEFINITE;
        }
        if (ca == SNAN || cb == SNAN) {
            f.exc |= IE;
        }
        boolean an = ca == QNAN || ca == SNAN, bn = cb == QNAN || cb == SNAN;
        if (an && bn) {
            if (ca != cb) {
                return (ca == QNAN ? a : b).quiet(); // an SNaN and a QNaN: the QNaN
            }
            int cmp = Long.compareUnsigned(a.sig | QUIET, b.sig | QUIET);
            if (cmp == 0) {
                return (a.neg() ? b : a).quiet(); // equal significands: the positive one
            }
            return (cmp > 0 ? a : b).quiet();
        }
        return (an ? a : b).quiet();
    }

    /** The masked response of a one-operand operation on a NaN or unsupported operand. */
    static Ext80 nanResult(Fpu f, Ext80 a) {
        int ca = a.cls();
        if (ca == UNSUPPORTED) {
            f.exc |= IE;
            return INDEFINITE;
        }
        if (ca == SNAN) {
            f.exc |= IE;
        }
        return a.quiet();
    }

    private static boolean special(int c) {
        return c >= QNAN;
    }

    /**
     * Raises DE when an operand is a denormal (or a memory operand was one in its source format,
     * {@link Fpu#srcDenormal}); returns true when DE is unmasked, which stops the operation before
     * any result exception.
     */
    private static boolean denormal(Fpu f, boolean any) {
        if (any || f.srcDenormal) {
            f.exc |= DE;
            return (f.fcw & DE) == 0;
        }
        return false;
    }

    // =====================================================================================
    // Arithmetic
    // =====================================================================================

    static Ext80 add(Fpu f, Ext80 a, Ext80 b) {
        return addSub(f, a, b, false, pc(f));
    }

    static Ext80 sub(Fpu f, Ext80 a, Ext80 b) {
        return addSub(f, a, b, true, pc(f));
    }

    static Ext80 addSub(Fpu f, Ext80 a, Ext80 b, boolean subtract, int p) {
        int ca = a.cls(), cb = b.cls();
        if (special(ca) || special(cb)) {
            return nanResult(f, a, b);
        }
        if (denormal(f, ca == DENORMAL || cb == DENORMAL)) {
            return INDEFINITE;
        }
        boolean sa = a.neg(), sb = b.neg() ^ subtract;
        f.up = false;
        if (ca == INFINITY || cb == INFINITY) {
            if (ca == INFINITY && cb == INFINITY && sa != sb) {
                f.exc |= IE;
                return INDEFINITE;
            }
            return inf(ca == INFINITY ? sa : sb);
        }
        if (ca == ZERO_C && cb == ZERO_C) {
            return zero(sa == sb ? sa : rc(f) == RC_DOWN);
        }
        if (ca == ZERO_C) {
            return roundReg(f, sb, b.normExp(), b.normSig(), 0, p);
        }
        if (cb == ZERO_C) {
            return roundReg(f, sa, a.normExp(), a.normSig(), 0, p);
        }
        int ea = a.normExp(), eb = b.normExp();
        long ma = a.normSig(), mb = b.normSig();
        if (ea < eb || (ea == eb && Long.compareUnsigned(ma, mb) < 0)) {
            int te = ea;
            ea = eb;
            eb = te;
            long tm = ma;
            ma = mb;
            mb = tm;
            boolean ts = sa;
            sa = sb;
            sb = ts;
        }
        int d = ea - eb;
        long bh, bl;
        if (d == 0) {
            bh = mb;
            bl = 0;
        } else if (d < 64) {
            bh = mb >>> d;
            bl = mb << (64 - d);
        } else if (d == 64) {
            bh = 0;
            bl = mb;
        } else if (d < 128) {
            bh = 0;
            bl = (mb >>> (d - 64)) | ((mb << (128 - d)) != 0 ? 1 : 0);
        } else {
            bh = 0;
            bl = 1;
        }
        long hi, lo;
        int e = ea;
        if (sa == sb) {
            lo = bl;
            hi = ma + bh;
            if (Long.compareUnsigned(hi, ma) < 0) { // carry out of bit 127
                lo = (lo >>> 1) | (hi << 63) | (lo & 1);
                hi = (hi >>> 1) | J;
                e++;
            }
        } else {
            lo = -bl;
            hi = ma - bh - (bl != 0 ? 1 : 0);
            if (hi == 0 && lo == 0) {
                return zero(rc(f) == RC_DOWN);
            }
        }
        return roundReg(f, sa, e, hi, lo, p);
    }

    static Ext80 mul(Fpu f, Ext80 a, Ext80 b) {
        return mul(f, a, b, pc(f));
    }

    static Ext80 mul(Fpu f, Ext80 a, Ext80 b, int p) {
        return mulScaled(f, a, b, 0, p);
    }

    /** a * b * 2^scale with one rounding to p bits. */
    static Ext80 mulScaled(Fpu f, Ext80 a, Ext80 b, int scale, int p) {
        int ca = a.cls(), cb = b.cls();
        if (special(ca) || special(cb)) {
            return nanResult(f, a, b);
        }
        if (denormal(f, ca == DENORMAL || cb == DENORMAL)) {
            return INDEFINITE;
        }
        boolean s = a.neg() ^ b.neg();
        f.up = false;
        if (ca == INFINITY || cb == INFINITY) {
            if (ca == ZERO_C || cb == ZERO_C) {
                f.exc |= IE;
                return INDEFINITE;
            }
            return inf(s);
        }
        if (ca == ZERO_C || cb == ZERO_C) {
            return zero(s);
        }
        long ma = a.normSig(), mb = b.normSig();
        long hi = mulHi(ma, mb), lo = ma * mb;
        return roundReg(f, s, a.normExp() + b.normExp() + 1 + scale, hi, lo, p);
    }

    /** The high 64 bits of the unsigned 128-bit product. */
    static long mulHi(long a, long b) {
        return Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
    }

    /** Unsigned (hi:lo) / d for hi < d (unsigned); the remainder is left in {@code rem[0]}. */
    static long div128(long hi, long lo, long d, long[] rem) {
        long q = 0;
        for (int i = 0; i < 64; i++) {
            boolean carry = hi < 0;
            hi = (hi << 1) | (lo >>> 63);
            lo <<= 1;
            q <<= 1;
            if (carry || Long.compareUnsigned(hi, d) >= 0) {
                hi -= d;
                q |= 1;
            }
        }
        rem[0] = hi;
        return q;
    }

    static Ext80 div(Fpu f, Ext80 a, Ext80 b) {
        return div(f, a, b, pc(f));
    }

    static Ext80 div(Fpu f, Ext80 a, Ext80 b, int p) {
        int ca = a.cls(), cb = b.cls();
        if (special(ca) || special(cb)) {
            return nanResult(f, a, b);
        }
        boolean s = a.neg() ^ b.neg();
        f.up = false;
        if ((ca == INFINITY && cb == INFINITY) || (ca == ZERO_C && cb == ZERO_C)) {
            f.exc |= IE;
            return INDEFINITE;
        }
        if (ca == INFINITY && cb != DENORMAL && !f.srcDenormal) { // infinity / finite (even 0): no exception
            return inf(s);
        }
        if (cb == ZERO_C) { // x / 0: ZE, and no DE for a denormal dividend
            f.exc |= ZE;
            return inf(s);
        }
        if (denormal(f, ca == DENORMAL || cb == DENORMAL)) {
            return INDEFINITE;
        }
        if (ca == INFINITY) {
            return inf(s);
        }
        if (cb == INFINITY || ca == ZERO_C) {
            return zero(s);
        }
        long ma = a.normSig(), mb = b.normSig();
        int e = a.normExp() - b.normExp();
        long[] rem = new long[1];
        long q1;
        if (Long.compareUnsigned(ma, mb) >= 0) {
            q1 = div128(ma >>> 1, ma << 63, mb, rem);
        } else {
            q1 = div128(ma, 0, mb, rem);
            e--;
        }
        long q2 = div128(rem[0], 0, mb, rem);
        if (rem[0] != 0) {
            q2 |= 1;
        }
        return roundReg(f, s, e, q1, q2, p);
    }

    static Ext80 sqrt(Fpu f, Ext80 a) {
        int ca = a.cls();
        if (special(ca)) {
            return nanResult(f, a);
        }
        f.up = false;
        if (ca == ZERO_C) {
            return a;
        }
        if (a.neg()) {
            f.exc |= IE;
            return INDEFINITE;
        }
        if (ca == INFINITY) {
            return a;
        }
        if (denormal(f, ca == DENORMAL)) {
            return INDEFINITE;
        }
        int e = a.normExp();
        long m = a.normSig();
        // value = m * 2^(e-63); make the exponent even, then take sqrt(M << 191) with M = m or 2m.
        BigInteger n = new BigInteger(1, longBytes(m));
        if ((e & 1) != 0) {
            n = n.shiftLeft(1);
            e--;
        }
        n = n.shiftLeft(191);
        BigInteger r = n.sqrt();
        boolean sticky = !r.multiply(r).equals(n);
        long hi = r.shiftRight(64).longValue();
        long lo = r.longValue() | (sticky ? 1 : 0);
        return roundReg(f, false, e / 2, hi, lo, pc(f));
    }

    private static byte[] longBytes(long v) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (v >>> (56 - 8 * i));
        }
        return b;
    }

    // =====================================================================================
    // Comparison
    // =====================================================================================

    /** Comparison results, as the x87 reports them in C3/C2/C0 and FCOMI in ZF/PF/CF. */
    static final int GT = 0, LT = 1, EQ = 2, UNORDERED = 3;

    /**
     * Compares a with b. NaN operands give UNORDERED and IE, except that with {@code quiet}
     * (FUCOM*) QNaNs do not raise IE. Unsupported encodings always raise IE.
     */
    static int compare(Fpu f, Ext80 a, Ext80 b, boolean quiet) {
        int ca = a.cls(), cb = b.cls();
        if (special(ca) || special(cb)) {
            if (ca == SNAN || cb == SNAN || ca == UNSUPPORTED || cb == UNSUPPORTED || !quiet) {
                f.exc |= IE;
            }
            return UNORDERED;
        }
        denormal(f, ca == DENORMAL || cb == DENORMAL); // the relation is reported even if DE is unmasked
        if (ca == ZERO_C && cb == ZERO_C) {
            return EQ;
        }
        int m = compareMagnitude(a, ca, b, cb);
        boolean sa = ca != ZERO_C && a.neg(), sb = cb != ZERO_C && b.neg();
        if (sa != sb) {
            return sa ? LT : GT;
        }
        if (m == 0) {
            return EQ;
        }
        return (m > 0) != sa ? GT : LT;
    }

    /** Compares |a| and |b| for non-NaN operands. */
    private static int compareMagnitude(Ext80 a, int ca, Ext80 b, int cb) {
        if (ca == ZERO_C || cb == ZERO_C) {
            return ca == ZERO_C ? (cb == ZERO_C ? 0 : -1) : 1;
        }
        if (ca == INFINITY || cb == INFINITY) {
            return ca == INFINITY ? (cb == INFINITY ? 0 : 1) : -1;
        }
        int ea = a.normExp(), eb = b.normExp();
        if (ea != eb) {
            return ea > eb ? 1 : -1;
        }
        return Long.compareUnsigned(a.normSig(), b.normSig());
    }

    // =====================================================================================
    // Rounding to integer, remainder, scale, extract
    // =====================================================================================

    /** FRNDINT: rounds to an integral value by the rounding control. */
    static Ext80 roundInt(Fpu f, Ext80 a) {
        return roundInt(f, a, rc(f));
    }

    static Ext80 roundInt(Fpu f, Ext80 a, int rc) {
        int ca = a.cls();
        if (special(ca)) {
            return nanResult(f, a);
        }
        f.up = false;
        if (ca == ZERO_C || ca == INFINITY) {
            return a;
        }
        if (denormal(f, ca == DENORMAL)) {
            return INDEFINITE;
        }
        int e = a.normExp();
        if (e >= 63) {
            return a;
        }
        Rounded r = roundAt(a.neg(), e, a.normSig(), 0, 0, rc);
        if (r.inexact) {
            f.exc |= PE;
        }
        f.up = r.inc;
        return pack(a.neg(), r.e, r.sig);
    }

    /**
     * FPREM (ieee=false: quotient truncated) and FPREM1 (ieee=true: quotient rounded to nearest
     * even). Returns the new ST(0); {@link Fpu#remQuotient} gets the low three quotient bits and
     * {@link Fpu#remPartial} whether the reduction is incomplete (C2).
     */
    static Ext80 remainder(Fpu f, Ext80 a, Ext80 b, boolean ieee) {
        f.remPartial = false;
        f.remQuotient = 0;
        f.up = false;
        int ca = a.cls(), cb = b.cls();
        if (special(ca) || special(cb)) {
            return nanResult(f, a, b);
        }
        if (ca == INFINITY || cb == ZERO_C) {
            f.exc |= IE;
            return INDEFINITE;
        }
        if (denormal(f, ca == DENORMAL || cb == DENORMAL)) {
            return INDEFINITE;
        }
        if (ca == ZERO_C) {
            return a;
        }
        if (cb == INFINITY) {
            return exact(f, a.neg(), a.normExp(), a.normSig());
        }
        boolean sa = a.neg();
        int ea = a.normExp(), eb = b.normExp();
        long ma = a.normSig(), mb = b.normSig();
        int d = ea - eb;
        if (d >= 64) {
            // Partial remainder: reduce the exponent difference to a value in 32..63 by subtracting
            // a multiple of b * 2^(d - n) with the quotient truncated (FPREM1 too; SDM pseudo-code).
            int n = 32 + ((d - 32) & 31); // an implementation-dependent amount
            long r = remBits(ma, mb, n);
            f.remPartial = true;
            if (r == 0) {
                return zero(sa);
            }
            return exact(f, sa, eb + (d - n), r);
        }
        if (d < 0) {
            if (ieee && d == -1 && Long.compareUnsigned(ma, mb) > 0) {
                // |a| > |b|/2: the nearest quotient is 1 and the remainder |b| - |a| =
                // (2 mb - ma) * 2^(eb - 64), positive and below mb, so exact modulo 2^64.
                f.remQuotient = 1;
                return exact(f, !sa, eb - 1, (mb << 1) - ma);
            }
            return exact(f, a.neg(), ea, ma);
        }
        // d in 0..63: quotient bits by long division
        long q = 0;
        long r = ma;
        boolean carry = false;
        for (int i = 0; i <= d; i++) {
            if (i > 0) {
                carry = r < 0;
                r <<= 1;
            }
            q <<= 1;
            if (carry || Long.compareUnsigned(r, mb) >= 0) {
                r -= mb;
                q |= 1;
            }
        }
        // now |a| = q * |b| + r * 2^(eb - 63)
        if (ieee && r != 0) {
            int c = Long.compareUnsigned(r, mb - r); // compare r with mb/2 via r vs mb - r
            if (c > 0 || (c == 0 && (q & 1) != 0)) {
                r = mb - r;
                q++;
                sa = !sa;
            }
        }
        f.remQuotient = (int) (q & 7);
        if (r == 0) {
            return zero(a.neg());
        }
        return exact(f, sa, eb, r);
    }

    /** (ma * 2^n) mod mb for 64-bit normalized significands. */
    private static long remBits(long ma, long mb, int n) {
        long r = ma;
        if (Long.compareUnsigned(r, mb) >= 0) {
            r -= mb;
        }
        for (int i = 0; i < n; i++) {
            boolean carry = r < 0;
            r <<= 1;
            if (carry || Long.compareUnsigned(r, mb) >= 0) {
                r -= mb;
            }
        }
        return r;
    }

    /**
     * The exact non-zero value r * 2^(e - 63) as a register result: normalized (pseudo-denormals
     * too), denormal when tiny, and bias-adjusted with UE when tiny and underflow is unmasked.
     */
    private static Ext80 exact(Fpu f, boolean neg, int e, long r) {
        return round(f, neg, e, r, 0, 64, EMIN, EMAX, 64, true);
    }

    /** FSCALE: a * 2^trunc(b). */
    static Ext80 scale(Fpu f, Ext80 a, Ext80 b) {
        int ca = a.cls(), cb = b.cls();
        f.up = false;
        if (special(ca) || special(cb)) {
            return nanResult(f, a, b);
        }
        if (denormal(f, ca == DENORMAL || cb == DENORMAL)) {
            return INDEFINITE;
        }
        if (cb == INFINITY) {
            if (b.neg()) {
                if (ca == INFINITY) {
                    f.exc |= IE;
                    return INDEFINITE;
                }
                return zero(a.neg());
            }
            if (ca == ZERO_C) {
                f.exc |= IE;
                return INDEFINITE;
            }
            return inf(a.neg());
        }
        if (ca == ZERO_C || ca == INFINITY) {
            return a;
        }
        int n;
        if (cb == ZERO_C) {
            n = 0;
        } else {
            int eb = b.normExp();
            if (eb >= 30) {
                n = b.neg() ? -(1 << 30) : 1 << 30;
            } else if (eb < 0) {
                n = 0;
            } else {
                long m = b.normSig() >>> (63 - eb);
                n = (int) (b.neg() ? -m : m);
            }
        }
        return roundReg(f, a.neg(), a.normExp() + n, a.normSig(), 0, 64);
    }

    // =====================================================================================
    // Conversions
    // =====================================================================================

    /** An exact conversion of a signed 64-bit integer. */
    static Ext80 fromLong(long v) {
        if (v == 0) {
            return ZERO;
        }
        boolean neg = v < 0;
        long m = neg ? -v : v; // Long.MIN_VALUE stays 2^63 as unsigned
        int lz = Long.numberOfLeadingZeros(m);
        return new Ext80((neg ? 0x8000 : 0) | (BIAS + 63 - lz), m << lz);
    }

    /**
     * Converts to a signed integer of {@code bits} (16, 32, 64), rounding by {@code rc}. Invalid
     * (NaN, infinity, out of range) raises IE and gives the integer indefinite (the most negative
     * value); inexact raises PE.
     */
    static long toInt(Fpu f, Ext80 a, int bits, int rc) {
        long indefinite = 1L << (bits - 1);
        int ca = a.cls();
        f.up = false;
        if (ca == ZERO_C) {
            return 0;
        }
        if (special(ca) || ca == INFINITY) {
            f.exc |= IE;
            return indefinite;
        }
        int e = a.normExp(); // integer stores raise no DE for denormals
        boolean neg = a.neg();
        if (e >= 64) {
            f.exc |= IE;
            return indefinite;
        }
        long mag;
        Rounded r = null;
        if (e == 63) {
            mag = a.normSig();
        } else {
            r = roundAt(neg, e, a.normSig(), 0, 0, rc);
            mag = r.sig == 0 ? 0 : r.sig >>> (63 - r.e);
            if (r.e > 63) { // cannot happen: a value below 2^63 rounds to at most 2^63
                f.exc |= IE;
                return indefinite;
            }
        }
        long limit = 1L << (bits - 1); // |min| as unsigned; for 64 bits this is 2^63
        boolean ok = neg ? Long.compareUnsigned(mag, limit) <= 0 : Long.compareUnsigned(mag, limit) < 0;
        if (!ok) {
            f.exc |= IE;
            return indefinite;
        }
        if (r != null) {
            if (r.inexact) {
                f.exc |= PE;
            }
            f.up = r.inc;
        }
        long v = neg ? -mag : mag;
        return bits == 64 ? v : v & ((1L << bits) - 1);
    }

    /**
     * An exact conversion of float32 bits. An SNaN stays an SNaN and a denormal sets
     * {@link Fpu#srcDenormal}: the operation using the value raises IE or DE (or FLD does), so that
     * NaN selection and exception precedence are as for register operands.
     */
    static Ext80 fromFloat(Fpu f, int bits) {
        int s = bits < 0 ? 0x8000 : 0;
        int e = (bits >>> 23) & 0xFF;
        long m = bits & 0x7FFFFF;
        if (e == 0xFF) {
            if (m == 0) {
                return new Ext80(s | 0x7FFF, J);
            }
            return new Ext80(s | 0x7FFF, J | (m << 40)); // an SNaN stays signaling for the operation
        }
        if (e == 0) {
            if (m == 0) {
                return new Ext80(s, 0);
            }
            f.srcDenormal = true;
            int lz = Long.numberOfLeadingZeros(m);
            return new Ext80(s | (BIAS + (63 - lz) - 149), m << lz);
        }
        return new Ext80(s | (e - 127 + BIAS), J | (m << 40));
    }

    /** An exact conversion of float64 bits, as {@link #fromFloat}. */
    static Ext80 fromDouble(Fpu f, long bits) {
        int s = bits < 0 ? 0x8000 : 0;
        int e = (int) (bits >>> 52) & 0x7FF;
        long m = bits & 0xF_FFFF_FFFF_FFFFL;
        if (e == 0x7FF) {
            if (m == 0) {
                return new Ext80(s | 0x7FFF, J);
            }
            return new Ext80(s | 0x7FFF, J | (m << 11));
        }
        if (e == 0) {
            if (m == 0) {
                return new Ext80(s, 0);
            }
            f.srcDenormal = true;
            int lz = Long.numberOfLeadingZeros(m);
            return new Ext80(s | (BIAS + (63 - lz) - 1074), m << lz);
        }
        return new Ext80(s | (e - 1023 + BIAS), J | (m << 11));
    }

    /** Converts to float32 bits, rounding by the rounding control. */
    static int toFloat(Fpu f, Ext80 a) {
        int s = a.neg() ? 0x8000_0000 : 0;
        f.up = false;
        switch (a.cls()) {
            case ZERO_C -> {
                return s;
            }
            case INFINITY -> {
                return s | 0x7F80_0000;
            }
            case UNSUPPORTED -> {
                f.exc |= IE;
                return 0xFFC0_0000;
            }
            case QNAN, SNAN -> {
                if ((a.sig & QUIET) == 0) {
                    f.exc |= IE;
                }
                return s | 0x7FC0_0000 | (int) ((a.sig >>> 40) & 0x3F_FFFF);
            }
            default -> {
            }
        }
        Ext80 r = round(f, a.neg(), a.normExp(), a.normSig(), 0, 24, -126, 127, 24, false);
        int c = r.cls();
        if (c == ZERO_C) {
            return s;
        }
        if (c == INFINITY) {
            return s | 0x7F80_0000;
        }
        int e = r.normExp();
        long m = r.normSig();
        if (e >= -126) {
            return s | ((e + 127) << 23) | (int) ((m >>> 40) & 0x7F_FFFF);
        }
        return s | (int) ((m >>> 40) >>> (-126 - e));
    }

    /** Converts to float64 bits, rounding by the rounding control. */
    static long toDouble(Fpu f, Ext80 a) {
        long s = a.neg() ? Long.MIN_VALUE : 0;
        f.up = false;
        switch (a.cls()) {
            case ZERO_C -> {
                return s;
            }
            case INFINITY -> {
                return s | 0x7FF0_0000_0000_0000L;
            }
            case UNSUPPORTED -> {
                f.exc |= IE;
                return 0xFFF8_0000_0000_0000L;
            }
            case QNAN, SNAN -> {
                if ((a.sig & QUIET) == 0) {
                    f.exc |= IE;
                }
                return s | 0x7FF8_0000_0000_0000L | ((a.sig >>> 11) & 0x7_FFFF_FFFF_FFFFL);
            }
            default -> {
            }
        }
        Ext80 r = round(f, a.neg(), a.normExp(), a.normSig(), 0, 53, -1022, 1023, 53, false);
        int c = r.cls();
        if (c == ZERO_C) {
            return s;
        }
        if (c == INFINITY) {
            return s | 0x7FF0_0000_0000_0000L;
        }
        int e = r.normExp();
        long m = r.normSig();
        if (e >= -1022) {
            return s | ((long) (e + 1023) << 52) | ((m >>> 11) & 0xF_FFFF_FFFF_FFFFL);
        }
        return s | ((m >>> 11) >>> (-1022 - e));
    }

    /** Loads an 18-digit packed BCD integer (bytes 0-8 digits, byte 9 bit 7 the sign). */
    static Ext80 fromBcd(long lo64, int hi16) {
        long v = 0;
        for (int i = 8; i >= 0; i--) {
            int b = i == 8 ? hi16 & 0xFF : (int) (lo64 >>> (8 * i)) & 0xFF;
            v = v * 100 + ((b >> 4) & 0xF) * 10 + (b & 0xF);
        }
        Ext80 r = fromLong(v);
        return (hi16 & 0x8000) != 0 ? new Ext80(r.se | 0x8000, r.sig) : r;
    }

    /** Stores as packed BCD: {lo64, hi16}; IE gives the BCD indefinite. */
    static long[] toBcd(Fpu f, Ext80 a) {
        int ca = a.cls();
        f.up = false;
        if (special(ca) || ca == INFINITY) {
            f.exc |= IE;
            return new long[] {0xC000_0000_0000_0000L, 0xFFFF};
        }
        long v = ca == ZERO_C ? 0 : toInt(f, a, 64, rc(f));
        if ((f.exc & IE) != 0 || v == Long.MIN_VALUE || Math.abs(v) > 999_999_999_999_999_999L) {
            f.exc = (f.exc & ~PE) | IE;
            f.up = false;
            return new long[] {0xC000_0000_0000_0000L, 0xFFFF};
        }
        long m = Math.abs(v);
        long lo = 0;
        int hi = 0;
        for (int i = 0; i < 9; i++) {
            int d = (int) (m % 100);
            m /= 100;
            int b = ((d / 10) << 4) | (d % 10);
            if (i < 8) {
                lo |= (long) b << (8 * i);
            } else {
                hi = b;
            }
        }
        if (a.neg()) {
            hi |= 0x8000;
        }
        return new long[] {lo, hi};
    }

    /** The nearest double (for the transcendental approximations); no exceptions. */
    static double toJavaDouble(Ext80 a) {
        Fpu tmp = new Fpu();
        tmp.fcw = 0x37F;
        return Double.longBitsToDouble(toDouble(tmp, a));
    }

    /** The exact extended value of a double. */
    static Ext80 ofJavaDouble(double d) {
        return fromDouble(new Fpu(), Double.doubleToRawLongBits(d));
    }
}
