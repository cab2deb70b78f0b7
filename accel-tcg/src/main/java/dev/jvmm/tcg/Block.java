package dev.jvmm.tcg;

/**
 * Straight-line instructions decoded from one guest page, valid while the page's generation in
 * the {@link CodeCache} is unchanged. Keyed by physical start address and decoding mode.
 */
final class Block {
    static final int MAX_INSNS = 32;

    final long key;
    final int page;
    final int generation;
    final Insn[] insns;

    Block(long key, int page, int generation, Insn[] insns) {
        this.key = key;
        this.page = page;
        this.generation = generation;
        this.insns = insns;
    }

    /**
     * Whether a block must end after this instruction: it changes how the following bytes decode
     * (mode, segments, paging) or when interrupts are taken. Near branches need no entry here: the
     * executor leaves a block whenever RIP is not the next instruction's address. Far transfers do,
     * because one may land exactly on the next address in another mode (found by the compatibility
     * mode differential test: a RETF to the following bytes ran them as 32-bit code).
     */
    static boolean endsBlock(Insn in) {
        int op = in.op;
        if (in.map == Insn.MAP_1) {
            return op == 0x07 || op == 0x17 || op == 0x1F || op == 0x8E || op == 0x9D || op == 0xC4 || op == 0xC5
                || (op >= 0xCC && op <= 0xCF) || op == 0xF1 || op == 0xF4 || op == 0xFA || op == 0xFB
                || (op >= 0xE4 && op <= 0xEF) || op == 0x6C || op == 0x6D || op == 0x6E || op == 0x6F
                || op == 0x9A || op == 0xEA || op == 0xCA || op == 0xCB || (op == 0xFF && ((in.reg & 7) == 3 || (in.reg & 7) == 5))
                || (op >= 0xD8 && op <= 0xDF);
        }
        if (in.map == Insn.MAP_0F) {
            boolean plain = (op >= 0x40 && op <= 0x4F) || (op >= 0x80 && op <= 0x9F) || op == 0xA3 || op == 0xAB
                || op == 0xB3 || op == 0xBB || op == 0xBA || op == 0xA4 || op == 0xA5 || op == 0xAC || op == 0xAD
                || op == 0xAF || op == 0xB0 || op == 0xB1 || op == 0xB6 || op == 0xB7 || op == 0xBE || op == 0xBF
                || op == 0xBC || op == 0xBD || op == 0xB8 || op == 0xC0 || op == 0xC1 || (op >= 0xC8 && op <= 0xCF)
                || op == 0x1F;
            return !plain;
        }
        return true;
    }
}
