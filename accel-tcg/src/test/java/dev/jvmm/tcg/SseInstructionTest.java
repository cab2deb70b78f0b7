package dev.jvmm.tcg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** SSE instructions against expectations worked out by hand from the SDM. */
class SseInstructionTest {
    static final long DATA = 0x200000;

    /** A long-mode CPU with CR4.OSFXSR set, the given code at Rig.CODE and RBX = DATA. */
    static Rig rig(int... code) {
        Rig t = new Rig().longMode();
        t.cpu.cr4 |= 0x200;
        t.cpu.r[3] = DATA;
        t.code(code);
        return t;
    }

    static void xmm(Rig t, int n, long lo, long hi) {
        t.cpu.xmm[2 * n] = lo;
        t.cpu.xmm[2 * n + 1] = hi;
    }

    static void assertXmm(Rig t, int n, long lo, long hi) {
        assertEquals(Long.toHexString(lo), Long.toHexString(t.cpu.xmm[2 * n]), "xmm" + n + " low");
        assertEquals(Long.toHexString(hi), Long.toHexString(t.cpu.xmm[2 * n + 1]), "xmm" + n + " high");
    }

    static long f(float v) {
        return Float.floatToRawIntBits(v) & 0xFFFF_FFFFL;
    }

    static long d(double v) {
        return Double.doubleToRawLongBits(v);
    }

    static long pair(float lo, float hi) {
        return f(lo) | (f(hi) << 32);
    }

    @Test
    void paddusbSaturatesAtFf() {
        try (Rig t = rig(0x66, 0x0F, 0xDC, 0xC1)) { // paddusb xmm0, xmm1
            xmm(t, 0, 0x10F0_80FFL, 0);
            xmm(t, 1, 0x2020_8001L, 0x01);
            assertNull(t.step());
            assertXmm(t, 0, 0x30FF_FFFFL, 0x01);
        }
    }

    @Test
    void paddsbAndPsubswSaturateSigned() {
        try (Rig t = rig(0x66, 0x0F, 0xEC, 0xC1, 0x66, 0x0F, 0xE9, 0xD3)) { // paddsb xmm0,xmm1; psubsw xmm2,xmm3
            xmm(t, 0, 0x7F80_0150L, 0);
            xmm(t, 1, 0x01FF_FF40L, 0);
            xmm(t, 2, 0x8000_7FFFL, 0);
            xmm(t, 3, 0x0001_FFFFL, 0);
            assertNull(t.step());
            assertXmm(t, 0, 0x7F80_007FL, 0);
            assertNull(t.step());
            assertXmm(t, 2, 0x8000_7FFFL, 0); // -32768 - 1 saturates; 32767 - (-1) saturates
        }
    }

    @Test
    void packsswbClampsWordsToSignedBytes() {
        try (Rig t = rig(0x66, 0x0F, 0x63, 0xC1)) { // packsswb xmm0, xmm1
            xmm(t, 0, 0xFFFF_0005_FF00_0100L, 0x8000_7FFF_FF80_007FL);
            xmm(t, 1, 0, 0x0080_0000_0000_0000L);
            assertNull(t.step());
            // dest words 0100 FF00 0005 FFFF 007F FF80 7FFF 8000 -> 7F 80 05 FF 7F 80 7F 80
            assertXmm(t, 0, 0x807F_807F_FF05_807FL, 0x7F00_0000_0000_0000L);
        }
    }

    @Test
    void packuswbClampsToUnsigned() {
        try (Rig t = rig(0x66, 0x0F, 0x67, 0xC0)) { // packuswb xmm0, xmm0
            xmm(t, 0, 0xFFFF_0100_00FF_0001L, 0);
            assertNull(t.step());
            assertXmm(t, 0, 0x00FF_FF01L, 0x00FF_FF01L);
        }
    }

    @Test
    void shiftsByImmediateAndByRegister() {
        // psraw xmm0, 4; psrlq xmm1, xmm2 (count 64 zeroes); pslldq xmm3, 9
        try (Rig t = rig(0x66, 0x0F, 0x71, 0xE0, 0x04, 0x66, 0x0F, 0xD3, 0xCA, 0x66, 0x0F, 0x73, 0xFB, 0x09)) {
            xmm(t, 0, 0x8000_7FF0L, 0);
            xmm(t, 1, -1, -1);
            xmm(t, 2, 64, 0);
            xmm(t, 3, 0x1122_3344_5566_7788L, 0);
            assertNull(t.step());
            assertXmm(t, 0, 0xF800_07FFL, 0);
            assertNull(t.step());
            assertXmm(t, 1, 0, 0);
            assertNull(t.step());
            assertXmm(t, 3, 0, 0x2233_4455_6677_8800L);
        }
    }

