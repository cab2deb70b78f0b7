package dev.jvmm.tcg;

/**
 * Decodes the x86 instruction encoding: legacy prefixes, REX, the one-, two- and three-byte
 * opcode maps, ModRM, SIB, RIP-relative displacements and immediates. Which opcodes exist is the
 * interpreter's business; the decoder only needs each opcode's shape.
 */
final class Decoder {
    private Decoder() {}

    static final int MAX_LENGTH = 15;

    // Immediate kinds.
    static final int I_NONE = 0, I_B = 1, I_W = 2, I_Z = 3, I_V = 4, I_ENTER = 5, I_FAR = 6, I_MOFFS = 7, I_GRP3 = 8;

    /** Per one-byte opcode: bit 7 = has ModRM; low bits = immediate kind. */
    private static final byte[] MAP1 = new byte[256];
    private static final byte[] MAP0F = new byte[256];
    private static final int MODRM = 0x80;

    static {
        for (int b = 0; b < 0x40; b += 8) {
            MAP1[b] = MAP1[b + 1] = MAP1[b + 2] = MAP1[b + 3] = (byte) MODRM;
            MAP1[b + 4] = I_B;
            MAP1[b + 5] = I_Z;
        }
        MAP1[0x62] = MAP1[0x63] = (byte) MODRM;
        MAP1[0x68] = I_Z;
        MAP1[0x69] = (byte) (MODRM | I_Z);
        MAP1[0x6A] = I_B;
        MAP1[0x6B] = (byte) (MODRM | I_B);
        for (int b = 0x70; b <= 0x7F; b++) {
            MAP1[b] = I_B;
        }
        MAP1[0x80] = (byte) (MODRM | I_B);
        MAP1[0x81] = (byte) (MODRM | I_Z);
        MAP1[0x82] = (byte) (MODRM | I_B);
        MAP1[0x83] = (byte) (MODRM | I_B);
        for (int b = 0x84; b <= 0x8F; b++) {
            MAP1[b] = (byte) MODRM;
        }
        MAP1[0x9A] = I_FAR;
        MAP1[0xA0] = MAP1[0xA1] = MAP1[0xA2] = MAP1[0xA3] = I_MOFFS;
        MAP1[0xA8] = I_B;
        MAP1[0xA9] = I_Z;
        for (int b = 0xB0; b <= 0xB7; b++) {
            MAP1[b] = I_B;
        }
        for (int b = 0xB8; b <= 0xBF; b++) {
            MAP1[b] = I_V;
        }
        MAP1[0xC0] = MAP1[0xC1] = (byte) (MODRM | I_B);
        MAP1[0xC2] = I_W;
        MAP1[0xC4] = MAP1[0xC5] = (byte) MODRM;
        MAP1[0xC6] = (byte) (MODRM | I_B);
        MAP1[0xC7] = (byte) (MODRM | I_Z);
        MAP1[0xC8] = I_ENTER;
        MAP1[0xCA] = I_W;
        MAP1[0xCD] = I_B;
        MAP1[0xD0] = MAP1[0xD1] = MAP1[0xD2] = MAP1[0xD3] = (byte) MODRM;
        MAP1[0xD4] = MAP1[0xD5] = I_B;
        for (int b = 0xD8; b <= 0xDF; b++) {
            MAP1[b] = (byte) MODRM;
        }
        for (int b = 0xE0; b <= 0xE7; b++) {
            MAP1[b] = I_B;
        }
        MAP1[0xE8] = MAP1[0xE9] = I_Z;
        MAP1[0xEA] = I_FAR;
        MAP1[0xEB] = I_B;
        MAP1[0xF6] = (byte) (MODRM | I_GRP3);
        MAP1[0xF7] = (byte) (MODRM | I_GRP3);
        MAP1[0xFE] = MAP1[0xFF] = (byte) MODRM;

        for (int b = 0; b < 256; b++) {
            MAP0F[b] = (byte) MODRM;
        }
        for (int b : new int[] {0x05, 0x06, 0x07, 0x08, 0x09, 0x0B, 0x0E, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x37,
            0x77, 0xA0, 0xA1, 0xA2, 0xA8, 0xA9, 0xAA}) {
            MAP0F[b] = 0;
        }
        for (int b = 0xC8; b <= 0xCF; b++) {
            MAP0F[b] = 0;
        }
        for (int b = 0x80; b <= 0x8F; b++) {
            MAP0F[b] = I_Z;
        }
        for (int b : new int[] {0x70, 0x71, 0x72, 0x73, 0xA4, 0xAC, 0xBA, 0xC2, 0xC4, 0xC5, 0xC6}) {
            MAP0F[b] = (byte) (MODRM | I_B);
        }
    }

