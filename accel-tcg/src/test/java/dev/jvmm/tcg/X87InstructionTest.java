package dev.jvmm.tcg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** x87 instructions stepped on the software CPU in long mode; memory operands are [RBX] = 0x200000. */
class X87InstructionTest {
    static final long DATA = 0x200000;

    static Rig rig() {
        Rig t = new Rig().longMode();
        t.cpu.cr0 |= 0x20; // NE: unmasked exceptions are reported as #MF
        t.cpu.r[3] = DATA;
        return t;
    }

    /** Executes one instruction placed at the code address; returns its fault or null. */
    static CpuFault exec(Rig t, int... insn) {
        t.code(insn);
        t.cpu.rip = Rig.CODE;
        return t.step();
    }

    static void ok(Rig t, int... insn) {
        CpuFault f = exec(t, insn);
        assertNull(f, () -> "fault " + f.vector);
        assertEquals(Rig.CODE + insn.length, t.cpu.rip);
    }

    static int top(Rig t) {
        return (t.cpu.fpu.status() >> 11) & 7;
    }

    static void putDouble(Rig t, long addr, double v) {
        t.mem.writeLong(addr, Double.doubleToRawLongBits(v));
    }

    static final int[] FLD1 = {0xD9, 0xE8}, FLDZ = {0xD9, 0xEE}, FLDPI = {0xD9, 0xEB}, FNSTSW_AX = {0xDF, 0xE0};

    @Test
    void pushesAndPopsMoveTop() {
        try (Rig t = rig()) {
            Fpu f = t.cpu.fpu;
            assertEquals(0, top(t));
            ok(t, FLD1);
            ok(t, FLDPI);
            ok(t, FLDZ);
            assertEquals(5, top(t));
            assertEquals(Ext80.ZERO, f.st(0));
            assertEquals(Ext80.ONE, f.st(2));
            ok(t, 0xDD, 0xD8); // fstp st(0)
            assertEquals(6, top(t));
            assertEquals(X87Trans.constant(3, 0), f.st(0));
            ok(t, 0xDE, 0xC1); // faddp st(1), st(0)
            assertEquals(7, top(t));
            assertEquals(0x3FFF, f.tagWord());
            t.cpu.r[0] = 0xFFFF_FFFF_FFFF_FFFFL;
            ok(t, FNSTSW_AX);
            assertEquals(0xFFFF_FFFF_FFFF_0000L | (7 << 11) | Ext80.PE, t.cpu.r[0], "pi + 1: inexact, a tie to even");
            ok(t, 0xD9, 0xF7); // fincstp
            assertEquals(0, top(t));
            assertTrue(f.isEmpty(0));
            ok(t, 0xD9, 0xF6); // fdecstp
            assertEquals(7, top(t));
            ok(t, 0xDD, 0xC0); // ffree st(0)
            assertTrue(f.isEmpty(0));
            assertEquals(7, top(t), "FFREE does not pop");
        }
    }

    @Test
    void stackOverflowAndUnderflow() {
        try (Rig t = rig()) {
            Fpu f = t.cpu.fpu;
            ok(t, 0xDE, 0xC1); // faddp on an empty stack: underflow
            assertEquals(Ext80.IE | Fpu.SW_SF, f.status() & 0x7F);
            assertEquals(0, f.status() & Fpu.SW_C1, "C1 = 0: underflow");
            assertEquals(Ext80.INDEFINITE, f.st(0), "masked: the indefinite, popped into ST(0)");
            ok(t, 0xDB, 0xE3); // fninit
            for (int i = 0; i < 8; i++) {
                ok(t, FLD1);
            }
            assertEquals(0, f.status() & 0x7F);
            ok(t, FLDPI);
            assertEquals(Ext80.IE | Fpu.SW_SF, f.status() & 0x7F);
            assertEquals(Fpu.SW_C1, f.status() & Fpu.SW_C1, "C1 = 1: overflow");
            assertEquals(Ext80.INDEFINITE, f.st(0));
            assertEquals(Ext80.ONE, f.st(1));
        }
    }

