package dev.jvmm.tcg;

/**
 * A segment register with its hidden descriptor cache, mutable because the CPU reloads it in
 * place. {@code attr} packs the descriptor's access byte and flags as in bits 8-15 and 20-23 of
 * a descriptor's high dword, shifted down: type(0-3) S(4) DPL(5-6) P(7) AVL(12) L(13) DB(14) G(15).
 */
final class Seg {
    int selector;
    long base;
    long limit;
    int attr;
    boolean unusable;

    static final int A_S = 1 << 4, A_P = 1 << 7, A_AVL = 1 << 12, A_L = 1 << 13, A_DB = 1 << 14, A_G = 1 << 15;

    int type() {
        return attr & 0xF;
    }

    int dpl() {
        return (attr >> 5) & 3;
    }

    boolean present() {
        return (attr & A_P) != 0;
    }

    boolean db() {
        return (attr & A_DB) != 0;
    }

    boolean longMode() {
        return (attr & A_L) != 0;
    }

    void set(int selector, long base, long limit, int attr) {
        this.selector = selector;
        this.base = base;
        this.limit = limit;
        this.attr = attr;
        this.unusable = false;
    }

    /** Real-mode load: base = selector * 16, attributes unchanged except present and writable. */
    void loadReal(int selector) {
        this.selector = selector & 0xFFFF;
        this.base = (long) (selector & 0xFFFF) << 4;
    }

    /** Loads from an 8-byte descriptor as the hardware caches it. */
    void loadDescriptor(int selector, long desc) {
        this.selector = selector;
        long base = ((desc >>> 16) & 0xFF_FFFFL) | (((desc >>> 56) & 0xFF) << 24);
        long limit = (desc & 0xFFFF) | ((desc >>> 32) & 0xF_0000L);
        int attr = (int) ((desc >>> 40) & 0xFF) | (int) (((desc >>> 52) & 0xF) << 12);
        if ((attr & A_G) != 0) {
            limit = (limit << 12) | 0xFFF;
        }
        this.base = base;
        this.limit = limit;
        this.attr = attr;
        this.unusable = false;
    }

    void copyFrom(Seg o) {
        selector = o.selector;
        base = o.base;
        limit = o.limit;
        attr = o.attr;
        unusable = o.unusable;
    }
}