    /** Opcodes whose operand size is 64 bits by default in 64-bit mode. */
    private static boolean defaultsTo64(int map, int op) {
        if (map == Insn.MAP_1) {
            return (op >= 0x50 && op <= 0x5F) || op == 0x68 || op == 0x6A || op == 0x8F || op == 0x9C || op == 0x9D
                || (op >= 0x70 && op <= 0x7F) || op == 0xC2 || op == 0xC3 || op == 0xC8 || op == 0xC9
                || (op >= 0xE0 && op <= 0xE3) || op == 0xE8 || op == 0xE9 || op == 0xEB;
        }
        return map == Insn.MAP_0F && ((op >= 0x80 && op <= 0x8F) || op == 0xA0 || op == 0xA1 || op == 0xA8
            || op == 0xA9);
    }

    /**
     * Decodes the instruction at CS:RIP into {@code in}. Faults (#PF on fetch, #GP past 15 bytes, #UD
     * for LOCK where it is not allowed is the interpreter's) propagate as {@link CpuFault}.
     */
    static void decode(Cpu cpu, Insn in) {
        decodeAt(cpu, cpu.rip, in);
    }

    /** Decodes the instruction at CS:{@code pc}. */
    static void decodeAt(Cpu cpu, long pc, Insn in) {
        boolean mode64 = cpu.code64();
        boolean db = cpu.cs.db();
        in.start = pc;
        in.prefixes = 0;
        in.seg = -1;
        in.rex = 0;
        in.ssePrefix = 0;
        int n = 0;
        int b;
        // Legacy prefixes, then (64-bit only) REX immediately before the opcode; a REX followed by
        // a legacy prefix is ignored.
        while (true) {
            b = fetch(cpu, pc, n++);
            boolean legacy = true;
            switch (b) {
                case 0xF0 -> in.prefixes |= Insn.P_LOCK;
                case 0xF2 -> {
                    in.prefixes = (in.prefixes & ~Insn.P_REP) | Insn.P_REPNE;
                    in.ssePrefix = 0xF2;
                }
                case 0xF3 -> {
                    in.prefixes = (in.prefixes & ~Insn.P_REPNE) | Insn.P_REP;
                    in.ssePrefix = 0xF3;
                }
                case 0x66 -> {
                    in.prefixes |= Insn.P_OPSIZE;
                    if (in.ssePrefix == 0) {
                        in.ssePrefix = 0x66;
                    }
                }
                case 0x67 -> in.prefixes |= Insn.P_ADDRSIZE;
                case 0x26 -> in.seg = 0;
                case 0x2E -> in.seg = 1;
                case 0x36 -> in.seg = 2;
                case 0x3E -> in.seg = 3;
                case 0x64 -> in.seg = 4;
                case 0x65 -> in.seg = 5;
                default -> legacy = false;
            }
            if (legacy) {
                in.rex = 0;
            } else if (mode64 && (b & 0xF0) == 0x40) {
                in.rex = b;
            } else {
                break;
            }
        }
        if (mode64 && (in.seg == 0 || in.seg == 1 || in.seg == 2 || in.seg == 3)) {
            in.seg = -1; // ES/CS/SS/DS overrides are ignored in 64-bit mode
        }
        int map = Insn.MAP_1;
        int shape;
        if (b == 0x0F) {
            b = fetch(cpu, pc, n++);
            if (b == 0x38) {
                map = Insn.MAP_0F38;
                b = fetch(cpu, pc, n++);
                shape = MODRM;
            } else if (b == 0x3A) {
                map = Insn.MAP_0F3A;
                b = fetch(cpu, pc, n++);
                shape = MODRM | I_B;
            } else {
                map = Insn.MAP_0F;
                shape = MAP0F[b] & 0xFF;
            }
        } else {
            shape = MAP1[b] & 0xFF;
        }
        in.map = map;
        in.op = b;

        // Operand and address size.
        if (mode64) {
            if (in.rexW()) {
                in.opSize = 8;
            } else if (in.has(Insn.P_OPSIZE)) {
                in.opSize = 2;
            } else {
                in.opSize = defaultsTo64(map, b) ? 8 : 4;
            }
            in.addrSize = in.has(Insn.P_ADDRSIZE) ? 4 : 8;
        } else {
            in.opSize = db ^ in.has(Insn.P_OPSIZE) ? 4 : 2;
            in.addrSize = db ^ in.has(Insn.P_ADDRSIZE) ? 4 : 2;
        }

        // ModRM, SIB, displacement.
        in.hasModrm = (shape & MODRM) != 0;
        in.base = -1;
        in.index = -1;
        in.scale = 0;
        in.ripRelative = false;
        in.disp = 0;
        if (in.hasModrm) {
            int modrm = fetch(cpu, pc, n++);
            in.mod = modrm >> 6;
            in.reg = ((modrm >> 3) & 7) | ((in.rex & 4) << 1);
            int rm = modrm & 7;
            if (in.mod == 3) {
                in.rm = rm | ((in.rex & 1) << 3);
            } else if (in.addrSize == 2) {
                in.rm = rm;
                n = decode16(cpu, in, pc, n, rm);
            } else {
                in.rm = rm;
                if (rm == 4) {
                    int sib = fetch(cpu, pc, n++);
                    in.scale = sib >> 6;
                    int idx = ((sib >> 3) & 7) | ((in.rex & 2) << 2);
                    in.index = idx == 4 ? -1 : idx;
                    int base = sib & 7;
                    if (base == 5 && in.mod == 0) {
                        in.base = -1;
                        in.disp = (int) fetch32(cpu, pc, n);
                        n += 4;
                    } else {
                        in.base = base | ((in.rex & 1) << 3);
                    }
                } else if (rm == 5 && in.mod == 0) {
                    if (mode64) {
                        in.ripRelative = true;
                    }
                    in.disp = (int) fetch32(cpu, pc, n);
                    n += 4;
                } else {
                    in.base = rm | ((in.rex & 1) << 3);
                }
                if (in.mod == 1) {
                    in.disp = (byte) fetch(cpu, pc, n++);
                } else if (in.mod == 2) {
                    in.disp = (int) fetch32(cpu, pc, n);
                    n += 4;
                }
            }
        }

        // Immediates.
        int immKind = shape & 0x0F;
        in.imm = 0;
        in.imm2 = 0;
        switch (immKind) {
            case I_B -> in.imm = (byte) fetch(cpu, pc, n++);
            case I_W -> {
                in.imm = fetch16(cpu, pc, n);
                n += 2;
            }
            case I_Z -> {
                if (in.opSize == 2 && !(mode64 && isBranchZ(map, b))) {
                    in.imm = (short) fetch16(cpu, pc, n);
                    n += 2;
                } else if (in.opSize == 2) {
                    in.imm = (int) fetch32(cpu, pc, n); // 64-bit near branches ignore 66 (as AMD and Intel 64 do)
                    n += 4;
                } else {
                    in.imm = (int) fetch32(cpu, pc, n);
                    n += 4;
                }
            }
            case I_V -> {
                if (in.opSize == 8) {
                    in.imm = fetch32(cpu, pc, n) | (fetch32(cpu, pc, n + 4) << 32);
                    n += 8;
                } else if (in.opSize == 4) {
                    in.imm = fetch32(cpu, pc, n);
                    n += 4;
                } else {
                    in.imm = fetch16(cpu, pc, n);
                    n += 2;
                }
            }
            case I_ENTER -> {
                in.imm = fetch16(cpu, pc, n);
                in.imm2 = fetch(cpu, pc, n + 2);
                n += 3;
            }
            case I_FAR -> {
                if (mode64) {
                    throw CpuFault.ud(); // far call/jmp with an immediate does not exist in 64-bit mode
                }
                if (in.opSize == 4) {
                    in.imm = fetch32(cpu, pc, n);
                    n += 4;
                } else {
                    in.imm = fetch16(cpu, pc, n);
                    n += 2;
                }
                in.imm2 = fetch16(cpu, pc, n);
                n += 2;
            }
            case I_MOFFS -> {
                if (in.addrSize == 8) {
                    in.imm = fetch32(cpu, pc, n) | (fetch32(cpu, pc, n + 4) << 32);
                    n += 8;
                } else if (in.addrSize == 4) {
                    in.imm = fetch32(cpu, pc, n);
                    n += 4;
                } else {
                    in.imm = fetch16(cpu, pc, n);
                    n += 2;
                }
            }
            case I_GRP3 -> {
                if ((in.reg & 7) == 0 || (in.reg & 7) == 1) { // TEST takes an immediate; NOT..IDIV do not
                    if (b == 0xF6) {
                        in.imm = (byte) fetch(cpu, pc, n++);
                    } else if (in.opSize == 2) {
                        in.imm = (short) fetch16(cpu, pc, n);
                        n += 2;
                    } else {
                        in.imm = (int) fetch32(cpu, pc, n);
                        n += 4;
                    }
                }
            }
            default -> { }
        }
        if (n > MAX_LENGTH) {
            throw CpuFault.gp(0);
        }
        in.length = n;
    }

