package dev.jvmm.tcg;

import static dev.jvmm.tcg.Ext80.DE;
import static dev.jvmm.tcg.Ext80.IE;
import static dev.jvmm.tcg.Ext80.OE;
import static dev.jvmm.tcg.Ext80.PE;
import static dev.jvmm.tcg.Ext80.UE;
import static dev.jvmm.tcg.Ext80.ZE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The 80-bit arithmetic against exact expectations (Intel SDM vol. 1 ch. 4 and 8). */
class Ext80Test {
    static final int NEAREST = 0, DOWN = 1, UP = 2, ZERO = 3;

    /** An FPU with all exceptions masked and the given precision (24, 53, 64) and rounding control. */
    static Fpu fpu(int precision, int rc) {
        Fpu f = new Fpu();
        int pc = precision == 24 ? 0 : precision == 53 ? 2 : 3;
        f.fcw = 0x7F | (pc << 8) | (rc << 10);
        return f;
    }

    static Ext80 x(int se, long sig) {
        return new Ext80(se, sig);
    }

    static Ext80 d(double v) {
        return Ext80.ofJavaDouble(v);
    }

    static Ext80 i(long v) {
        return Ext80.fromLong(v);
    }

    @ParameterizedTest(name = "1/3 with precision {0}, rounding {1}")
    @CsvSource({
        "64, 0, AAAAAAAAAAAAAAAB, true", "64, 1, AAAAAAAAAAAAAAAA, false", "64, 2, AAAAAAAAAAAAAAAB, true",
        "64, 3, AAAAAAAAAAAAAAAA, false",
        "53, 0, AAAAAAAAAAAAA800, false", "53, 1, AAAAAAAAAAAAA800, false", "53, 2, AAAAAAAAAAAAB000, true",
        "53, 3, AAAAAAAAAAAAA800, false",
        "24, 0, AAAAAB0000000000, true", "24, 1, AAAAAA0000000000, false", "24, 2, AAAAAB0000000000, true",
        "24, 3, AAAAAA0000000000, false",
    })
    void oneThirdInEveryPrecisionAndRoundingMode(int precision, int rc, String sig, boolean up) {
        Fpu f = fpu(precision, rc);
        Ext80 r = Ext80.div(f, Ext80.ONE, i(3));
        assertEquals(x(0x3FFD, Long.parseUnsignedLong(sig, 16)), r);
        assertEquals(PE, f.exc);
        assertEquals(up, f.up, "C1: rounded up");
        // the negative quotient rounds the other way under directed rounding
        Fpu g = fpu(precision, rc == DOWN ? UP : rc == UP ? DOWN : rc);
        assertEquals(r.negate(), Ext80.div(g, Ext80.ONE, i(-3)));
    }

    @Test
    void oneThirdAt53BitsIsTheDoubleOneThird() {
        Fpu f = fpu(53, NEAREST);
        Ext80 r = Ext80.div(f, Ext80.ONE, i(3));
        assertEquals(Double.doubleToLongBits(1.0 / 3), Ext80.toDouble(f, r));
    }

    @Test
    void squareRootOfTwo() {
        Fpu f = fpu(64, NEAREST);
        assertEquals(x(0x3FFF, 0xB504F333F9DE6484L), Ext80.sqrt(f, i(2)));
        assertEquals(PE, f.exc);
        assertFalse(f.up);
        f = fpu(64, UP);
        assertEquals(x(0x3FFF, 0xB504F333F9DE6485L), Ext80.sqrt(f, i(2)));
        assertTrue(f.up);
        f = fpu(53, NEAREST);
        assertEquals(d(Math.sqrt(2)), Ext80.sqrt(f, i(2)));
        f = fpu(64, NEAREST);
        assertEquals(i(12345), Ext80.sqrt(f, i(12345L * 12345)));
        assertEquals(0, f.exc, "exact square root");
        assertEquals(Ext80.NEG_ZERO, Ext80.sqrt(f, Ext80.NEG_ZERO), "sqrt(-0) = -0");
    }

    @Test
    void squareRootOfMinusOneIsTheRealIndefinite() {
        Fpu f = fpu(64, NEAREST);
        assertEquals(x(0xFFFF, 0xC000_0000_0000_0000L), Ext80.sqrt(f, i(-1)));
        assertEquals(IE, f.exc);
        f.exc = 0;
        assertEquals(Ext80.INDEFINITE, Ext80.sqrt(f, Ext80.NEG_INF));
        assertEquals(IE, f.exc);
    }