    @Test
    void pmaddwdAndPsadbw() {
        try (Rig t = rig(0x66, 0x0F, 0xF5, 0xC1, 0x66, 0x0F, 0xF6, 0xD3)) {
            xmm(t, 0, 0x8000_8000_0002_0003L, 0);
            xmm(t, 1, 0x8000_8000_0004_FFFFL, 0);
            xmm(t, 2, 0xFF00_0000_0000_0010L, 0x01);
            xmm(t, 3, 0x00FF_0000_0000_0001L, 0x03);
            assertNull(t.step());
            // 3*-1 + 2*4 = 5; (-32768)^2 * 2 = 2^31 wraps to 0x80000000
            assertXmm(t, 0, 0x8000_0000_0000_0005L, 0);
            assertNull(t.step());
            assertXmm(t, 2, 255 + 255 + 15, 2);
        }
    }

    @Test
    void movssRegisterKeepsUpperLanesButMemoryZeroesThem() {
        try (Rig t = rig(0xF3, 0x0F, 0x10, 0xC1, 0xF3, 0x0F, 0x10, 0x13)) { // movss xmm0,xmm1; movss xmm2,[rbx]
            xmm(t, 0, 0x1111_1111_2222_2222L, 0x3333_3333_4444_4444L);
            xmm(t, 1, 0xAAAA_AAAA_BBBB_BBBBL, 0xCCCC_CCCC_DDDD_DDDDL);
            xmm(t, 2, -1, -1);
            t.mem.writeLong(DATA, 0x5555_5555_6666_6666L);
            assertNull(t.step());
            assertXmm(t, 0, 0x1111_1111_BBBB_BBBBL, 0x3333_3333_4444_4444L);
            assertNull(t.step());
            assertXmm(t, 2, 0x6666_6666L, 0);
        }
    }

    @Test
    void movapsFaultsOnMisalignmentAndMovupsDoesNot() {
        try (Rig t = rig(0x0F, 0x28, 0x43, 0x04, 0x0F, 0x10, 0x43, 0x04)) { // movaps xmm0,[rbx+4]; movups
            t.mem.writeLong(DATA + 4, 0x0123_4567_89AB_CDEFL);
            CpuFault f = t.step();
            assertNotNull(f);
            assertEquals(CpuFault.GP, f.vector);
            assertEquals(0, f.errorCode);
            assertEquals(Rig.CODE, t.cpu.rip);
            t.cpu.rip = Rig.CODE + 4;
            assertNull(t.step());
            assertXmm(t, 0, 0x0123_4567_89AB_CDEFL, 0);
        }
    }

    @Test
    void sseNeedsOsfxsrAndRaisesNmWithTs() {
        try (Rig t = rig(0x0F, 0x57, 0xC0)) { // xorps xmm0, xmm0
            t.cpu.cr4 &= ~0x200L;
            assertEquals(CpuFault.UD, t.step().vector);
            t.cpu.cr4 |= 0x200;
            t.cpu.cr0 |= 8;
            assertEquals(CpuFault.NM, t.step().vector);
            t.cpu.cr0 |= 4;
            assertEquals(CpuFault.UD, t.step().vector, "EM takes precedence over TS");
        }
    }