    private static boolean isBranchZ(int map, int op) {
        return (map == Insn.MAP_1 && (op == 0xE8 || op == 0xE9)) || (map == Insn.MAP_0F && op >= 0x80 && op <= 0x8F);
    }

    /** 16-bit addressing: the fixed base/index pairs of the 8086. */
    private static int decode16(Cpu cpu, Insn in, long pc, int n, int rm) {
        final int bx = 3, bp = 5, si = 6, di = 7;
        switch (rm) {
            case 0 -> { in.base = bx; in.index = si; }
            case 1 -> { in.base = bx; in.index = di; }
            case 2 -> { in.base = bp; in.index = si; }
            case 3 -> { in.base = bp; in.index = di; }
            case 4 -> in.base = si;
            case 5 -> in.base = di;
            case 6 -> in.base = in.mod == 0 ? -1 : bp;
            default -> in.base = bx;
        }
        if (in.mod == 0 && rm == 6) {
            in.disp = (short) fetch16(cpu, pc, n);
            n += 2;
        } else if (in.mod == 1) {
            in.disp = (byte) fetch(cpu, pc, n++);
        } else if (in.mod == 2) {
            in.disp = (short) fetch16(cpu, pc, n);
            n += 2;
        }
        return n;
    }

    static int fetch(Cpu cpu, long pc, int offset) {
        if (offset >= MAX_LENGTH) {
            throw CpuFault.gp(0);
        }
        long lin = cpu.cs.base + pc + offset;
        if (!cpu.code64()) {
            lin &= 0xFFFF_FFFFL;
        }
        return (int) cpu.readLinear(lin, 1, Cpu.ACC_EXEC);
    }

    static long fetch16(Cpu cpu, long pc, int offset) {
        return fetch(cpu, pc, offset) | (fetch(cpu, pc, offset + 1) << 8);
    }

    static long fetch32(Cpu cpu, long pc, int offset) {
        return fetch16(cpu, pc, offset) | (fetch16(cpu, pc, offset + 2) << 16);
    }
}