    @Test
    void invalidOperationsGiveTheRealIndefinite() {
        Fpu f = fpu(64, NEAREST);
        assertEquals(Ext80.INDEFINITE, Ext80.div(f, Ext80.ZERO, Ext80.NEG_ZERO));
        assertEquals(IE, f.exc);
        f.exc = 0;
        assertEquals(Ext80.INDEFINITE, Ext80.sub(f, Ext80.INF, Ext80.INF));
        assertEquals(Ext80.INDEFINITE, Ext80.add(f, Ext80.INF, Ext80.NEG_INF));
        assertEquals(Ext80.INDEFINITE, Ext80.mul(f, Ext80.ZERO, Ext80.NEG_INF));
        assertEquals(Ext80.INDEFINITE, Ext80.div(f, Ext80.INF, Ext80.NEG_INF));
        assertEquals(IE, f.exc);
        f.exc = 0;
        Ext80 unnormal = x(0x3FFF, 0x4000_0000_0000_0000L); // J clear: unsupported
        assertEquals(Ext80.INDEFINITE, Ext80.add(f, unnormal, Ext80.ONE));
        assertEquals(IE, f.exc);
    }

    @Test
    void divisionByZeroGivesSignedInfinity() {
        Fpu f = fpu(64, NEAREST);
        assertEquals(Ext80.NEG_INF, Ext80.div(f, i(-5), Ext80.ZERO));
        assertEquals(ZE, f.exc);
        f.exc = 0;
        assertEquals(Ext80.INF, Ext80.div(f, i(-5), Ext80.NEG_ZERO));
        f.exc = 0;
        assertEquals(Ext80.INF, Ext80.div(f, Ext80.INF, Ext80.ZERO));
        assertEquals(0, f.exc, "infinity / 0 is exact");
    }

    @ParameterizedTest(name = "overflow with rounding {0}")
    @CsvSource({"0, 7FFF, 8000000000000000", "1, 7FFE, FFFFFFFFFFFFFFFF", "2, 7FFF, 8000000000000000",
        "3, 7FFE, FFFFFFFFFFFFFFFF"})
    void overflowGivesInfinityOrTheLargestFiniteByRoundingMode(int rc, String se, String sig) {
        Ext80 max = x(0x7FFE, -1L);
        Fpu f = fpu(64, rc);
        Ext80 r = Ext80.add(f, max, max);
        assertEquals(x(Integer.parseInt(se, 16), Long.parseUnsignedLong(sig, 16)), r);
        assertEquals(OE | PE, f.exc);
        // negative: down and up swap
        Fpu g = fpu(64, rc == DOWN ? UP : rc == UP ? DOWN : rc);
        assertEquals(r.negate(), Ext80.add(g, max.negate(), max.negate()));
        // with 24-bit precision control the largest finite value has 24 significand bits
        Fpu h = fpu(24, ZERO);
        assertEquals(x(0x7FFE, 0xFFFF_FF00_0000_0000L), Ext80.mul(h, max, i(2)));
    }

    @Test
    void unmaskedOverflowAndUnderflowBiasAdjustTheExponent() {
        Fpu f = fpu(64, NEAREST);
        f.fcw &= ~OE;
        Ext80 r = Ext80.mul(f, x(0x7FFE, Ext80.J), i(4));
        assertEquals(x(0x7FFE + 2 - 24576, Ext80.J), r);
        assertEquals(OE, f.exc);
        f = fpu(64, NEAREST);
        f.fcw &= ~UE;
        r = Ext80.div(f, x(0x0001, Ext80.J), i(4));
        assertEquals(x(0x0001 - 2 + 24576, Ext80.J), r);
        assertEquals(UE, f.exc, "unmasked: tiny is enough, even when exact");
    }