    @Test
    void fcomiSetsZfPfCf() {
        try (Rig t = rig()) {
            Cpu c = t.cpu;
            putDouble(t, DATA, 2.0);
            ok(t, 0xDD, 0x03); // fld qword [rbx]
            ok(t, FLD1); // ST0 = 1, ST1 = 2
            c.setFlags(0x2 | Cpu.OF | Cpu.SF | Cpu.AF | Cpu.ZF);
            ok(t, 0xDB, 0xF1); // fcomi st(1)
            assertEquals(Cpu.CF, c.getFlags() & Cpu.STATUS, "1 < 2: CF, and OF SF AF cleared");
            ok(t, 0xD9, 0xC9); // fxch st(1)
            ok(t, 0xDB, 0xF1);
            assertEquals(0, c.getFlags() & Cpu.STATUS, "2 > 1");
            ok(t, 0xD9, 0xC0); // fld st(0)
            ok(t, 0xDF, 0xF1); // fcomip st(1): equal, pops
            assertEquals(Cpu.ZF, c.getFlags() & Cpu.STATUS);
            assertEquals(6, top(t));
            t.mem.writeLong(DATA, 0x7FF8_0000_0000_0000L); // QNaN
            ok(t, 0xDD, 0x03);
            ok(t, 0xDF, 0xE9); // fucomip st(1) with a QNaN: unordered, no IE
            assertEquals(Cpu.ZF | Cpu.PF | Cpu.CF, c.getFlags() & Cpu.STATUS);
            assertEquals(0, c.fpu.status() & Ext80.IE);
            ok(t, 0xDD, 0x03);
            ok(t, 0xDB, 0xF1); // fcomi with a QNaN: invalid
            assertEquals(Cpu.ZF | Cpu.PF | Cpu.CF, c.getFlags() & Cpu.STATUS);
            assertEquals(Ext80.IE, c.fpu.status() & Ext80.IE);
        }
    }

    @Test
    void fcomSetsConditionCodes() {
        try (Rig t = rig()) {
            Fpu f = t.cpu.fpu;
            putDouble(t, DATA, 1.5);
            ok(t, FLD1);
            ok(t, 0xDC, 0x13); // fcom qword [rbx]: 1 < 1.5
            assertEquals(Fpu.SW_C0, f.status() & Fpu.SW_CC);
            ok(t, 0xD9, 0xE4); // ftst: 1 > 0
            assertEquals(0, f.status() & Fpu.SW_CC);
            ok(t, 0xDC, 0x1B); // fcomp: pops
            assertTrue(f.isEmpty(0));
            ok(t, FLDZ);
            ok(t, FLDZ);
            ok(t, 0xDE, 0xD9); // fcompp: equal, pops twice
            assertEquals(Fpu.SW_C3, f.status() & Fpu.SW_CC);
            assertEquals(0, top(t));
            t.mem.writeShort(DATA, 7);
            ok(t, FLD1);
            ok(t, 0xDE, 0x13); // ficom word [rbx]: 1 < 7
            assertEquals(Fpu.SW_C0, f.status() & Fpu.SW_CC);
        }
    }

    @Test
    void fxamClassifies() {
        Ext80[] values = {new Ext80(0x3FFF, 0x4000_0000_0000_0000L), Ext80.INDEFINITE, Ext80.ONE.negate(),
            Ext80.NEG_INF, Ext80.ZERO, new Ext80(0x8000, 1)};
        int[] cc = {0, Fpu.SW_C0, Fpu.SW_C2, Fpu.SW_C2 | Fpu.SW_C0, Fpu.SW_C3, Fpu.SW_C3 | Fpu.SW_C2};
        boolean[] neg = {false, true, true, true, false, true};
        try (Rig t = rig()) {
            Fpu f = t.cpu.fpu;
            for (int i = 0; i < values.length; i++) {
                f.reset();
                f.push(values[i]);
                ok(t, 0xD9, 0xE5);
                assertEquals(cc[i] | (neg[i] ? Fpu.SW_C1 : 0), f.status() & Fpu.SW_CC, "class of " + values[i]);
            }
            f.reset();
            ok(t, 0xD9, 0xE5);
            assertEquals(Fpu.SW_C3 | Fpu.SW_C0, f.status() & (Fpu.SW_C3 | Fpu.SW_C2 | Fpu.SW_C0), "empty");
        }
    }