    @Test
    void mmxUsesTheX87RegistersAndEmmsEmptiesThem() {
        // paddb mm0, mm1 (REX.R and REX.B set: ignored for MM registers); emms; paddb mm0, mm1
        try (Rig t = rig(0x45, 0x0F, 0xFC, 0xC1, 0x0F, 0x77, 0x0F, 0xFC, 0xC1)) {
            t.cpu.fpu.sig[0] = 0x0102_0304_0506_07F0L;
            t.cpu.fpu.sig[1] = 0x0101_0101_0101_0120L;
            t.cpu.fpu.top = 5;
            t.cpu.fpu.valid = 0x01;
            assertNull(t.step());
            assertEquals(0x0203_0405_0607_0810L, t.cpu.fpu.sig[0]);
            assertEquals(0xFFFF, t.cpu.fpu.se[0], "an MMX write sets the exponent and sign to ones");
            assertEquals(0, t.cpu.fpu.top, "MMX instructions set TOP to 0");
            assertEquals(0xFF, t.cpu.fpu.valid, "and every register valid");
            assertNull(t.step());
            assertEquals(0, t.cpu.fpu.valid, "EMMS empties them");
            t.cpu.fpu.fsw = 0x01; // an invalid-operation exception...
            t.cpu.fpu.fcw = 0x37E; // ...unmasked: pending
            t.cpu.cr0 |= 0x20; // NE
            assertEquals(CpuFault.MF, t.step().vector);
            t.cpu.cr0 |= 8;
            assertEquals(CpuFault.NM, t.step().vector, "TS before a pending x87 exception");
            t.cpu.cr4 &= ~0x200L;
            t.cpu.cr0 &= ~8L;
            assertEquals(CpuFault.MF, t.step().vector, "MMX does not need CR4.OSFXSR");
        }
    }

    @Test
    void cvtpi2psFromMemoryLeavesTheX87StateAlone() {
        try (Rig t = rig(0x0F, 0x2A, 0x03, 0x0F, 0x2A, 0xC1)) { // cvtpi2ps xmm0, [rbx]; cvtpi2ps xmm0, mm1
            t.mem.writeLong(DATA, 0xFFFF_FFFF_0000_0003L);
            xmm(t, 0, 0, 0x1234);
            t.cpu.fpu.top = 3;
            assertNull(t.step());
            assertXmm(t, 0, pair(3f, -1f), 0x1234);
            assertEquals(3, t.cpu.fpu.top);
            t.cpu.fpu.sig[1] = 0x0000_0005_FFFF_FFFEL;
            assertNull(t.step());
            assertXmm(t, 0, pair(-2f, 5f), 0x1234);
            assertEquals(0, t.cpu.fpu.top);
        }
    }

    @Test
    void cvttsd2siOfNanAndOutOfRangeGiveTheIndefiniteInteger() {
        // cvttsd2si eax, xmm0; cvttsd2si rax, xmm1; cvtsd2si ecx, xmm2
        try (Rig t = rig(0xF2, 0x0F, 0x2C, 0xC0, 0xF2, 0x48, 0x0F, 0x2C, 0xC1, 0xF2, 0x0F, 0x2D, 0xCA)) {
            xmm(t, 0, 0x7FF8_0000_0000_0000L, 0);
            xmm(t, 1, d(1e19), 0);
            xmm(t, 2, d(-2.5), 0);
            t.cpu.r[0] = -1;
            assertNull(t.step());
            assertEquals(0x8000_0000L, t.cpu.r[0]);
            assertEquals(0x1F81, t.cpu.mxcsr, "invalid flag");
            assertNull(t.step());
            assertEquals(Long.MIN_VALUE, t.cpu.r[0]);
            assertNull(t.step());
            assertEquals(0xFFFF_FFFEL, t.cpu.r[1], "-2.5 rounds to even: -2");
            assertEquals(0x1FA1, t.cpu.mxcsr, "precision flag");
        }
    }

    @Test
    void conversionsFollowMxcsrRounding() {
        // cvtsd2si eax, xmm0 four times under RN RD RU RZ
        try (Rig t = rig(0xF2, 0x0F, 0x2D, 0xC0)) {
            xmm(t, 0, d(-1.5), 0);
            long[] expect = {-2, -2, -1, -1};
            for (int rc = 0; rc < 4; rc++) {
                t.cpu.rip = Rig.CODE;
                t.cpu.mxcsr = 0x1F80 | (rc << 13);
                assertNull(t.step());
                assertEquals(expect[rc] & 0xFFFF_FFFFL, t.cpu.r[0], "rc " + rc);
            }
        }
    }

    @Test
    void cvtsi2ssRoundsPerMxcsr() {
        try (Rig t = rig(0xF3, 0x48, 0x0F, 0x2A, 0xC1)) { // cvtsi2ss xmm0, rcx
            t.cpu.r[1] = (1L << 24) + 1; // not representable in single
            t.cpu.mxcsr = 0x1F80 | (2 << 13); // round up
            assertNull(t.step());
            assertEquals(f((1 << 24) + 2), t.cpu.xmm[0] & 0xFFFF_FFFFL);
            assertEquals(0x20, t.cpu.mxcsr & 0x3F);
        }
    }