    @Test
    void denormalResults() {
        Fpu f = fpu(64, NEAREST);
        Ext80 min = x(0x0001, Ext80.J); // 2^-16382
        assertEquals(x(0x0000, 0x4000_0000_0000_0000L), Ext80.div(f, min, i(2)));
        assertEquals(0, f.exc, "an exact denormal result raises nothing when masked");
        assertEquals(x(0x0000, 1), Ext80.div(f, min, x(0x3FFF + 63, Ext80.J)), "the smallest denormal");
        assertEquals(x(0x0000, 0x2AAA_AAAA_AAAA_AAABL), Ext80.div(f, min, i(3)));
        assertEquals(UE | PE, f.exc);
        f = fpu(64, NEAREST);
        assertEquals(Ext80.ZERO, Ext80.div(f, x(0x0000, 1), i(3)), "below half the smallest denormal");
        assertEquals(DE | UE | PE, f.exc);
        f = fpu(64, UP);
        assertEquals(x(0x0000, 1), Ext80.div(f, x(0x0000, 1), i(3)));
        // a denormal operand raises DE
        f = fpu(64, NEAREST);
        assertEquals(x(0x0000, 2), Ext80.add(f, x(0x0000, 1), x(0x0000, 1)));
        assertEquals(DE, f.exc);
        // with 53-bit precision control, denormals keep bits only down to 2^(-16382-52)
        f = fpu(53, NEAREST);
        assertEquals(x(0x0000, 0x0200_0000_0000_0000L), Ext80.mul(f, x(0x0000, 0x01FF_FFFF_FFFF_FFFFL), Ext80.ONE));
        assertEquals(DE | UE | PE, f.exc);
        // the smallest normal reached by rounding is not tiny
        f = fpu(64, NEAREST);
        assertEquals(min, Ext80.mul(f, x(0x0000, Long.MAX_VALUE), x(0x3FFF, 0x8000_0000_0000_0001L)));
        assertEquals(DE | PE, f.exc);
    }

    @Test
    void nanPropagation() {
        Fpu f = fpu(64, NEAREST);
        Ext80 q1 = x(0x7FFF, 0xC000_0000_0000_0001L), q2 = x(0xFFFF, 0xC000_0000_0000_0002L);
        Ext80 s3 = x(0x7FFF, 0x8000_0000_0000_0003L);
        assertEquals(q1, Ext80.add(f, q1, Ext80.ONE));
        assertEquals(0, f.exc, "QNaN operands raise nothing");
        assertEquals(q2, Ext80.mul(f, q1, q2), "two QNaNs: the larger significand");
        assertEquals(q2, Ext80.mul(f, q2, q1));
        assertEquals(x(0x7FFF, 0xC000_0000_0000_0003L), Ext80.sub(f, i(7), s3), "an SNaN is quieted");
        assertEquals(IE, f.exc);
        assertEquals(q1, Ext80.div(f, s3, q1), "an SNaN and a QNaN: the QNaN");
        assertEquals(q1, Ext80.add(f, q1, q1.negate()), "equal significands: the positive one");
        assertEquals(q1, Ext80.add(f, q1.negate(), q1));
        assertEquals(q1, Ext80.sub(f, Ext80.ONE, q1), "subtraction does not flip a NaN's sign");
    }

    @Test
    void zeroSignsFollowTheRoundingMode() {
        assertEquals(Ext80.ZERO, Ext80.sub(fpu(64, NEAREST), i(5), i(5)));
        assertEquals(Ext80.NEG_ZERO, Ext80.sub(fpu(64, DOWN), i(5), i(5)));
        assertEquals(Ext80.NEG_ZERO, Ext80.add(fpu(64, NEAREST), Ext80.NEG_ZERO, Ext80.NEG_ZERO));
        assertEquals(Ext80.ZERO, Ext80.add(fpu(64, NEAREST), Ext80.NEG_ZERO, Ext80.ZERO));
        assertEquals(Ext80.NEG_ZERO, Ext80.add(fpu(64, DOWN), Ext80.NEG_ZERO, Ext80.ZERO));
        assertEquals(Ext80.NEG_ZERO, Ext80.mul(fpu(64, NEAREST), i(-3), Ext80.ZERO));
    }