    @Test
    void fldcwChangesRoundingOfFist() {
        try (Rig t = rig()) {
            putDouble(t, DATA, 2.5);
            t.mem.writeShort(DATA + 8, 0x0B7F); // round up
            ok(t, 0xDD, 0x03); // fld qword [rbx]
            ok(t, 0xDB, 0x53, 0x10); // fist dword [rbx+16]
            assertEquals(2, t.mem.readInt(DATA + 16), "nearest even");
            assertEquals(Ext80.PE, t.cpu.fpu.status() & 0x3F);
            ok(t, 0xD9, 0x6B, 0x08); // fldcw [rbx+8]
            ok(t, 0xDB, 0x53, 0x14); // fist dword [rbx+20]
            assertEquals(3, t.mem.readInt(DATA + 20));
            ok(t, 0xD9, 0x7B, 0x18); // fnstcw [rbx+24]
            assertEquals(0x0B7F, t.mem.readShort(DATA + 24) & 0xFFFF);
            ok(t, 0xDF, 0x1B); // fistp word [rbx]: still 3 and pops
            assertEquals(3, t.mem.readShort(DATA));
            assertTrue(t.cpu.fpu.isEmpty(0));
        }
    }

    @Test
    void fisttpTruncatesAndOutOfRangeStoresTheIndefinite() {
        try (Rig t = rig()) {
            putDouble(t, DATA, -2.7);
            ok(t, 0xDD, 0x03);
            ok(t, 0xDB, 0x0B); // fisttp dword [rbx]
            assertEquals(-2, t.mem.readInt(DATA));
            assertTrue(t.cpu.fpu.isEmpty(0));
            putDouble(t, DATA, 1e10);
            ok(t, 0xDD, 0x03);
            ok(t, 0xDF, 0x53, 0x08); // fist word [rbx+8]
            assertEquals((short) 0x8000, t.mem.readShort(DATA + 8));
            assertEquals(Ext80.IE | Ext80.PE, t.cpu.fpu.status() & 0x3F, "IE, and PE still set from -2.7");
            ok(t, 0xDF, 0x7B, 0x10); // fistp qword [rbx+16]
            assertEquals(10_000_000_000L, t.mem.readLong(DATA + 16));
        }
    }

    @Test
    void unmaskedExceptionRaisesMfAtTheNextWaitingInstruction() {
        try (Rig t = rig()) {
            Fpu f = t.cpu.fpu;
            t.mem.writeShort(DATA, 0x037B); // ZE unmasked
            ok(t, 0xD9, 0x2B); // fldcw [rbx]
            ok(t, FLD1);
            ok(t, FLDZ);
            ok(t, 0xDE, 0xF9); // fdivp st(1), st(0): 1 / 0
            assertEquals(Ext80.ZE | Fpu.SW_ES | Fpu.SW_B, f.status() & (0xFF | Fpu.SW_B));
            assertEquals(6, top(t), "unmasked: no pop");
            assertEquals(Ext80.ONE, f.st(1), "and the destination unchanged");
            CpuFault fault = exec(t, FLD1);
            assertNotNull(fault);
            assertEquals(CpuFault.MF, fault.vector);
            assertEquals(Rig.CODE, t.cpu.rip, "a fault: RIP at the waiting instruction");
            ok(t, FNSTSW_AX); // non-waiting
            assertEquals(Ext80.ZE, t.cpu.r[0] & 0x3F);
            ok(t, 0xDB, 0xE2); // fnclex
            assertFalse(f.pending());
            ok(t, FLD1);
            // unmasking an exception whose flag is set makes it pending
            ok(t, 0xDB, 0xE3); // fninit
            ok(t, FLD1);
            ok(t, FLDZ);
            t.mem.writeShort(DATA, 0x037F);
            ok(t, 0xD9, 0x2B);
            ok(t, 0xDE, 0xF9); // masked now: 1/0 = inf, ZE set
            assertFalse(f.pending());
            t.mem.writeShort(DATA, 0x037B);
            ok(t, 0xD9, 0x2B);
            assertTrue(f.pending());
            assertEquals(CpuFault.MF, exec(t, FLD1).vector);
        }
    }