    @Test
    void minpsAndMaxpsReturnTheSecondOperandForNanAndZeros() {
        try (Rig t = rig(0x0F, 0x5D, 0xC1, 0x0F, 0x5F, 0xD3)) { // minps xmm0,xmm1; maxps xmm2,xmm3
            long qnan = 0x7FC0_0001L, snan = 0x7F80_0001L;
            xmm(t, 0, qnan | (f(1.0f) << 32), f(0.0f) | (f(-3f) << 32));
            xmm(t, 1, f(2.0f) | (snan << 32), f(-0.0f) | (f(5f) << 32));
            assertNull(t.step());
            // NaN in either -> second operand (an SNaN is returned unquieted); +0 vs -0 -> second
            assertXmm(t, 0, f(2.0f) | (snan << 32), f(-0.0f) | (f(-3f) << 32));
            assertEquals(1, t.cpu.mxcsr & 1, "a NaN operand raises invalid");
            xmm(t, 2, pair(-0.0f, 7f), pair(1f, 1f));
            xmm(t, 3, pair(0.0f, 6f), pair(Float.NaN, 2f));
            assertNull(t.step());
            assertXmm(t, 2, pair(0.0f, 7f), pair(Float.NaN, 2f));
        }
    }

    @Test
    void arithmeticNanRules() {
        try (Rig t = rig(0xF2, 0x0F, 0x58, 0xC1, 0xF2, 0x0F, 0x5C, 0xD3)) { // addsd xmm0,xmm1; subsd xmm2,xmm3
            xmm(t, 0, 0x7FF0_0000_0000_0001L, 7); // SNaN first: quieted
            xmm(t, 1, 0x7FF8_0000_0000_0002L, 0);
            assertNull(t.step());
            assertXmm(t, 0, 0x7FF8_0000_0000_0001L, 7);
            assertEquals(1, t.cpu.mxcsr & 0x3F);
            xmm(t, 2, d(Double.POSITIVE_INFINITY), 0);
            xmm(t, 3, d(Double.POSITIVE_INFINITY), 0);
            assertNull(t.step());
            assertXmm(t, 2, 0xFFF8_0000_0000_0000L, 0); // inf - inf: the default NaN
        }
    }

    @Test
    void directedRoundingOfArithmetic() {
        try (Rig t = rig(0xF3, 0x0F, 0x58, 0xC1)) { // addss xmm0, xmm1
            for (int rc = 0; rc < 4; rc++) {
                t.cpu.rip = Rig.CODE;
                t.cpu.mxcsr = 0x1F80 | (rc << 13);
                xmm(t, 0, f(1.0f), 0);
                xmm(t, 1, f(0x1p-30f), 0);
                assertNull(t.step());
                float expect = rc == 2 ? Math.nextUp(1.0f) : 1.0f;
                assertEquals(f(expect), t.cpu.xmm[0], "rc " + rc);
                assertEquals(0x20, t.cpu.mxcsr & 0x3F);
            }
            // x - x is -0 when rounding down
            t.cpu.rip = Rig.CODE;
            t.cpu.mxcsr = 0x1F80 | (1 << 13);
            xmm(t, 0, f(1.0f), 0);
            xmm(t, 1, f(-1.0f), 0);
            assertNull(t.step());
            assertEquals(f(-0.0f), t.cpu.xmm[0]);
        }
    }

