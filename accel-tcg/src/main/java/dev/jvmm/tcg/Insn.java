package dev.jvmm.tcg;

/**
 * One decoded instruction. Mutable and reused: each vCPU decodes into its own instance, so the
 * interpreter's decode step allocates nothing.
 */
final class Insn {
    static final int P_LOCK = 1, P_REP = 2, P_REPNE = 4, P_OPSIZE = 8, P_ADDRSIZE = 16;
    static final int MAP_1 = 0, MAP_0F = 1, MAP_0F38 = 2, MAP_0F3A = 3;

    int prefixes;
    /** Segment override: index into {@link Cpu#segs} (ES, CS, SS, DS, FS, GS), or -1. */
    int seg;
    /** The REX byte, or 0 when there is none. */
    int rex;
    int map;
    int op;
    boolean hasModrm;
    int mod, reg, rm;
    /** Memory operand: base and index registers (-1 for none), scale shift, RIP-relative flag. */
    int base, index, scale;
    boolean ripRelative;
    long disp;
    long imm, imm2;
    int opSize, addrSize;
    int length;
    long start;

    boolean rexW() {
        return (rex & 8) != 0;
    }

    boolean hasRex() {
        return rex != 0;
    }

    boolean memOperand() {
        return hasModrm && mod != 3;
    }

    boolean has(int prefix) {
        return (prefixes & prefix) != 0;
    }

    /** The last legacy prefix among 66/F2/F3 as SSE uses it to select the instruction. */
    int ssePrefix;

    /** A copy for the decoded-block cache (the decoder reuses its own instance). */
    Insn copy() {
        Insn c = new Insn();
        c.prefixes = prefixes;
        c.seg = seg;
        c.rex = rex;
        c.map = map;
        c.op = op;
        c.hasModrm = hasModrm;
        c.mod = mod;
        c.reg = reg;
        c.rm = rm;
        c.base = base;
        c.index = index;
        c.scale = scale;
        c.ripRelative = ripRelative;
        c.disp = disp;
        c.imm = imm;
        c.imm2 = imm2;
        c.opSize = opSize;
        c.addrSize = addrSize;
        c.length = length;
        c.start = start;
        c.ssePrefix = ssePrefix;
        return c;
    }

    @Override
    public String toString() {
        return String.format("insn map %d op %02x modrm %d/%d/%d len %d at %x", map, op, mod, reg, rm, length, start);
    }
}