    @Test
    void fnsaveAndFrstorRoundTrip() {
        try (Rig t = rig()) {
            Fpu f = t.cpu.fpu;
            ok(t, FLD1);
            ok(t, FLDPI);
            t.mem.writeShort(DATA + 200, 0x0A7F);
            ok(t, 0xD9, 0xAB, 200, 0, 0, 0); // fldcw [rbx+200]
            int sw = f.status(), tw = f.tagWord();
            ok(t, 0xDD, 0x33); // fnsave [rbx]
            assertEquals(0xFFFF_0A7F, t.mem.readInt(DATA));
            assertEquals(0xFFFF_0000 | sw, t.mem.readInt(DATA + 4));
            assertEquals(0xFFFF_0000 | tw, t.mem.readInt(DATA + 8));
            assertEquals(0x0FFF, tw, "ST(0)/ST(1) valid in physical 6 and 7");
            assertEquals(X87Trans.constant(3, 0).sig, t.mem.readLong(DATA + 28));
            assertEquals(0x4000, t.mem.readShort(DATA + 36));
            assertEquals(Ext80.J, t.mem.readLong(DATA + 38));
            // FNSAVE initializes the FPU
            assertEquals(0x37F, f.fcw);
            assertEquals(0, f.status());
            assertEquals(0xFFFF, f.tagWord());
            ok(t, 0xDD, 0x23); // frstor [rbx]
            assertEquals(0x0A7F, f.fcw);
            assertEquals(sw, f.status());
            assertEquals(tw, f.tagWord());
            assertEquals(Ext80.ONE, f.st(1));
        }
    }

    @Test
    void fnstenvLayoutsAndMasking() {
        try (Rig t = rig()) {
            Fpu f = t.cpu.fpu;
            t.mem.writeShort(DATA + 200, 0x0360);
            ok(t, 0xD9, 0xAB, 200, 0, 0, 0); // fldcw: all exceptions unmasked
            putDouble(t, DATA + 100, 3.0);
            ok(t, 0xDC, 0x43, 100); // fadd qword [rbx+100] on an empty stack: IE, unmasked
            assertTrue(f.pending());
            ok(t, 0xD9, 0x33); // fnstenv [rbx] (non-waiting)
            assertEquals(0xFFFF_0360, t.mem.readInt(DATA));
            assertEquals(0x37F, f.fcw, "FNSTENV masks all exceptions");
            assertEquals(Rig.CODE, t.mem.readInt(DATA + 12) & 0xFFFF_FFFFL, "FIP");
            assertEquals(0x10 | (0x443 << 16), t.mem.readInt(DATA + 16), "FCS and FOP (DC 43)");
            assertEquals(DATA + 100, t.mem.readInt(DATA + 20) & 0xFFFF_FFFFL, "FDP");
            assertEquals(0xFFFF_0018, t.mem.readInt(DATA + 24), "FDS");
            ok(t, 0x66, 0xD9, 0x73, 0x40); // fnstenv [rbx+64] with a 16-bit operand size: 14 bytes
            assertEquals(0x037F, t.mem.readShort(DATA + 64) & 0xFFFF);
            assertEquals(f.status(), t.mem.readShort(DATA + 66) & 0xFFFF);
            assertEquals(0xFFFF, t.mem.readShort(DATA + 68) & 0xFFFF);
            assertEquals(Rig.CODE & 0xFFFF, t.mem.readShort(DATA + 70) & 0xFFFF);
            assertEquals(0x10, t.mem.readShort(DATA + 72));
            assertEquals(DATA + 100 & 0xFFFF, t.mem.readShort(DATA + 74) & 0xFFFF);
            // FLDENV brings the unmasked control word back and the exception is pending again
            ok(t, 0xDB, 0xE2); // fnclex
            t.mem.writeInt(DATA + 4, f.status() | Ext80.IE);
            ok(t, 0xD9, 0x23); // fldenv [rbx]
            assertEquals(0x0360, f.fcw);
            assertTrue(f.pending());
        }
    }

    @Test
    void fcmovFollowsTheFlags() {
        try (Rig t = rig()) {
            Fpu f = t.cpu.fpu;
            ok(t, FLDPI);
            ok(t, FLD1);
            t.cpu.setFlags(0x2);
            ok(t, 0xDA, 0xC1); // fcmovb st(0), st(1): CF clear, no move
            assertEquals(Ext80.ONE, f.st(0));
            t.cpu.setFlags(0x2 | Cpu.CF);
            ok(t, 0xDA, 0xC1);
            assertEquals(X87Trans.constant(3, 0), f.st(0));
            ok(t, FLD1);
            t.cpu.setFlags(0x2 | Cpu.ZF);
            ok(t, 0xDB, 0xC9); // fcmovne: ZF set, no move
            assertEquals(Ext80.ONE, f.st(0));
            ok(t, 0xDB, 0xD1); // fcmovnbe: CF=0 ZF=1, no move
            assertEquals(Ext80.ONE, f.st(0));
            t.cpu.setFlags(0x2 | Cpu.PF);
            ok(t, 0xDA, 0xD9); // fcmovu
            assertEquals(X87Trans.constant(3, 0), f.st(0));
        }
    }