    @Test
    void overflowUnderflowFlushToZeroAndDenormalsAreZero() {
        try (Rig t = rig(0xF3, 0x0F, 0x59, 0xC1)) { // mulss xmm0, xmm1
            xmm(t, 0, f(Float.MAX_VALUE), 0);
            xmm(t, 1, f(2f), 0);
            t.cpu.mxcsr = 0x1F80 | (3 << 13); // toward zero: MAX, overflow + precision
            assertNull(t.step());
            assertEquals(f(Float.MAX_VALUE), t.cpu.xmm[0]);
            assertEquals(0x28, t.cpu.mxcsr & 0x3F);

            t.cpu.rip = Rig.CODE;
            xmm(t, 0, f(0x1p-100f), 0);
            xmm(t, 1, f(0x1.8p-40f), 0);
            t.cpu.mxcsr = 0x1F80;
            assertNull(t.step());
            assertEquals(f(0x1.8p-140f), t.cpu.xmm[0], "an exact denormal result");
            assertEquals(0, t.cpu.mxcsr & 0x3F, "tiny but exact: no underflow when masked");

            t.cpu.rip = Rig.CODE;
            xmm(t, 0, f(0x1p-100f), 0);
            t.cpu.mxcsr = 0x1F80 | 0x8000; // FTZ
            assertNull(t.step());
            assertEquals(0, t.cpu.xmm[0]);
            assertEquals(0x30, t.cpu.mxcsr & 0x3F, "FTZ: underflow and precision");

            t.cpu.rip = Rig.CODE;
            xmm(t, 0, f(0x1p-140f), 0); // a denormal input
            xmm(t, 1, f(2f), 0);
            t.cpu.mxcsr = 0x1F80;
            assertNull(t.step());
            assertEquals(f(0x1p-139f), t.cpu.xmm[0]);
            assertEquals(0x02, t.cpu.mxcsr & 0x3F, "denormal operand");

            t.cpu.rip = Rig.CODE;
            xmm(t, 0, f(-0x1p-140f), 0);
            t.cpu.mxcsr = 0x1F80 | 0x40; // DAZ
            assertNull(t.step());
            assertEquals(f(-0.0f), t.cpu.xmm[0]);
            assertEquals(0, t.cpu.mxcsr & 0x3F);
        }
    }

    @Test
    void divideByZeroAndUnmaskedExceptionsFault() {
        try (Rig t = rig(0xF3, 0x0F, 0x5E, 0xC1)) { // divss xmm0, xmm1
            xmm(t, 0, f(-3f), 0);
            xmm(t, 1, 0, 0);
            assertNull(t.step());
            assertEquals(f(Float.NEGATIVE_INFINITY), t.cpu.xmm[0]);
            assertEquals(0x04, t.cpu.mxcsr & 0x3F);

            t.cpu.rip = Rig.CODE;
            xmm(t, 0, f(-3f), 0);
            t.cpu.mxcsr = 0x1F80 & ~0x200; // divide-by-zero unmasked
            t.cpu.cr4 |= 1 << 10;
            CpuFault fault = t.step();
            assertEquals(CpuFault.XM, fault.vector);
            assertEquals(f(-3f), t.cpu.xmm[0], "the destination is left alone");
            assertEquals(Rig.CODE, t.cpu.rip);
            assertEquals(0x04, t.cpu.mxcsr & 0x3F);

            t.cpu.cr4 &= ~(1L << 10);
            assertEquals(CpuFault.UD, t.step().vector, "without OSXMMEXCPT: #UD");
        }
    }

    @Test
    void comissSetsZfPfCfAndClearsTheRest() {
        try (Rig t = rig(0x0F, 0x2F, 0xC1)) { // comiss xmm0, xmm1
            long[][] cases = {{f(1f), f(2f), Cpu.CF}, {f(2f), f(1f), 0}, {f(0f), f(-0f), Cpu.ZF},
                {0x7FC0_0000L, f(1f), Cpu.ZF | Cpu.PF | Cpu.CF}};
            for (long[] k : cases) {
                t.cpu.rip = Rig.CODE;
                t.cpu.setFlags(0x2 | Cpu.OF | Cpu.SF | Cpu.AF);
                xmm(t, 0, k[0], 0);
                xmm(t, 1, k[1], 0);
                assertNull(t.step());
                assertEquals(k[2], t.cpu.getFlags() & Cpu.STATUS);
            }
            assertEquals(1, t.cpu.mxcsr & 1, "COMISS signals on a QNaN");
        }
    }

    @Test
    void cmppsPredicates() {
        try (Rig t = rig(0x0F, 0xC2, 0xC1, 0x01, 0x0F, 0xC2, 0xD3, 0x04)) { // cmpltps xmm0,xmm1; cmpneqps xmm2,xmm3
            xmm(t, 0, pair(1f, 2f), pair(Float.NaN, 3f));
            xmm(t, 1, pair(2f, 2f), pair(1f, 4f));
            assertNull(t.step());
            assertXmm(t, 0, 0xFFFF_FFFFL, 0xFFFF_FFFF_0000_0000L);
            xmm(t, 2, pair(1f, 2f), pair(Float.NaN, 3f));
            xmm(t, 3, pair(2f, 2f), pair(1f, 4f));
            assertNull(t.step());
            assertXmm(t, 2, 0xFFFF_FFFFL, -1L);
        }
    }

