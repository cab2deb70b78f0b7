package dev.jvmm.devmodel.vcpu;

/** A segment register with its hidden descriptor cache, in the neutral form every accelerator converts. */
public record Segment(int selector, long base, int limit, int type, boolean present, int dpl, boolean db,
                      boolean s, boolean l, boolean g, boolean avl, boolean unusable) {

    /** A flat 4 GiB 32-bit code (type 0xB) or data (type 0x3) segment. */
    public static Segment flat32(int selector, boolean code) {
        return new Segment(selector, 0, 0xFFFF_FFFF, code ? 0xB : 0x3, true, 0, true, true, false, true, false, false);
    }

    /** A 64-bit code segment (L=1, D=0). */
    public static Segment code64(int selector) {
        return new Segment(selector, 0, 0xFFFF_FFFF, 0xB, true, 0, false, true, true, true, false, false);
    }

    /** A busy 32/64-bit TSS (type 0xB, system segment), as VM entry requires of TR. */
    public static Segment busyTss(int selector, long base, int limit) {
        return new Segment(selector, base, limit, 0xB, true, 0, false, false, false, false, false, false);
    }

    /** The null LDT: unusable, as after reset. */
    public static Segment nullLdt() {
        return new Segment(0, 0, 0xFFFF, 0x2, true, 0, false, false, false, false, false, true);
    }

    /** A real-mode segment at {@code selector << 4} with a 64 KiB limit. */
    public static Segment real(int selector, boolean code) {
        return new Segment(selector, (long) selector << 4, 0xFFFF, code ? 0xB : 0x3, true, 0, false, true, false,
            false, false, false);
    }
}