    @Test
    void loadsStoresAndConversions() {
        try (Rig t = rig()) {
            Fpu f = t.cpu.fpu;
            t.mem.writeInt(DATA, Float.floatToRawIntBits(0.1f));
            ok(t, 0xD9, 0x03); // fld dword [rbx]
            ok(t, 0xDD, 0x53, 0x08); // fst qword [rbx+8]
            assertEquals((double) 0.1f, Double.longBitsToDouble(t.mem.readLong(DATA + 8)));
            ok(t, 0xDB, 0x7B, 0x10); // fstp tword [rbx+16]
            assertEquals(Ext80.ofJavaDouble(0.1f).sig, t.mem.readLong(DATA + 16));
            ok(t, 0xDB, 0x6B, 0x10); // fld tword [rbx+16]
            assertEquals(Ext80.ofJavaDouble(0.1f), f.st(0));
            putDouble(t, DATA, 0.1);
            ok(t, 0xDC, 0x03); // fadd qword [rbx]
            ok(t, 0xD9, 0x5B, 0x20); // fstp dword [rbx+32]
            assertEquals(0.1f + (float) 0.1, Float.intBitsToFloat(t.mem.readInt(DATA + 32)), 1e-7f);
            t.mem.writeLong(DATA, -1234567890123L);
            ok(t, 0xDF, 0x2B); // fild qword [rbx]
            ok(t, 0xDF, 0x7B, 0x08); // fistp qword [rbx+8]
            assertEquals(-1234567890123L, t.mem.readLong(DATA + 8));
            t.mem.writeLong(DATA, 0x0000_0000_0098_7654L); // packed BCD 987654
            t.mem.writeShort(DATA + 8, 0x8000);
            ok(t, 0xDF, 0x23); // fbld [rbx]
            assertEquals(Ext80.fromLong(-987654), f.st(0));
            ok(t, 0xDF, 0x73, 0x10); // fbstp [rbx+16]
            assertEquals(0x98_7654L, t.mem.readLong(DATA + 16));
            assertEquals((short) 0x8000, t.mem.readShort(DATA + 24));
            t.mem.writeInt(DATA, 0x7F80_0001); // a float SNaN
            ok(t, 0xD9, 0x03);
            assertEquals(new Ext80(0x7FFF, 0xC000_0100_0000_0000L), f.st(0), "loaded quieted");
            assertEquals(Ext80.IE, f.status() & Ext80.IE);
        }
    }

    @Test
    void arithmeticForms() {
        try (Rig t = rig()) {
            Fpu f = t.cpu.fpu;
            putDouble(t, DATA, 8.0);
            putDouble(t, DATA + 8, 2.0);
            ok(t, 0xDD, 0x03); // fld 8
            ok(t, 0xDD, 0x43, 0x08); // fld 2: ST0 = 2, ST1 = 8
            ok(t, 0xD8, 0xE1); // fsub st(0), st(1): 2 - 8
            assertEquals(Ext80.ofJavaDouble(-6), f.st(0));
            ok(t, 0xD8, 0xE9); // fsubr st(0), st(1): 8 - (-6)
            assertEquals(Ext80.ofJavaDouble(14), f.st(0));
            ok(t, 0xDC, 0xF9); // fdiv st(1), st(0): ST1 = 8 / 14
            assertEquals(Ext80.div(Ext80Test.fpu(64, 0), Ext80.ofJavaDouble(8), Ext80.ofJavaDouble(14)), f.st(1));
            ok(t, 0xDC, 0xE1); // fsubr st(1), st(0): ST1 = ST0 - ST1 = 14 - 8/14
            ok(t, 0xDE, 0xE9); // fsubp st(1), st(0): ST1 = ST1 - ST0 = (14 - 8/14) - 14, pop
            assertEquals(7, top(t));
            Ext80 q = Ext80.div(Ext80Test.fpu(64, 0), Ext80.ofJavaDouble(-8), Ext80.ofJavaDouble(14));
            assertEquals(q.se, f.st(0).se);
            t.mem.writeShort(DATA + 16, 3);
            ok(t, 0xDE, 0x4B, 0x10); // fimul word [rbx+16]
            ok(t, 0xD9, 0xE1); // fabs
            ok(t, 0xD9, 0xE0); // fchs
            assertTrue(f.st(0).neg());
            ok(t, 0xD9, 0xFC); // frndint
            assertEquals(Ext80.ofJavaDouble(-2), f.st(0), "-24/14 = -1.71 rounds to -2");
            ok(t, FLD1);
            ok(t, 0xD9, 0xFD); // fscale: 1 * 2^trunc(-2)
            assertEquals(Ext80.ofJavaDouble(0.25), f.st(0));
            putDouble(t, DATA, 10.0);
            ok(t, 0xDD, 0x03);
            ok(t, 0xD9, 0xF4); // fxtract: ST0 = 1.25, ST1 = 3
            assertEquals(Ext80.ofJavaDouble(1.25), f.st(0));
            assertEquals(Ext80.ofJavaDouble(3), f.st(1));
            ok(t, 0xD9, 0xFA); // fsqrt
            assertEquals(Ext80.sqrt(Ext80Test.fpu(64, 0), Ext80.ofJavaDouble(1.25)), f.st(0));
        }
    }