    @Test
    void movdMovqAndPextrwPinsrw() {
        // movd xmm0, eax; movq rcx, xmm0 (66 REX.W 0F 7E); pinsrw xmm0, edx, 7; pextrw esi, xmm0, 7
        try (Rig t = rig(0x66, 0x0F, 0x6E, 0xC0, 0x66, 0x48, 0x0F, 0x7E, 0xC1, 0x66, 0x0F, 0xC4, 0xC2, 0x07,
            0x66, 0x0F, 0xC5, 0xF0, 0x07)) {
            xmm(t, 0, -1, -1);
            t.cpu.r[0] = 0x1234_5678_9ABC_DEF0L;
            t.cpu.r[2] = 0xBEEF;
            t.cpu.r[6] = -1;
            assertNull(t.step());
            assertXmm(t, 0, 0x9ABC_DEF0L, 0);
            assertNull(t.step());
            assertEquals(0x9ABC_DEF0L, t.cpu.r[1]);
            assertNull(t.step());
            assertXmm(t, 0, 0x9ABC_DEF0L, 0xBEEF_0000_0000_0000L);
            assertNull(t.step());
            assertEquals(0xBEEF, t.cpu.r[6]);
        }
    }

    @Test
    void pmovmskbAndMovmskps() {
        try (Rig t = rig(0x66, 0x0F, 0xD7, 0xC1, 0x0F, 0x50, 0xD1)) {
            xmm(t, 1, 0x8000_0000_0080_0001L, 0xFF00_0000_0000_0080L);
            assertNull(t.step());
            assertEquals(0x8180 | 0x04, t.cpu.r[0]);
            assertNull(t.step());
            assertEquals(0b1010, t.cpu.r[2]);
        }
    }

    @Test
    void sqrtAndConversionsBetweenFormats() {
        // sqrtsd xmm0, xmm1; cvtsd2ss xmm2, xmm3; cvtps2pd xmm4, xmm5
        try (Rig t = rig(0xF2, 0x0F, 0x51, 0xC1, 0xF2, 0x0F, 0x5A, 0xD3, 0x0F, 0x5A, 0xE5)) {
            xmm(t, 1, d(2.0), 0);
            xmm(t, 3, d(1.0 / 3), 0);
            xmm(t, 2, 0x1111_1111_0000_0000L, 5);
            xmm(t, 5, pair(1.5f, -0.25f), 0);
            assertNull(t.step());
            assertEquals(d(Math.sqrt(2.0)), t.cpu.xmm[0]);
            assertNull(t.step());
            assertXmm(t, 2, 0x1111_1111_0000_0000L | f(1.0f / 3), 5);
            assertNull(t.step());
            assertXmm(t, 4, d(1.5), d(-0.25));
        }
    }

    @Test
    void ssse3AndSse41Shuffles() {
        // pshufb xmm0, xmm1; pblendw xmm2, xmm3, 0xA5; pmovsxbw xmm4, xmm5
        try (Rig t = rig(0x66, 0x0F, 0x38, 0x00, 0xC1, 0x66, 0x0F, 0x3A, 0x0E, 0xD3, 0xA5, 0x66, 0x0F, 0x38, 0x20, 0xE5)) {
            xmm(t, 0, 0x0706_0504_0302_0100L, 0x0F0E_0D0C_0B0A_0908L);
            xmm(t, 1, 0x8000_0F0F_0001_0203L, 0);
            assertNull(t.step());
            assertXmm(t, 0, 0x0000_0F0F_0001_0203L, 0);
            xmm(t, 2, 0x1111_1111_1111_1111L, 0x1111_1111_1111_1111L);
            xmm(t, 3, 0x2222_2222_2222_2222L, 0x2222_2222_2222_2222L);
            assertNull(t.step());
            assertXmm(t, 2, 0x1111_2222_1111_2222L, 0x2222_1111_2222_1111L);
            xmm(t, 5, 0x80FF_7F01_0000_0000L, 0);
            assertNull(t.step());
            assertXmm(t, 4, 0, 0xFF80_FFFF_007F_0001L);
        }
    }

    @Test
    void ptestSetsZfAndCf() {
        try (Rig t = rig(0x66, 0x0F, 0x38, 0x17, 0xC1)) {
            xmm(t, 0, 0xF0, 0);
            xmm(t, 1, 0x0F, 0);
            t.cpu.setFlags(0x2 | Cpu.OF | Cpu.SF);
            assertNull(t.step());
            assertEquals(Cpu.ZF, t.cpu.getFlags() & Cpu.STATUS);
            t.cpu.rip = Rig.CODE;
            xmm(t, 1, 0xF0, 0);
            assertNull(t.step());
            assertEquals(Cpu.CF, t.cpu.getFlags() & Cpu.STATUS);
        }
    }

