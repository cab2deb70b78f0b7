package dev.jvmm.tcg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Java's double and float arithmetic as an oracle: with 53-bit (24-bit) precision control and
 * round-to-nearest, x87 add, subtract, multiply, divide and square root of doubles (floats) must
 * give exactly Java's result whenever that result is a normal number (the x87 keeps its wider
 * exponent range, so overflow and denormals differ by design). PE must be raised exactly when the
 * result is inexact.
 */
class Ext80JavaOracleTest {
    private static final int N = 200_000;

    private static double randomDouble(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> Double.longBitsToDouble(r.nextLong()); // any bit pattern
            case 1 -> (r.nextInt(2001) - 1000) / (double) (1 << r.nextInt(12)); // exact-ish small values
            case 2 -> Math.scalb(1 + r.nextDouble(), r.nextInt(200) - 100);
            default -> Double.longBitsToDouble(r.nextLong() & 0x800F_FFFF_FFFF_FFFFL | 0x3FF0_0000_0000_0000L)
                * (1L << r.nextInt(60)); // long significands, close exponents: cancellation
        };
    }

    @Test
    void doublesWith53BitPrecisionMatchJavaDoubles() {
        Random r = new Random(53);
        int checked = 0;
        for (int n = 0; n < N; n++) {
            double a = randomDouble(r);
            double b = r.nextInt(8) == 0 ? a * (1 + Math.ulp(1.0) * r.nextInt(4)) : randomDouble(r);
            int op = r.nextInt(5);
            double expected = switch (op) {
                case 0 -> a + b;
                case 1 -> a - b;
                case 2 -> a * b;
                case 3 -> a / b;
                default -> Math.sqrt(a);
            };
            if (!Double.isFinite(a) || !Double.isFinite(b) || Math.abs(a) < Double.MIN_NORMAL && a != 0
                || Math.abs(b) < Double.MIN_NORMAL && b != 0 || !Double.isFinite(expected)
                || Math.abs(expected) < Double.MIN_NORMAL && expected != 0) {
                continue;
            }
            Fpu f = new Fpu();
            f.fcw = 0x27F; // 53-bit precision, nearest, all masked
            Ext80 xa = Ext80.ofJavaDouble(a), xb = Ext80.ofJavaDouble(b);
            Ext80 res = switch (op) {
                case 0 -> Ext80.add(f, xa, xb);
                case 1 -> Ext80.sub(f, xa, xb);
                case 2 -> Ext80.mul(f, xa, xb);
                case 3 -> Ext80.div(f, xa, xb);
                default -> Ext80.sqrt(f, xa);
            };
            int flags = f.exc;
            long bits = Ext80.toDouble(new Fpu(), res);
            String ctx = op + " " + a + " " + b;
            assertEquals(Double.doubleToRawLongBits(expected), bits, ctx);
            boolean exact = op != 4 ? exactDouble(op, a, b, expected) : expected * expected == a
                && new BigDecimal(expected).multiply(new BigDecimal(expected)).compareTo(new BigDecimal(a)) == 0;
            assertEquals(exact ? 0 : Ext80.PE, flags & Ext80.PE, ctx);
            checked++;
        }
        assertTrue(checked > N / 2, "checked " + checked);
    }

    private static boolean exactDouble(int op, double a, double b, double r) {
        BigDecimal x = new BigDecimal(a), y = new BigDecimal(b), z = new BigDecimal(r);
        return switch (op) {
            case 0 -> x.add(y).compareTo(z) == 0;
            case 1 -> x.subtract(y).compareTo(z) == 0;
            case 2 -> x.multiply(y).compareTo(z) == 0;
            default -> z.multiply(y).compareTo(x) == 0;
        };
    }

    @Test
    void floatsWith24BitPrecisionMatchJavaFloats() {
        Random r = new Random(24);
        int checked = 0;
        for (int n = 0; n < N; n++) {
            float a = Float.intBitsToFloat(r.nextInt()), b = r.nextBoolean() ? Float.intBitsToFloat(r.nextInt())
                : a * (1 + Math.ulp(1f) * r.nextInt(4));
            int op = r.nextInt(5);
            float expected = switch (op) {
                case 0 -> a + b;
                case 1 -> a - b;
                case 2 -> a * b;
                case 3 -> a / b;
                default -> (float) Math.sqrt(a); // correctly rounded: double has more than 2*24+2 bits
            };
            if (!Float.isFinite(a) || !Float.isFinite(b) || Math.abs(a) < Float.MIN_NORMAL && a != 0
                || Math.abs(b) < Float.MIN_NORMAL && b != 0 || !Float.isFinite(expected)
                || Math.abs(expected) < Float.MIN_NORMAL && expected != 0) {
                continue;
            }
            Fpu f = new Fpu();
            f.fcw = 0x07F; // 24-bit precision
            Ext80 xa = Ext80.fromFloat(f, Float.floatToRawIntBits(a));
            Ext80 xb = Ext80.fromFloat(f, Float.floatToRawIntBits(b));
            Ext80 res = switch (op) {
                case 0 -> Ext80.add(f, xa, xb);
                case 1 -> Ext80.sub(f, xa, xb);
                case 2 -> Ext80.mul(f, xa, xb);
                case 3 -> Ext80.div(f, xa, xb);
                default -> Ext80.sqrt(f, xa);
            };
            assertEquals(Float.floatToRawIntBits(expected), Ext80.toFloat(new Fpu(), res), op + " " + a + " " + b);
            checked++;
        }
        assertTrue(checked > N / 3, "checked " + checked);
    }

    @Test
    void directedRoundingBracketsTheNearestResult() {
        // Round down and round up results bracket the exact value; nearest is one of them.
        Random r = new Random(64);
        for (int n = 0; n < N / 4; n++) {
            Ext80 a = Ext80.ofJavaDouble(Math.scalb(1 + r.nextDouble(), r.nextInt(40) - 20));
            Ext80 b = Ext80.ofJavaDouble(Math.scalb(1 + r.nextDouble(), r.nextInt(40) - 20));
            Fpu dn = Ext80Test.fpu(64, 1), up = Ext80Test.fpu(64, 2);
            Fpu ne = Ext80Test.fpu(64, 0), tz = Ext80Test.fpu(64, 3);
            Ext80 lo = Ext80.div(dn, a, b), hi = Ext80.div(up, a, b);
            Ext80 mid = Ext80.div(ne, a, b), z = Ext80.div(tz, a, b);
            assertEquals(lo, z, "positive quotient: toward zero is down");
            if ((dn.exc & Ext80.PE) == 0) {
                assertEquals(lo, hi);
            } else {
                assertEquals(Ext80.GT, Ext80.compare(new Fpu(), hi, lo, false));
                assertEquals(lo.sig + 1 == 0 ? Ext80.J : lo.sig + 1, hi.sig, "one ulp apart");
                assertTrue(mid.equals(lo) || mid.equals(hi));
                assertEquals(mid.equals(hi), ne.up);
            }
        }
    }
}