    @Test
    void cancellationAndStickyBits() {
        Fpu f = fpu(64, NEAREST);
        Ext80 one = Ext80.ONE, ulp = x(0x3FFF - 63, Ext80.J); // 2^-63: one ulp of 1.0
        assertEquals(x(0x3FFF, Ext80.J | 1), Ext80.add(f, one, ulp));
        assertEquals(0, f.exc);
        assertEquals(x(0x3FFE, -1L), Ext80.sub(f, one, x(0x3FFF - 64, Ext80.J)), "1 - 2^-64 is exact");
        assertEquals(0, f.exc);
        Ext80 tiny = x(0x3FFF - 200, Ext80.J);
        assertEquals(one, Ext80.sub(f, one, tiny));
        assertEquals(PE, f.exc);
        assertEquals(x(0x3FFE, -1L), Ext80.sub(fpu(64, ZERO), one, tiny), "toward zero from just below 1");
        assertEquals(x(0x3FFF, Ext80.J | 1), Ext80.add(fpu(64, UP), one, tiny));
        assertEquals(one, Ext80.add(fpu(64, DOWN), one, tiny));
    }

    @Test
    void comparisons() {
        Fpu f = fpu(64, NEAREST);
        assertEquals(Ext80.EQ, Ext80.compare(f, Ext80.ZERO, Ext80.NEG_ZERO, false));
        assertEquals(Ext80.LT, Ext80.compare(f, i(-2), i(1), false));
        assertEquals(Ext80.GT, Ext80.compare(f, i(-2), i(-3), false));
        assertEquals(Ext80.LT, Ext80.compare(f, Ext80.NEG_INF, i(-3), false));
        assertEquals(Ext80.GT, Ext80.compare(f, x(0x0000, 1), Ext80.ZERO, false));
        assertEquals(DE, f.exc);
        f.exc = 0;
        Ext80 qnan = x(0x7FFF, 0xC000_0000_0000_0000L), snan = x(0x7FFF, 0x8000_0000_0000_0001L);
        assertEquals(Ext80.UNORDERED, Ext80.compare(f, qnan, Ext80.ONE, true));
        assertEquals(0, f.exc, "FUCOM: a QNaN is not invalid");
        assertEquals(Ext80.UNORDERED, Ext80.compare(f, qnan, Ext80.ONE, false));
        assertEquals(IE, f.exc, "FCOM: any NaN is invalid");
        f.exc = 0;
        assertEquals(Ext80.UNORDERED, Ext80.compare(f, Ext80.ONE, snan, true));
        assertEquals(IE, f.exc, "FUCOM: an SNaN is invalid");
    }

    @ParameterizedTest(name = "{0} to int with rounding {1} = {2}")
    @CsvSource({"2.5, 0, 2", "3.5, 0, 4", "-2.5, 0, -2", "2.5, 1, 2", "-2.5, 1, -3", "2.5, 2, 3", "-2.5, 2, -2",
        "2.7, 3, 2", "-2.7, 3, -2", "0.4, 0, 0", "-0.4, 2, 0", "0.4, 2, 1", "1e15, 0, 1000000000000000"})
    void integerConversionRoundsByTheRoundingControl(double v, int rc, long expected) {
        Fpu f = fpu(64, NEAREST);
        assertEquals(expected, Ext80.toInt(f, d(v), 64, rc));
        assertEquals(v == Math.rint(v) ? 0 : PE, f.exc);
    }

    @Test
    void integerConversionOutOfRangeGivesTheIntegerIndefinite() {
        Fpu f = fpu(64, NEAREST);
        assertEquals(0x8000, Ext80.toInt(f, i(32768), 16, NEAREST));
        assertEquals(IE, f.exc);
        f.exc = 0;
        assertEquals(0x8000, Ext80.toInt(f, i(-32768), 16, NEAREST), "-32768 itself fits");
        assertEquals(0, f.exc);
        assertEquals(0x7FFF, Ext80.toInt(f, d(32767.4), 16, NEAREST));
        f.exc = 0;
        assertEquals(0x8000, Ext80.toInt(f, d(32767.5), 16, NEAREST), "rounds to 32768: out of range");
        assertEquals(IE, f.exc);
        f.exc = 0;
        assertEquals(0x8000_0000L, Ext80.toInt(f, d(3e9), 32, NEAREST));
        assertEquals(Long.MIN_VALUE, Ext80.toInt(f, d(0x1p63), 64, NEAREST));
        assertEquals(IE, f.exc);
        f.exc = 0;
        assertEquals(Long.MIN_VALUE, Ext80.toInt(f, d(-0x1p63), 64, NEAREST));
        assertEquals(0, f.exc, "-2^63 fits");
        assertEquals(Long.MIN_VALUE, Ext80.toInt(f, Ext80.INDEFINITE, 64, NEAREST));
        assertEquals(Long.MIN_VALUE, Ext80.toInt(f, Ext80.NEG_INF, 64, NEAREST));
        assertEquals(IE, f.exc);
        Ext80 justBelow = x(0x3FFF + 62, -1L); // 2^63 - 1/2
        assertEquals(0x7FFF_FFFF_FFFF_FFFFL, Ext80.toInt(fpu(64, NEAREST), justBelow, 64, ZERO));
        assertEquals(Long.MIN_VALUE, Ext80.toInt(fpu(64, NEAREST), justBelow, 64, NEAREST), "ties to 2^63");
    }