    @Test
    void crc32cOfTheCheckString() {
        try (Rig t = rig(0xF2, 0x0F, 0x38, 0xF0, 0x03)) { // crc32 eax, byte [rbx]
            byte[] s = "123456789".getBytes();
            t.mem.write(DATA, s);
            t.cpu.r[0] = 0xFFFF_FFFFL;
            for (int i = 0; i < s.length; i++) {
                t.cpu.rip = Rig.CODE;
                t.cpu.r[3] = DATA + i;
                assertNull(t.step());
            }
            assertEquals(0xE306_9283L, t.cpu.r[0] ^ 0xFFFF_FFFFL);
        }
    }

    @Test
    void pcmpistriFindsTheFirstMatchingCharacter() {
        // pcmpistri xmm0, xmm1, 0x00 (unsigned bytes, equal any, least significant index)
        try (Rig t = rig(0x66, 0x0F, 0x3A, 0x63, 0xC1, 0x00)) {
            xmm(t, 0, 'x' | ('o' << 8), 0); // the set "xo"
            byte[] hay = "hello world\0abcd".getBytes();
            long lo = 0, hi = 0;
            for (int i = 0; i < 16; i++) {
                if (i < 8) {
                    lo |= (hay[i] & 0xFFL) << (8 * i);
                } else {
                    hi |= (hay[i] & 0xFFL) << (8 * (i - 8));
                }
            }
            xmm(t, 1, lo, hi);
            assertNull(t.step());
            assertEquals(4, t.cpu.r[1]);
            assertEquals(Cpu.CF | Cpu.ZF | Cpu.SF, t.cpu.getFlags() & Cpu.STATUS);
        }
    }

    @Test
    void roundsdAndDpps() {
        // roundsd xmm0, xmm1, 0x0B (toward zero, no precision exception); dpps xmm2, xmm3, 0xF1
        try (Rig t = rig(0x66, 0x0F, 0x3A, 0x0B, 0xC1, 0x0B, 0x66, 0x0F, 0x3A, 0x40, 0xD3, 0xF1)) {
            xmm(t, 1, d(-2.75), 0);
            assertNull(t.step());
            assertEquals(d(-2.0), t.cpu.xmm[0]);
            assertEquals(0, t.cpu.mxcsr & 0x3F);
            xmm(t, 2, pair(1f, 2f), pair(3f, 4f));
            xmm(t, 3, pair(5f, 6f), pair(7f, 8f));
            assertNull(t.step());
            assertXmm(t, 2, f(70f), 0);
        }
    }

    @Test
    void aStoreAcrossAPageBoundaryFaultsBeforeWritingEitherPage() {
        try (Rig t = rig(0x0F, 0x11, 0x03)) { // movups [rbx], xmm0
            long addr = 0x201000 - 8;
            t.cpu.r[3] = addr;
            t.mem.writeLong(t.pte(0x201000), 0); // the second page is not present
            t.cpu.flushTlb(true);
            t.mem.writeLong(addr, 0x1111_1111_1111_1111L);
            xmm(t, 0, -1, -1);
            CpuFault f = t.step();
            assertEquals(CpuFault.PF, f.vector);
            assertEquals(0x201000, t.cpu.cr2);
            assertEquals(0x1111_1111_1111_1111L, t.mem.readLong(addr), "the first page is untouched");
        }
    }

    @Test
    void undefinedFormsRaiseUd() {
        // movlpd xmm0, xmm1 (memory only); lock addps; pshufd without 66 is MMX PSHUFW (defined); F2 0F 5B
        try (Rig t = rig(0x66, 0x0F, 0x12, 0xC1)) {
            assertEquals(CpuFault.UD, t.step().vector);
        }
        try (Rig t = rig(0xF0, 0x0F, 0x58, 0x03)) {
            assertEquals(CpuFault.UD, t.step().vector);
        }
        try (Rig t = rig(0xF2, 0x0F, 0x5B, 0xC1)) {
            assertEquals(CpuFault.UD, t.step().vector);
        }
        try (Rig t = rig(0x66, 0x0F, 0x73, 0x1B, 0x04)) { // psrldq with a memory operand
            assertEquals(CpuFault.UD, t.step().vector);
        }
    }