    @Test
    void transcendentalsAreCloseAndHandleTheirSpecialCases() {
        try (Rig t = rig()) {
            Fpu f = t.cpu.fpu;
            ok(t, FLDPI);
            ok(t, 0xD9, 0xFE); // fsin(pi) = the tiny residue of the rounded pi
            double s = Ext80.toJavaDouble(f.st(0));
            assertEquals(-5.0165576126683320e-20, s, 1e-33, "sin(pi_80) = pi - pi_80");
            ok(t, 0xDD, 0xD8);
            putDouble(t, DATA, 0.5);
            ok(t, 0xDD, 0x03);
            ok(t, 0xD9, 0xF2); // fptan: pushes 1
            assertEquals(Ext80.ONE, f.st(0));
            assertEquals(Math.tan(0.5), Ext80.toJavaDouble(f.st(1)), 1e-16);
            ok(t, 0xDD, 0xD8);
            ok(t, 0xD9, 0xFB); // fsincos: ST0 = cos, ST1 = sin
            assertEquals(Math.cos(Math.tan(0.5)), Ext80.toJavaDouble(f.st(0)), 1e-15, "of tan(0.5), left by FPTAN");
            assertEquals(Math.sin(Math.tan(0.5)), Ext80.toJavaDouble(f.st(1)), 1e-15);
            f.reset();
            ok(t, FLD1);
            ok(t, FLD1);
            ok(t, 0xD9, 0xF3); // fpatan(1, 1) = pi/4
            assertEquals(Math.PI / 4, Ext80.toJavaDouble(f.st(0)), 1e-18);
            f.reset();
            putDouble(t, DATA, 3);
            putDouble(t, DATA + 8, 8);
            ok(t, 0xDD, 0x03);
            ok(t, 0xDD, 0x43, 0x08);
            ok(t, 0xD9, 0xF1); // fyl2x: 3 * log2(8) = 9 exactly
            assertEquals(Ext80.ofJavaDouble(9), f.st(0));
            assertEquals(0, f.status() & Ext80.PE);
            putDouble(t, DATA, 0x1p70);
            ok(t, 0xDD, 0x03);
            ok(t, 0xD9, 0xFF); // fcos of 2^70: out of range, C2 set, operand unchanged
            assertEquals(Fpu.SW_C2, f.status() & Fpu.SW_C2);
            assertEquals(Ext80.ofJavaDouble(0x1p70), f.st(0));
            putDouble(t, DATA, 0.5);
            ok(t, 0xDD, 0x03);
            ok(t, 0xD9, 0xF0); // f2xm1(0.5) = sqrt(2) - 1
            assertEquals(0.41421356237309504880, Ext80.toJavaDouble(f.st(0)), 1e-16);
        }
    }

    @Test
    void invalidEncodingsRaiseUd() {
        try (Rig t = rig()) {
            assertEquals(CpuFault.UD, exec(t, 0xD9, 0x0B).vector); // D9 /1 memory
            assertEquals(CpuFault.UD, exec(t, 0xD9, 0xD1).vector);
            assertEquals(CpuFault.UD, exec(t, 0xDA, 0xE8).vector);
            assertEquals(CpuFault.UD, exec(t, 0xDE, 0xD8).vector);
            assertEquals(CpuFault.UD, exec(t, 0xDF, 0xF8).vector);
            t.cpu.cr0 |= 8; // TS
            assertEquals(CpuFault.NM, exec(t, FLD1).vector);
        }
    }
}
