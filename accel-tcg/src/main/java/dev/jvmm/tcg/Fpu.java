package dev.jvmm.tcg;

/**
 * The x87 FPU register state: eight 80-bit data registers addressed as a stack through TOP, the
 * control, status and tag words, and the last instruction and data pointers (Intel SDM vol. 1,
 * 8.1).
 *
 * <p>Registers are kept by physical number; ST(i) is physical register (TOP + i) mod 8. Only the
 * empty/non-empty state of each register is stored: the full two-bit tags (valid, zero, special)
 * are derived from the contents when saved, as the hardware does. ES and B in the status word are
 * derived too: ES is set exactly when an exception flag is set whose mask bit is clear.
 *
 * <p>MMX registers alias the significands: MMi is {@code sig[i]} (writes set {@code se[i]} to
 * 0xFFFF), and MMX instructions set {@code top = 0} and {@code valid = 0xFF} (EMMS: 0).
 */
final class Fpu {
    /** Physical registers: sign/exponent and significand. */
    final int[] se = new int[8];
    final long[] sig = new long[8];
    /** Bit i set: physical register i is non-empty (the FXSAVE "abridged" tag). */
    int valid;
    int top;
    int fcw = 0x37F;
    /** The status word's exception flags (0-5), SF (6) and C0-C3 (8, 9, 10, 14); no TOP, ES or B. */
    int fsw;
    /** Last non-control instruction: opcode (11 bits), instruction and data pointers and selectors. */
    int fop;
    long fip, fdp;
    int fcs, fds;

    // ---- scratch state of the operation being executed (not architectural) ----
    /** Exceptions raised by the current operation. */
    int exc;
    /** Whether the last rounding increased the magnitude (reported in C1). */
    boolean up;
    /** The current instruction's memory operand was a float32/float64 denormal. */
    boolean srcDenormal;
    /** FPREM/FPREM1: the low three quotient bits, and whether the reduction is incomplete. */
    int remQuotient;
    boolean remPartial;

    static final int SW_SF = 0x40, SW_ES = 0x80, SW_C0 = 0x100, SW_C1 = 0x200, SW_C2 = 0x400, SW_C3 = 0x4000,
        SW_B = 0x8000, SW_CC = SW_C0 | SW_C1 | SW_C2 | SW_C3;

    /** FNINIT / reset state; the register contents are kept, as on the hardware. */
    void init() {
        fcw = 0x37F;
        fsw = 0;
        top = 0;
        valid = 0;
        fop = 0;
        fip = fdp = 0;
        fcs = fds = 0;
    }

    /** Power-on reset: FNINIT and zeroed registers. */
    void reset() {
        init();
        java.util.Arrays.fill(se, 0);
        java.util.Arrays.fill(sig, 0);
    }

    // ---- status and control words ----

    /** The status word as FNSTSW reads it. */
    int status() {
        int s = (fsw & ~(0x3800 | SW_ES | SW_B)) | (top << 11);
        if (pending()) {
            s |= SW_ES | SW_B;
        }
        return s & 0xFFFF;
    }

    void setStatus(int v) {
        top = (v >> 11) & 7;
        fsw = v & ~(0x3800 | SW_ES | SW_B) & 0xFFFF;
    }

    /** The control word as stored: bit 6 reads as 1, bits 13-15 as 0. */
    static int controlWord(int v) {
        return (v & 0x1F7F) | 0x40;
    }

    /** An unmasked exception is pending (ES): the next waiting x87 instruction raises #MF. */
    boolean pending() {
        return (fsw & ~fcw & 0x3F) != 0;
    }

    void setCc(int c0c1c2c3) {
        fsw = (fsw & ~SW_CC) | (c0c1c2c3 & SW_CC);
    }

    // ---- registers ----

    int phys(int i) {
        return (top + i) & 7;
    }

    boolean isEmpty(int i) {
        return (valid & (1 << phys(i))) == 0;
    }

    Ext80 st(int i) {
        int p = phys(i);
        return new Ext80(se[p], sig[p]);
    }

    void setSt(int i, Ext80 v) {
        int p = phys(i);
        se[p] = v.se;
        sig[p] = v.sig;
        valid |= 1 << p;
    }

    Ext80 physReg(int p) {
        return new Ext80(se[p], sig[p]);
    }

    void setPhysReg(int p, Ext80 v) {
        se[p] = v.se;
        sig[p] = v.sig;
    }

    void push(Ext80 v) {
        top = (top - 1) & 7;
        setSt(0, v);
    }

    void pop() {
        valid &= ~(1 << top);
        top = (top + 1) & 7;
    }

    void free(int i) {
        valid &= ~(1 << phys(i));
    }

    /** The two-bit tag of physical register p: 0 valid, 1 zero, 2 special, 3 empty. */
    int tag(int p) {
        if ((valid & (1 << p)) == 0) {
            return 3;
        }
        return switch (physReg(p).cls()) {
            case Ext80.ZERO_C -> 1;
            case Ext80.NORMAL -> 0;
            default -> 2;
        };
    }

    /** The full 16-bit tag word (by physical register). */
    int tagWord() {
        int t = 0;
        for (int p = 0; p < 8; p++) {
            t |= tag(p) << (2 * p);
        }
        return t;
    }

    /** Loads a full tag word: only "empty" (11) matters, other tags are recomputed from contents. */
    void setTagWord(int t) {
        valid = 0;
        for (int p = 0; p < 8; p++) {
            if (((t >> (2 * p)) & 3) != 3) {
                valid |= 1 << p;
            }
        }
    }

    /** The abridged (FXSAVE) tag: bit i set when physical register i is non-empty. */
    int abridgedTag() {
        return valid & 0xFF;
    }

    void setAbridgedTag(int t) {
        valid = t & 0xFF;
    }

    /** Copies everything architectural from {@code o}. */
    void copyFrom(Fpu o) {
        System.arraycopy(o.se, 0, se, 0, 8);
        System.arraycopy(o.sig, 0, sig, 0, 8);
        valid = o.valid;
        top = o.top;
        fcw = o.fcw;
        fsw = o.fsw;
        fop = o.fop;
        fip = o.fip;
        fdp = o.fdp;
        fcs = o.fcs;
        fds = o.fds;
    }
}