    @Test
    void movntiNeedsNoSseState() {
        try (Rig t = rig(0x48, 0x0F, 0xC3, 0x03)) { // movnti [rbx], rax
            t.cpu.cr4 &= ~0x200L;
            t.cpu.cr0 |= 8; // TS: no #NM either
            t.cpu.r[0] = 0x0123_4567_89AB_CDEFL;
            assertNull(t.step());
            assertEquals(0x0123_4567_89AB_CDEFL, t.mem.readLong(DATA));
        }
    }

    @Test
    void maskmovdquWritesOnlySelectedBytes() {
        try (Rig t = rig(0x66, 0x0F, 0xF7, 0xC1)) { // maskmovdqu xmm0, xmm1 -> [rdi]
            t.cpu.r[7] = DATA;
            t.mem.writeLong(DATA, 0x1111_1111_1111_1111L);
            t.mem.writeLong(DATA + 8, 0x2222_2222_2222_2222L);
            xmm(t, 0, 0xAAAA_AAAA_AAAA_AAAAL, 0xBBBB_BBBB_BBBB_BBBBL);
            xmm(t, 1, 0x8000_0000_0000_0080L, 0x0000_0000_0080_0000L);
            assertNull(t.step());
            assertEquals(0xAA11_1111_1111_11AAL, t.mem.readLong(DATA));
            assertEquals(0x2222_2222_22BB_2222L, t.mem.readLong(DATA + 8));
        }
    }

    @Test
    void unmaskedPrecisionLeavesTheDestinationAndSetsTheFlag() {
        try (Rig t = rig(0x0F, 0x5E, 0xC1)) { // divps xmm0, xmm1
            t.cpu.cr4 |= 1 << 10;
            t.cpu.mxcsr = 0x1F80 & ~0x1000; // precision unmasked
            xmm(t, 0, pair(1f, 4f), pair(1f, 1f));
            xmm(t, 1, pair(3f, 2f), pair(1f, 1f));
            assertEquals(CpuFault.XM, t.step().vector);
            assertXmm(t, 0, pair(1f, 4f), pair(1f, 1f));
            assertEquals(0x20, t.cpu.mxcsr & 0x3F);
        }
    }

    @Test
    void pcmpestriTakesAbsoluteSaturatedLengths() {
        // pcmpestri xmm0, xmm1, 0x0C (unsigned bytes, equal ordered: substring search)
        try (Rig t = rig(0x66, 0x0F, 0x3A, 0x61, 0xC1, 0x0C)) {
            xmm(t, 0, 'c' | ('d' << 8), 0); // needle "cd"
            xmm(t, 1, 0x6867_6665_6463_6261L, 0); // "abcdefgh"
            t.cpu.r[0] = -2; // |EAX| = 2
            t.cpu.r[2] = 100; // saturates to 16
            assertNull(t.step());
            assertEquals(2, t.cpu.r[1]);
            assertEquals(Cpu.CF | Cpu.SF, t.cpu.getFlags() & Cpu.STATUS);
        }
    }

    @Test
    void rcpAndRsqrtAreWithinTheSdmsRelativeError() {
        // The SDM promises |relative error| <= 1.5 * 2^-12; the TCG gives the correctly rounded value.
        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        for (int i = 0; i < 10000; i++) {
            float v = Float.intBitsToFloat((r.nextInt() & 0x807F_FFFF) | ((1 + r.nextInt(252)) << 23));
            float rcp = Float.intBitsToFloat((int) SseFp.rcp(f(v)));
            assertTrue(Math.abs(rcp * (double) v - 1) <= 1.5 * 0x1p-12 || Math.abs(1 / (double) v) < Float.MIN_NORMAL,
                () -> "rcp " + v);
            if (v > 0) {
                float rs = Float.intBitsToFloat((int) SseFp.rsqrt(f(v)));
                assertTrue(Math.abs(rs * Math.sqrt(v) - 1) <= 1.5 * 0x1p-12, () -> "rsqrt " + v);
            }
        }
        assertEquals(f(Float.NEGATIVE_INFINITY), SseFp.rcp(f(-0.0f)));
        assertEquals(0xFFC0_0000L, SseFp.rsqrt(f(-1f)));
        assertEquals(f(Float.POSITIVE_INFINITY), SseFp.rsqrt(0x0000_0001L), "a denormal reads as zero");
    }
}