    @Test
    void floatAndDoubleConversions() {
        Fpu f = fpu(64, NEAREST);
        assertEquals(Ext80.ONE, Ext80.fromFloat(f, 0x3F80_0000));
        assertEquals(d(0.1f), Ext80.fromFloat(f, Float.floatToIntBits(0.1f)));
        assertEquals(x(0x3FFF - 149, Ext80.J), Ext80.fromFloat(f, 1), "the smallest float denormal, normalized");
        assertTrue(f.srcDenormal, "DE is left to the instruction");
        assertEquals(Float.floatToIntBits(1f / 3), Ext80.toFloat(f, Ext80.div(fpu(64, NEAREST), Ext80.ONE, i(3))));
        assertEquals(PE, f.exc);
        assertEquals(0x7F80_0000, Ext80.toFloat(f, d(1e39)));
        assertEquals(OE | PE, f.exc);
        f = fpu(64, ZERO);
        assertEquals(0x7F7F_FFFF, Ext80.toFloat(f, d(1e39)), "toward zero: the largest float");
        f = fpu(64, NEAREST);
        assertEquals(1, Ext80.toFloat(f, d(0x1p-149)));
        assertEquals(0, f.exc, "an exact float denormal");
        assertEquals(0, Ext80.toFloat(f, d(0x1p-151)));
        assertEquals(UE | PE, f.exc);
        f = fpu(64, NEAREST);
        assertEquals(0x7FC0_0001, Ext80.toFloat(f, x(0x7FFF, 0x8000_0100_0000_0000L)), "an SNaN is quieted");
        assertEquals(IE, f.exc);
        assertEquals(0xFFC0_0000, Ext80.toFloat(fpu(64, NEAREST), Ext80.INDEFINITE));
        assertEquals(Double.doubleToLongBits(Math.PI), Ext80.toDouble(fpu(64, NEAREST), X87Trans.constant(3, NEAREST)));
        assertEquals(0xFFF8_0000_0000_0000L, Ext80.toDouble(fpu(64, NEAREST), Ext80.INDEFINITE));
        assertEquals(Double.doubleToLongBits(Double.MIN_VALUE), Ext80.toDouble(fpu(64, NEAREST), d(Double.MIN_VALUE)));
    }

    @Test
    void packedBcd() {
        // 18 digits, least significant byte first; byte 9 bit 7 is the sign
        assertEquals(i(-5634129078563412L), Ext80.fromBcd(0x5634_1290_7856_3412L, 0x8000));
        assertEquals(i(999_999_999_999_999_999L), Ext80.fromBcd(0x9999_9999_9999_9999L, 0x0099));
        Ext80 w = Ext80.fromBcd(0x0000_0000_0001_2345L, 0x0000);
        assertEquals(i(12345), w);
        Fpu f = fpu(64, NEAREST);
        long[] b = Ext80.toBcd(f, i(-99));
        assertEquals(0x99, b[0]);
        assertEquals(0x8000, b[1]);
        b = Ext80.toBcd(f, d(999_999_999_999_999_999.0 * 2));
        assertEquals(0xC000_0000_0000_0000L, b[0], "out of range: the BCD indefinite");
        assertEquals(0xFFFF, b[1]);
        assertEquals(IE, f.exc);
        f = fpu(64, NEAREST);
        b = Ext80.toBcd(f, d(2.5));
        assertEquals(0x02, b[0], "rounded to nearest even");
        assertEquals(PE, f.exc);
    }

