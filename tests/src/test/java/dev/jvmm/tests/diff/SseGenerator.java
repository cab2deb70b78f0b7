package dev.jvmm.tests.diff;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generates SSE differential cases: one instruction per case from templates covering the SSE,
 * SSE2, SSE3, SSSE3, SSE4.1 and SSE4.2 instructions the TCG implements, XMM and MMX forms, in
 * register and memory forms (aligned where the instruction requires it), with XMM values chosen to
 * hit the floating-point edges (zeros, infinities, quiet and signalling NaNs, denormals, the
 * largest and smallest normals, halfway cases, integer limits) and a random MXCSR (rounding
 * control, FTZ, DAZ, sticky flags; exceptions always masked: the guest harness has no IDT and the
 * host oracle would take a SIGFPE).
 *
 * <p>Left out: RCPPS/RCPSS/RSQRTPS/RSQRTSS, whose results are implementation-specific
 * approximations (the TCG gives the correctly rounded value; the hardware's table differs), and
 * faulting forms (#GP for misalignment, #UD): the unit tests in accel-tcg cover those.
 */
public final class SseGenerator {
    static final int RSP = 4, RBX = 3;

    /** Operand shapes. */
    enum Kind {
        /** xmm (reg), xmm or memory (rm) */
        XX,
        /** xmm (reg), memory only (rm) */
        XM,
        /** store: xmm or memory (rm) from xmm (reg) */
        ST,
        /** store to memory only */
        STM,
        /** xmm (reg), GPR or memory (rm) */
        XG,
        /** GPR (reg), xmm or memory (rm) */
        GX,
        /** GPR (reg), xmm register only (rm) */
        GXR,
        /** GPR or memory (rm) from xmm (reg) */
        GST,
        /** shift group: /ext with an xmm register (rm) */
        GRP,
        /** CRC32: GPR (reg), GPR or memory (rm) */
        CRC,
        /** MOVNTI: memory (rm) from a GPR (reg) */
        NTI,
        /** MASKMOVDQU, MASKMOVQ: preceded by mov rdi, rbx */
        MASKMOV,
        /** no operands (EMMS) */
        NONE
    }

    /** One instruction form: mandatory prefix (0 for none), opcode bytes, operand shape and memory operand. */
    record Form(String name, int prefix, int[] opcode, Kind kind, int memSize, boolean aligned, boolean imm, int ext) {}

    static final List<Form> FORMS = new ArrayList<>();

    private static void add(String name, int prefix, int[] opcode, Kind kind, int memSize, boolean aligned, boolean imm) {
        FORMS.add(new Form(name, prefix, opcode, kind, memSize, aligned, imm, 0));
    }

    private static int[] of(int... b) {
        return b;
    }

    static {
        // ---- SSE/SSE2 data movement
        add("movups", 0, of(0x0F, 0x10), Kind.XX, 16, false, false);
        add("movupd", 0x66, of(0x0F, 0x10), Kind.XX, 16, false, false);
        add("movss", 0xF3, of(0x0F, 0x10), Kind.XX, 4, false, false);
        add("movsd", 0xF2, of(0x0F, 0x10), Kind.XX, 8, false, false);
        add("movups st", 0, of(0x0F, 0x11), Kind.ST, 16, false, false);
        add("movupd st", 0x66, of(0x0F, 0x11), Kind.ST, 16, false, false);
        add("movss st", 0xF3, of(0x0F, 0x11), Kind.ST, 4, false, false);
        add("movsd st", 0xF2, of(0x0F, 0x11), Kind.ST, 8, false, false);
        add("movlps/movhlps", 0, of(0x0F, 0x12), Kind.XX, 8, false, false);
        add("movlpd", 0x66, of(0x0F, 0x12), Kind.XM, 8, false, false);
        add("movlps st", 0, of(0x0F, 0x13), Kind.STM, 8, false, false);
        add("movlpd st", 0x66, of(0x0F, 0x13), Kind.STM, 8, false, false);
        add("movhps/movlhps", 0, of(0x0F, 0x16), Kind.XX, 8, false, false);
        add("movhpd", 0x66, of(0x0F, 0x16), Kind.XM, 8, false, false);
        add("movhps st", 0, of(0x0F, 0x17), Kind.STM, 8, false, false);
        add("movhpd st", 0x66, of(0x0F, 0x17), Kind.STM, 8, false, false);
        add("movaps", 0, of(0x0F, 0x28), Kind.XX, 16, true, false);
        add("movapd", 0x66, of(0x0F, 0x28), Kind.XX, 16, true, false);
        add("movaps st", 0, of(0x0F, 0x29), Kind.ST, 16, true, false);
        add("movapd st", 0x66, of(0x0F, 0x29), Kind.ST, 16, true, false);
        add("movntps", 0, of(0x0F, 0x2B), Kind.STM, 16, true, false);
        add("movntpd", 0x66, of(0x0F, 0x2B), Kind.STM, 16, true, false);
        add("movmskps", 0, of(0x0F, 0x50), Kind.GXR, 0, false, false);
        add("movmskpd", 0x66, of(0x0F, 0x50), Kind.GXR, 0, false, false);
        add("movd/q x,g", 0x66, of(0x0F, 0x6E), Kind.XG, 4, false, false);
        add("movd/q g,x", 0x66, of(0x0F, 0x7E), Kind.GST, 4, false, false);
        add("movq x,x/m", 0xF3, of(0x0F, 0x7E), Kind.XX, 8, false, false);
        add("movq x/m,x", 0x66, of(0x0F, 0xD6), Kind.ST, 8, false, false);
        add("movdqa", 0x66, of(0x0F, 0x6F), Kind.XX, 16, true, false);
        add("movdqu", 0xF3, of(0x0F, 0x6F), Kind.XX, 16, false, false);
        add("movdqa st", 0x66, of(0x0F, 0x7F), Kind.ST, 16, true, false);
        add("movdqu st", 0xF3, of(0x0F, 0x7F), Kind.ST, 16, false, false);
        add("movntdq", 0x66, of(0x0F, 0xE7), Kind.STM, 16, true, false);
        add("movnti", 0, of(0x0F, 0xC3), Kind.NTI, 4, false, false);
        add("pmovmskb", 0x66, of(0x0F, 0xD7), Kind.GXR, 0, false, false);
        add("maskmovdqu", 0x66, of(0x0F, 0xF7), Kind.MASKMOV, 0, false, false);
        add("pinsrw", 0x66, of(0x0F, 0xC4), Kind.XG, 2, false, true);
        add("pextrw", 0x66, of(0x0F, 0xC5), Kind.GXR, 0, false, true);
        // ---- SSE2 integer (66 0F xx, xmm, xmm/m128)
        int[] ints = {0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x6B, 0x6C, 0x6D, 0x74, 0x75,
            0x76, 0xD1, 0xD2, 0xD3, 0xD4, 0xD5, 0xD8, 0xD9, 0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF, 0xE0, 0xE1, 0xE2, 0xE3,
            0xE4, 0xE5, 0xE8, 0xE9, 0xEA, 0xEB, 0xEC, 0xED, 0xEE, 0xEF, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF8, 0xF9,
            0xFA, 0xFB, 0xFC, 0xFD, 0xFE};
        for (int op : ints) {
            add(String.format("int 66 0f %02x", op), 0x66, of(0x0F, op), Kind.XX, 16, true, false);
        }
        add("pshufd", 0x66, of(0x0F, 0x70), Kind.XX, 16, true, true);
        add("pshufhw", 0xF3, of(0x0F, 0x70), Kind.XX, 16, true, true);
        add("pshuflw", 0xF2, of(0x0F, 0x70), Kind.XX, 16, true, true);
        for (int[] g : new int[][] {{0x71, 2}, {0x71, 4}, {0x71, 6}, {0x72, 2}, {0x72, 4}, {0x72, 6}, {0x73, 2},
            {0x73, 3}, {0x73, 6}, {0x73, 7}}) {
            FORMS.add(new Form(String.format("shift 66 0f %02x /%d", g[0], g[1]), 0x66, of(0x0F, g[0]), Kind.GRP, 0,
                false, true, g[1]));
        }
        // ---- SSE/SSE2 floating point
        String[] pfxName = {"ps", "pd", "ss", "sd"};
        int[] pfxs = {0, 0x66, 0xF3, 0xF2};
        int[] sizes = {16, 16, 4, 8};
        int[][] arith = {{0x51, 0}, {0x58, 0}, {0x59, 0}, {0x5C, 0}, {0x5D, 0}, {0x5E, 0}, {0x5F, 0}, {0xC2, 1}};
        String[] arithName = {"sqrt", "add", "mul", "sub", "min", "div", "max", "cmp"};
        for (int a = 0; a < arith.length; a++) {
            for (int p = 0; p < 4; p++) {
                add(arithName[a] + pfxName[p], pfxs[p], of(0x0F, arith[a][0]), Kind.XX, sizes[p], p < 2, arith[a][1] != 0);
            }
        }
        for (int op : new int[] {0x54, 0x55, 0x56, 0x57, 0x14, 0x15}) {
            add(String.format("logic/unpck 0f %02x ps", op), 0, of(0x0F, op), Kind.XX, 16, true, false);
            add(String.format("logic/unpck 0f %02x pd", op), 0x66, of(0x0F, op), Kind.XX, 16, true, false);
        }
        add("shufps", 0, of(0x0F, 0xC6), Kind.XX, 16, true, true);
        add("shufpd", 0x66, of(0x0F, 0xC6), Kind.XX, 16, true, true);
        add("ucomiss", 0, of(0x0F, 0x2E), Kind.XX, 4, false, false);
        add("ucomisd", 0x66, of(0x0F, 0x2E), Kind.XX, 8, false, false);
        add("comiss", 0, of(0x0F, 0x2F), Kind.XX, 4, false, false);
        add("comisd", 0x66, of(0x0F, 0x2F), Kind.XX, 8, false, false);
        add("cvtsi2ss", 0xF3, of(0x0F, 0x2A), Kind.XG, 4, false, false);
        add("cvtsi2sd", 0xF2, of(0x0F, 0x2A), Kind.XG, 4, false, false);
        add("cvttss2si", 0xF3, of(0x0F, 0x2C), Kind.GX, 4, false, false);
        add("cvttsd2si", 0xF2, of(0x0F, 0x2C), Kind.GX, 8, false, false);
        add("cvtss2si", 0xF3, of(0x0F, 0x2D), Kind.GX, 4, false, false);
        add("cvtsd2si", 0xF2, of(0x0F, 0x2D), Kind.GX, 8, false, false);
        add("cvtps2pd", 0, of(0x0F, 0x5A), Kind.XX, 8, false, false);
        add("cvtpd2ps", 0x66, of(0x0F, 0x5A), Kind.XX, 16, true, false);
        add("cvtss2sd", 0xF3, of(0x0F, 0x5A), Kind.XX, 4, false, false);
        add("cvtsd2ss", 0xF2, of(0x0F, 0x5A), Kind.XX, 8, false, false);
        add("cvtdq2ps", 0, of(0x0F, 0x5B), Kind.XX, 16, true, false);
        add("cvtps2dq", 0x66, of(0x0F, 0x5B), Kind.XX, 16, true, false);
        add("cvttps2dq", 0xF3, of(0x0F, 0x5B), Kind.XX, 16, true, false);
        add("cvttpd2dq", 0x66, of(0x0F, 0xE6), Kind.XX, 16, true, false);
        add("cvtdq2pd", 0xF3, of(0x0F, 0xE6), Kind.XX, 8, false, false);
        add("cvtpd2dq", 0xF2, of(0x0F, 0xE6), Kind.XX, 16, true, false);
        // ---- SSE3
        add("movsldup", 0xF3, of(0x0F, 0x12), Kind.XX, 16, true, false);
        add("movshdup", 0xF3, of(0x0F, 0x16), Kind.XX, 16, true, false);
        add("movddup", 0xF2, of(0x0F, 0x12), Kind.XX, 8, false, false);
        add("haddpd", 0x66, of(0x0F, 0x7C), Kind.XX, 16, true, false);
        add("haddps", 0xF2, of(0x0F, 0x7C), Kind.XX, 16, true, false);
        add("hsubpd", 0x66, of(0x0F, 0x7D), Kind.XX, 16, true, false);
        add("hsubps", 0xF2, of(0x0F, 0x7D), Kind.XX, 16, true, false);
        add("addsubpd", 0x66, of(0x0F, 0xD0), Kind.XX, 16, true, false);
        add("addsubps", 0xF2, of(0x0F, 0xD0), Kind.XX, 16, true, false);
        add("lddqu", 0xF2, of(0x0F, 0xF0), Kind.XM, 16, false, false);
        // ---- SSSE3, SSE4.1, SSE4.2 (66 0F 38 xx)
        for (int op : new int[] {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x1C, 0x1D,
            0x1E, 0x10, 0x14, 0x15, 0x17, 0x28, 0x29, 0x2B, 0x37, 0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F,
            0x40, 0x41}) {
            add(String.format("0f38 %02x", op), 0x66, of(0x0F, 0x38, op), Kind.XX, 16, true, false);
        }
        int[] movx = {8, 4, 2, 8, 4, 8};
        for (int k = 0; k < 6; k++) {
            add(String.format("pmovsx 0f38 %02x", 0x20 + k), 0x66, of(0x0F, 0x38, 0x20 + k), Kind.XX, movx[k], false, false);
            add(String.format("pmovzx 0f38 %02x", 0x30 + k), 0x66, of(0x0F, 0x38, 0x30 + k), Kind.XX, movx[k], false, false);
        }
        add("movntdqa", 0x66, of(0x0F, 0x38, 0x2A), Kind.XM, 16, true, false);
        add("crc32 8", 0xF2, of(0x0F, 0x38, 0xF0), Kind.CRC, 1, false, false);
        add("crc32 v", 0xF2, of(0x0F, 0x38, 0xF1), Kind.CRC, 4, false, false);
        // ---- 66 0F 3A xx ib
        for (int op : new int[] {0x08, 0x09, 0x0C, 0x0D, 0x0E, 0x0F, 0x40, 0x41, 0x42}) {
            add(String.format("0f3a %02x", op), 0x66, of(0x0F, 0x3A, op), Kind.XX, 16, true, true);
        }
        add("roundss", 0x66, of(0x0F, 0x3A, 0x0A), Kind.XX, 4, false, true);
        add("roundsd", 0x66, of(0x0F, 0x3A, 0x0B), Kind.XX, 8, false, true);
        add("insertps", 0x66, of(0x0F, 0x3A, 0x21), Kind.XX, 4, false, true);
        add("pextrb", 0x66, of(0x0F, 0x3A, 0x14), Kind.GST, 1, false, true);
        add("pextrw rm", 0x66, of(0x0F, 0x3A, 0x15), Kind.GST, 2, false, true);
        add("pextrd/q", 0x66, of(0x0F, 0x3A, 0x16), Kind.GST, 4, false, true);
        add("extractps", 0x66, of(0x0F, 0x3A, 0x17), Kind.GST, 4, false, true);
        add("pinsrb", 0x66, of(0x0F, 0x3A, 0x20), Kind.XG, 1, false, true);
        add("pinsrd/q", 0x66, of(0x0F, 0x3A, 0x22), Kind.XG, 4, false, true);
        for (int op = 0x60; op <= 0x63; op++) {
            add(String.format("pcmpstr 0f3a %02x", op), 0x66, of(0x0F, 0x3A, op), Kind.XX, 16, false, true);
        }
        // ---- MMX (no prefix; the operand shapes are those of the XMM forms, with MM registers, whose
        // numbers ignore REX.R/REX.B: the generator sets those bits at random to check that)
        for (int op : ints) {
            if (op != 0x6C && op != 0x6D) {
                add(String.format("mmx 0f %02x", op), 0, of(0x0F, op), Kind.XX, 8, false, false);
            }
        }
        add("mmx movd/q mm,g", 0, of(0x0F, 0x6E), Kind.XG, 4, false, false);
        add("mmx movd/q g,mm", 0, of(0x0F, 0x7E), Kind.GST, 4, false, false);
        add("mmx movq", 0, of(0x0F, 0x6F), Kind.XX, 8, false, false);
        add("mmx movq st", 0, of(0x0F, 0x7F), Kind.ST, 8, false, false);
        add("mmx movntq", 0, of(0x0F, 0xE7), Kind.STM, 8, false, false);
        add("mmx pshufw", 0, of(0x0F, 0x70), Kind.XX, 8, false, true);
        for (int[] g : new int[][] {{0x71, 2}, {0x71, 4}, {0x71, 6}, {0x72, 2}, {0x72, 4}, {0x72, 6}, {0x73, 2},
            {0x73, 6}}) {
            FORMS.add(new Form(String.format("mmx shift 0f %02x /%d", g[0], g[1]), 0, of(0x0F, g[0]), Kind.GRP, 0,
                false, true, g[1]));
        }
        add("mmx pinsrw", 0, of(0x0F, 0xC4), Kind.XG, 2, false, true);
        add("mmx pextrw", 0, of(0x0F, 0xC5), Kind.GXR, 0, false, true);
        add("mmx pmovmskb", 0, of(0x0F, 0xD7), Kind.GXR, 0, false, false);
        add("mmx maskmovq", 0, of(0x0F, 0xF7), Kind.MASKMOV, 0, false, false);
        add("mmx emms", 0, of(0x0F, 0x77), Kind.NONE, 0, false, false);
        add("cvtpi2ps", 0, of(0x0F, 0x2A), Kind.XX, 8, false, false);
        add("cvtpi2pd", 0x66, of(0x0F, 0x2A), Kind.XX, 8, false, false);
        add("cvttps2pi", 0, of(0x0F, 0x2C), Kind.XX, 8, false, false);
        add("cvtps2pi", 0, of(0x0F, 0x2D), Kind.XX, 8, false, false);
        add("cvttpd2pi", 0x66, of(0x0F, 0x2C), Kind.XX, 16, true, false);
        add("cvtpd2pi", 0x66, of(0x0F, 0x2D), Kind.XX, 16, true, false);
        add("movq2dq", 0xF3, of(0x0F, 0xD6), Kind.XX, 0, false, false);
        add("movdq2q", 0xF2, of(0x0F, 0xD6), Kind.XX, 0, false, false);
        for (int op : new int[] {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x1C, 0x1D,
            0x1E}) {
            add(String.format("mmx 0f38 %02x", op), 0, of(0x0F, 0x38, op), Kind.XX, 8, false, false);
        }
        add("mmx palignr", 0, of(0x0F, 0x3A, 0x0F), Kind.XX, 8, false, true);
    }

    private final SplittableRandom rnd;
    private final List<Form> forms;

    public SseGenerator(long seed) {
        this(seed, FORMS);
    }

    public SseGenerator(long seed, List<Form> forms) {
        this.rnd = new SplittableRandom(seed);
        this.forms = forms;
    }

    // ------------------------------------------------------------------ values

    static final int[] FLOAT_EDGES = {0x0000_0000, 0x8000_0000, 0x7F80_0000, 0xFF80_0000, 0x7FC0_0000, 0xFFC0_0000,
        0x7F80_0001, 0x7FA0_0000, 0x0000_0001, 0x807F_FFFF, 0x0040_0000, 0x0080_0000, 0x8080_0000, 0x7F7F_FFFF,
        0xFF7F_FFFF, 0x3F80_0000, 0xBF80_0000, 0x3F00_0000, 0x3FC0_0000, 0x4020_0000, 0xC020_0000, 0x4040_0000,
        0x4F00_0000, 0xCF00_0000, 0x4EFF_FFFF, 0x5F00_0000, 0xDF00_0000, 0x5EFF_FFFF, 0x3F7F_FFFF, 0x3F80_0001,
        0x4B80_0000, 0x4B00_0001, 0x0100_0000, 0x3400_0000};
    static final long[] DOUBLE_EDGES = {0L, 0x8000_0000_0000_0000L, 0x7FF0_0000_0000_0000L, 0xFFF0_0000_0000_0000L,
        0x7FF8_0000_0000_0000L, 0xFFF8_0000_0000_0000L, 0x7FF0_0000_0000_0001L, 0x7FF4_0000_0000_0000L, 1L,
        0x800F_FFFF_FFFF_FFFFL, 0x0010_0000_0000_0000L, 0x7FEF_FFFF_FFFF_FFFFL, 0x3FF0_0000_0000_0000L,
        0xBFF0_0000_0000_0000L, 0x3FE0_0000_0000_0000L, 0x3FF8_0000_0000_0000L, 0x4004_0000_0000_0000L,
        0xC004_0000_0000_0000L, 0x41E0_0000_0000_0000L, 0xC1E0_0000_0000_0000L, 0x41DF_FFFF_FFC0_0000L,
        0x41DF_FFFF_FFE0_0000L, 0xC1E0_0000_0010_0000L, 0x43E0_0000_0000_0000L, 0xC3E0_0000_0000_0000L,
        0x43DF_FFFF_FFFF_FFFFL, 0x3FEF_FFFF_FFFF_FFFFL, 0x4340_0000_0000_0000L, 0x4330_0000_0000_0001L,
        0x47EF_FFFF_E000_0000L, 0x47EF_FFFF_F000_0000L, 0x3810_0000_0000_0000L, 0x380F_FFFF_F000_0000L,
        0x36A0_0000_0000_0000L, 0x3690_0000_0000_0000L};

    int floatValue() {
        switch (rnd.nextInt(8)) {
            case 0, 1 -> {
                return FLOAT_EDGES[rnd.nextInt(FLOAT_EDGES.length)];
            }
            case 2 -> { // a small integer or half
                float v = (rnd.nextInt(41) - 20) / (rnd.nextBoolean() ? 1f : 2f);
                return Float.floatToRawIntBits(v);
            }
            case 3 -> { // any exponent
                return rnd.nextInt();
            }
            case 4 -> { // denormals and tiny normals
                return (rnd.nextInt() & 0x80FF_FFFF) | (rnd.nextInt(3) << 23);
            }
            case 5 -> { // near the top
                return (rnd.nextInt() & 0x807F_FFFF) | ((252 + rnd.nextInt(3)) << 23);
            }
            default -> { // moderate magnitudes, random low bits
                return (rnd.nextInt() & 0x807F_FFFF) | ((100 + rnd.nextInt(60)) << 23);
            }
        }
    }

    long doubleValue() {
        switch (rnd.nextInt(8)) {
            case 0, 1 -> {
                return DOUBLE_EDGES[rnd.nextInt(DOUBLE_EDGES.length)];
            }
            case 2 -> {
                return Double.doubleToRawLongBits((rnd.nextInt(41) - 20) / (rnd.nextBoolean() ? 1.0 : 2.0));
            }
            case 3 -> {
                return rnd.nextLong();
            }
            case 4 -> {
                return (rnd.nextLong() & 0x800F_FFFF_FFFF_FFFFL) | ((long) rnd.nextInt(3) << 52);
            }
            case 5 -> { // near the float range's ends, for conversions to single
                int e = rnd.nextBoolean() ? 1023 + 126 + rnd.nextInt(4) : 1023 - 126 - rnd.nextInt(30);
                return (rnd.nextLong() & 0x800F_FFFF_FFFF_FFFFL) | ((long) e << 52);
            }
            case 6 -> {
                return (rnd.nextLong() & 0x800F_FFFF_FFFF_FFFFL) | ((long) (2040 + rnd.nextInt(7)) << 52);
            }
            default -> {
                return (rnd.nextLong() & 0x800F_FFFF_FFFF_FFFFL) | ((long) (1000 + rnd.nextInt(60)) << 52);
            }
        }
    }

    long intLanes() {
        switch (rnd.nextInt(4)) {
            case 0 -> {
                long v = 0;
                long[] b = {0, 0xFF, 0x7F, 0x80, 0x01, 0xFE, 0x81};
                for (int i = 0; i < 8; i++) {
                    v |= b[rnd.nextInt(b.length)] << (8 * i);
                }
                return v;
            }
            case 1 -> {
                long v = 0;
                long[] w = {0, 0xFFFF, 0x7FFF, 0x8000, 0x0001, 0x00FF, 0xFF00, 0x0080};
                for (int i = 0; i < 4; i++) {
                    v |= w[rnd.nextInt(w.length)] << (16 * i);
                }
                return v;
            }
            case 2 -> {
                return rnd.nextLong() & 0x00FF_00FF_00FF_00FFL; // many zero bytes: string ends
            }
            default -> {
                return rnd.nextLong();
            }
        }
    }

    /** 128 bits as two longs, lanes typed at random. */
    long[] vector() {
        int view = rnd.nextInt(3);
        long[] v = new long[2];
        for (int h = 0; h < 2; h++) {
            v[h] = switch (view) {
                case 0 -> (floatValue() & 0xFFFF_FFFFL) | ((long) floatValue() << 32);
                case 1 -> doubleValue();
                default -> intLanes();
            };
        }
        return v;
    }

    long gprValue() {
        return switch (rnd.nextInt(5)) {
            case 0 -> Generator.EDGES[rnd.nextInt(Generator.EDGES.length)];
            case 1 -> rnd.nextInt(41) - 20; // string lengths, small integers
            case 2 -> rnd.nextLong() & 0xFFFF;
            default -> rnd.nextLong();
        };
    }

    // ------------------------------------------------------------------ cases

    public SseCase next() {
        Form f = forms.get(rnd.nextInt(forms.size()));
        long[] g = new long[16];
        for (int i = 0; i < 16; i++) {
            g[i] = gprValue();
        }
        long flags = 0x2 | (rnd.nextLong() & Generator.ALL);
        long[] xmm = new long[32];
        for (int i = 0; i < 16; i++) {
            long[] v = vector();
            xmm[2 * i] = v[0];
            xmm[2 * i + 1] = v[1];
        }
        byte[] data = new byte[SseHarness.DATA_SIZE];
        for (int i = 0; i < data.length; i += 16) {
            long[] v = vector();
            for (int k = 0; k < 16; k++) {
                data[i + k] = (byte) (v[k >> 3] >>> ((k & 7) * 8));
            }
        }
        int mxcsr = 0x1F80 | (rnd.nextInt(4) << 13);
        if (rnd.nextInt(4) == 0) {
            mxcsr |= 0x8000; // FTZ
        }
        if (rnd.nextInt(4) == 0) {
            mxcsr |= 0x40; // DAZ
        }
        if (rnd.nextBoolean()) {
            mxcsr |= rnd.nextInt(64); // sticky flags already set
        }
        StringBuilder text = new StringBuilder(f.name());
        byte[] code = encode(f, text);
        long[] mm = new long[8];
        for (int i = 0; i < 8; i++) {
            mm[i] = rnd.nextInt(3) == 0 ? vector()[0] : intLanes();
        }
        return new SseCase(text.toString(), code, g, flags, xmm, mxcsr, mm, data);
    }

    /**
     * A GPR operand: never RSP, nor RBX (the data pointer, whose address differs between the guest
     * and the host CPU), nor 7, which is BH in a byte operand without REX.
     */
    private int gpr(boolean dest) {
        while (true) {
            int r = rnd.nextInt(16);
            if (r == RSP || r == RBX || r == 7) {
                continue;
            }
            return r;
        }
    }

    private int imm(Form f) {
        String n = f.name();
        if (n.startsWith("cmp")) {
            return rnd.nextInt(4) == 0 ? rnd.nextInt(256) : rnd.nextInt(8);
        }
        if (n.contains("palignr") || n.startsWith("0f3a 0f")) {
            return rnd.nextBoolean() ? rnd.nextInt(34) : rnd.nextInt(256);
        }
        if (n.contains("shift")) {
            return rnd.nextInt(3) == 0 ? rnd.nextInt(256) : rnd.nextInt(f.opcode()[1] == 0x71 ? 18 : f.opcode()[1] == 0x72 ? 34 : 66);
        }
        return rnd.nextInt(256);
    }

    private byte[] encode(Form f, StringBuilder text) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        boolean mem;
        int reg, rm;
        boolean w = rnd.nextInt(4) == 0;
        int memSize = f.memSize();
        switch (f.kind()) {
            case XX, ST -> {
                mem = memSize > 0 && rnd.nextInt(3) == 0;
                reg = rnd.nextInt(16);
                rm = rnd.nextInt(16);
            }
            case XM, STM -> {
                mem = true;
                reg = rnd.nextInt(16);
                rm = 0;
            }
            case XG -> {
                mem = rnd.nextInt(3) == 0;
                reg = rnd.nextInt(16);
                rm = gpr(false);
            }
            case GX -> {
                mem = rnd.nextInt(3) == 0;
                reg = gpr(true);
                rm = rnd.nextInt(16);
            }
            case GXR -> {
                mem = false;
                reg = gpr(true);
                rm = rnd.nextInt(16);
            }
            case GST -> {
                mem = rnd.nextInt(3) == 0;
                reg = rnd.nextInt(16);
                rm = gpr(true);
            }
            case GRP -> {
                mem = false;
                reg = f.ext();
                rm = rnd.nextInt(16);
            }
            case CRC -> {
                mem = rnd.nextInt(3) == 0;
                reg = gpr(true);
                rm = gpr(false);
                if (f.opcode()[2] == 0xF1 && rnd.nextInt(3) == 0) {
                    b.write(0x66); // CRC32 r32, r/m16 (66 before the mandatory F2)
                    memSize = 2;
                }
            }
            case NTI -> {
                mem = true;
                reg = gpr(false);
                rm = 0;
            }
            case NONE -> {
                for (int o : f.opcode()) {
                    b.write(o);
                }
                return b.toByteArray();
            }
            default -> { // MASKMOV: mov rdi, rbx first
                b.writeBytes(new byte[] {0x48, (byte) 0x89, (byte) 0xDF});
                mem = false;
                reg = rnd.nextInt(16);
                rm = rnd.nextInt(16);
                w = false;
            }
        }
        if (w && (f.kind() == Kind.XG || f.kind() == Kind.GX || f.kind() == Kind.GST || f.kind() == Kind.NTI
            || f.kind() == Kind.CRC)) {
            if (f.memSize() == 4) {
                memSize = 8; // REX.W widens the GPR/memory operand
            }
        }
        if (f.prefix() != 0) {
            b.write(f.prefix());
        }
        int rex = (w ? 8 : 0) | ((reg >> 3) << 2) | (mem ? 0 : rm >> 3);
        // A byte GPR operand (CRC32 r/m8, PEXTRB, PINSRB) without REX means AH..BH for 4-7: keep them REX.
        if (rex != 0 || ((f.kind() == Kind.CRC || f.kind() == Kind.GST || f.kind() == Kind.XG) && rnd.nextBoolean())) {
            b.write(0x40 | rex);
        }
        for (int o : f.opcode()) {
            b.write(o);
        }
        if (mem) {
            int disp;
            if (f.aligned()) {
                disp = 16 * rnd.nextInt((SseHarness.DATA_SIZE - memSize) / 16 + 1);
            } else {
                disp = rnd.nextInt(SseHarness.DATA_SIZE - memSize + 1);
            }
            b.write(0x40 | ((reg & 7) << 3) | RBX);
            b.write(disp);
            text.append(" mem");
        } else {
            b.write(0xC0 | ((reg & 7) << 3) | (rm & 7));
        }
        if (f.imm()) {
            int i = imm(f);
            b.write(i);
            text.append(" ").append(i);
        }
        if (w) {
            text.append(" W");
        }
        return b.toByteArray();
    }

    public List<SseCase> cases(int count) {
        List<SseCase> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(next());
        }
        return out;
    }
}