    @Test
    void roundToIntegerByRoundingControl() {
        assertEquals(i(2), Ext80.roundInt(fpu(64, NEAREST), d(2.5)));
        assertEquals(i(4), Ext80.roundInt(fpu(64, NEAREST), d(3.5)));
        assertEquals(i(-1), Ext80.roundInt(fpu(64, DOWN), d(-0.5)));
        assertEquals(i(1), Ext80.roundInt(fpu(64, UP), d(0.2)));
        assertEquals(Ext80.NEG_ZERO, Ext80.roundInt(fpu(64, ZERO), d(-0.7)), "the sign is kept");
        Fpu f = fpu(64, NEAREST);
        assertEquals(d(1e30), Ext80.roundInt(f, d(1e30)));
        assertEquals(0, f.exc);
    }

    @Test
    void partialRemainders() {
        Fpu f = fpu(64, NEAREST);
        assertEquals(i(1), Ext80.remainder(f, i(7), i(3), false));
        assertEquals(2, f.remQuotient);
        assertFalse(f.remPartial);
        assertEquals(i(2), Ext80.remainder(f, i(8), i(3), false));
        assertEquals(i(-1), Ext80.remainder(f, i(8), i(3), true), "FPREM1: quotient 3 rounded to nearest");
        assertEquals(3, f.remQuotient);
        assertEquals(i(-1), Ext80.remainder(f, i(-7), i(3), false), "FPREM: the sign of the dividend");
        assertEquals(i(1), Ext80.remainder(f, i(5), i(2), true), "5/2 = 2.5 rounds to the even 2");
        assertEquals(i(-1), Ext80.remainder(f, i(7), i(2), true), "7/2 = 3.5 rounds to the even 4");
        assertEquals(Ext80.NEG_ZERO, Ext80.remainder(f, i(-6), i(3), false));
        assertEquals(0, f.exc);
        // 2^200 mod 3: a large exponent difference takes several partial steps (C2 set)
        Ext80 a = x(0x3FFF + 200, Ext80.J);
        int steps = 0;
        do {
            a = Ext80.remainder(f, a, i(3), false);
            steps++;
        } while (f.remPartial);
        assertEquals(i(1), a, "2^200 = 1 (mod 3)");
        assertTrue(steps > 1);
        assertEquals(Ext80.INDEFINITE, Ext80.remainder(f, i(1), Ext80.ZERO, false));
        assertEquals(IE, f.exc);
    }

    @Test
    void scale() {
        Fpu f = fpu(64, NEAREST);
        assertEquals(i(1024), Ext80.scale(f, Ext80.ONE, i(10)));
        assertEquals(d(0.75), Ext80.scale(f, i(3), d(-2.9)), "the scale is truncated toward zero");
        assertEquals(Ext80.INF, Ext80.scale(f, Ext80.ONE, d(1e10)));
        assertEquals(OE | PE, f.exc);
        f = fpu(64, NEAREST);
        assertEquals(Ext80.NEG_ZERO, Ext80.scale(f, i(-1), d(-1e10)));
        assertEquals(UE | PE, f.exc);
        f = fpu(64, NEAREST);
        assertEquals(Ext80.INDEFINITE, Ext80.scale(f, Ext80.ZERO, Ext80.INF));
        assertEquals(IE, f.exc);
    }

    @Test
    void constantsRoundByTheRoundingControl() {
        assertEquals(x(0x4000, 0xC90FDAA22168C235L), X87Trans.constant(3, NEAREST));
        assertEquals(x(0x4000, 0xC90FDAA22168C234L), X87Trans.constant(3, DOWN));
        assertEquals(x(0x4000, 0xC90FDAA22168C235L), X87Trans.constant(3, UP));
        assertEquals(x(0x4000, 0xC90FDAA22168C234L), X87Trans.constant(3, ZERO));
        assertEquals(x(0x3FFF, 0xB8AA3B295C17F0BCL), X87Trans.constant(2, NEAREST)); // log2(e)
        assertEquals(x(0x4000, 0xD49A784BCD1B8AFEL), X87Trans.constant(1, NEAREST)); // log2(10)
        assertEquals(x(0x4000, 0xD49A784BCD1B8AFFL), X87Trans.constant(1, UP));
        assertEquals(x(0x3FFD, 0x9A209A84FBCFF799L), X87Trans.constant(4, NEAREST)); // log10(2)
        assertEquals(x(0x3FFE, 0xB17217F7D1CF79ACL), X87Trans.constant(5, NEAREST)); // ln(2)
        assertEquals(x(0x3FFE, 0xB17217F7D1CF79ABL), X87Trans.constant(5, ZERO));
    }
}
