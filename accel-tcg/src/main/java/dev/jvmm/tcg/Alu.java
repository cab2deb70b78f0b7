package dev.jvmm.tcg;

import static dev.jvmm.tcg.Cpu.AF;
import static dev.jvmm.tcg.Cpu.CF;
import static dev.jvmm.tcg.Cpu.OF;
import static dev.jvmm.tcg.Cpu.PF;
import static dev.jvmm.tcg.Cpu.SF;
import static dev.jvmm.tcg.Cpu.ZF;
import static dev.jvmm.tcg.Cpu.mask;
import static dev.jvmm.tcg.Cpu.signBit;

/**
 * Integer instruction semantics, each defined once as a static method on (cpu, operands). The
 * interpreter calls them after decoding; the bytecode translator will emit calls to the same
 * methods with the decoded operands as constants, so both engines share one definition.
 */
final class Alu {
    private Alu() {}

    static final int ADD = 0, OR = 1, ADC = 2, SBB = 3, AND = 4, SUB = 5, XOR = 6, CMP = 7;

    /** The eight classic ALU operations (the /r of group 1). Returns the result; CMP's is discarded. */
    static long alu(Cpu c, int op, int size, long a, long b) {
        long m = mask(size);
        a &= m;
        b &= m;
        long r;
        switch (op) {
            case ADD -> {
                r = (a + b) & m;
                c.setCc(Cpu.CC_ADD, size, r, a, b);
            }
            case OR -> {
                r = a | b;
                c.setCc(Cpu.CC_LOGIC, size, r, 0, 0);
            }
            case ADC -> {
                long carry = c.cf() ? 1 : 0;
                r = (a + b + carry) & m;
                boolean cf = carry == 0 ? Long.compareUnsigned(r, a) < 0 : Long.compareUnsigned(r, a) <= 0;
                eagerAddSub(c, size, r, a, b, cf, ((a ^ r) & (b ^ r) & signBit(size)) != 0);
            }
            case SBB -> {
                long borrow = c.cf() ? 1 : 0;
                r = (a - b - borrow) & m;
                boolean cf = borrow == 0 ? Long.compareUnsigned(a, b) < 0 : Long.compareUnsigned(a, b) <= 0;
                eagerAddSub(c, size, r, a, b, cf, ((a ^ b) & (a ^ r) & signBit(size)) != 0);
            }
            case AND -> {
                r = a & b;
                c.setCc(Cpu.CC_LOGIC, size, r, 0, 0);
            }
            case SUB, CMP -> {
                r = (a - b) & m;
                c.setCc(Cpu.CC_SUB, size, r, a, b);
            }
            default -> {
                r = a ^ b;
                c.setCc(Cpu.CC_LOGIC, size, r, 0, 0);
            }
        }
        return r;
    }

    private static void eagerAddSub(Cpu c, int size, long r, long a, long b, boolean cf, boolean of) {
        c.setStatusEager(szp(size, r) | (cf ? CF : 0) | (of ? OF : 0) | ((a ^ b ^ r) & AF));
    }

    /** ZF, SF and PF of a result. */
    static long szp(int size, long r) {
        r &= mask(size);
        long f = 0;
        if (r == 0) {
            f |= ZF;
        }
        if ((r & signBit(size)) != 0) {
            f |= SF;
        }
        if ((Long.bitCount(r & 0xFF) & 1) == 0) {
            f |= PF;
        }
        return f;
    }

    static long inc(Cpu c, int size, long a) {
        long r = (a + 1) & mask(size);
        c.setCcIncDec(Cpu.CC_INC, size, r, a & mask(size));
        return r;
    }

    static long dec(Cpu c, int size, long a) {
        long r = (a - 1) & mask(size);
        c.setCcIncDec(Cpu.CC_DEC, size, r, a & mask(size));
        return r;
    }

    static long neg(Cpu c, int size, long a) {
        a &= mask(size);
        long r = (-a) & mask(size);
        c.setCc(Cpu.CC_NEG, size, r, a, 0);
        return r;
    }

    /**
     * Shifts and rotates (group 2: ROL, ROR, RCL, RCR, SHL, SHR, SAL, SAR). A masked count of zero
     * changes neither the operand nor the flags. OF is defined for 1-bit shifts; for larger counts
     * the value computed here is what current Intel and AMD processors produce for SHL/SHR/SAR
     * (the differential tests mask it as undefined).
     */
    static long shift(Cpu c, int op, int size, long v, long countIn) {
        int bits = size * 8;
        int count = (int) (countIn & (size == 8 ? 0x3F : 0x1F));
        long m = mask(size);
        v &= m;
        if (count == 0) {
            return v;
        }
        long sign = signBit(size);
        long status = c.status();
        long r;
        boolean cf;
        boolean of;
        switch (op) {
            case 0 -> { // ROL
                int k = count % bits;
                r = k == 0 ? v : ((v << k) | (v >>> (bits - k))) & m;
                cf = (r & 1) != 0;
                of = ((r & sign) != 0) != cf;
                c.setStatusEager((status & ~(CF | OF)) | (cf ? CF : 0) | (of ? OF : 0));
                return r;
            }
            case 1 -> { // ROR
                int k = count % bits;
                r = k == 0 ? v : ((v >>> k) | (v << (bits - k))) & m;
                cf = (r & sign) != 0;
                of = ((r & sign) != 0) != ((r & (sign >>> 1)) != 0);
                c.setStatusEager((status & ~(CF | OF)) | (cf ? CF : 0) | (of ? OF : 0));
                return r;
            }
            case 2 -> { // RCL through CF: a (bits+1)-bit rotation
                int k = count % (bits + 1);
                boolean carry = (status & CF) != 0;
                r = v;
                for (int i = 0; i < k; i++) {
                    boolean out = (r & sign) != 0;
                    r = ((r << 1) | (carry ? 1 : 0)) & m;
                    carry = out;
                }
                of = ((r & sign) != 0) != carry;
                c.setStatusEager((status & ~(CF | OF)) | (carry ? CF : 0) | (of ? OF : 0));
                return r;
            }
            case 3 -> { // RCR
                int k = count % (bits + 1);
                boolean carry = (status & CF) != 0;
                r = v;
                of = ((r & sign) != 0) != carry; // OF for RCR is computed before the rotation
                for (int i = 0; i < k; i++) {
                    boolean out = (r & 1) != 0;
                    r = (r >>> 1) | (carry ? sign : 0);
                    carry = out;
                }
                c.setStatusEager((status & ~(CF | OF)) | (carry ? CF : 0) | (of ? OF : 0));
                return r;
            }
            case 4, 6 -> { // SHL/SAL
                r = count >= 64 ? 0 : (v << count) & m;
                cf = count <= bits && ((v >>> (bits - count)) & 1) != 0;
                of = ((r & sign) != 0) != cf;
            }
            case 5 -> { // SHR
                r = count >= 64 ? 0 : v >>> count;
                cf = ((v >>> (count - 1)) & 1) != 0 && count <= bits;
                of = (v & sign) != 0;
            }
            default -> { // SAR
                long sv = (v << (64 - bits)) >> (64 - bits);
                r = (sv >> Math.min(count, 63)) & m;
                cf = ((sv >> Math.min(count - 1, 63)) & 1) != 0;
                of = false;
            }
        }
        c.setStatusEager(szp(size, r) | (cf ? CF : 0) | (of ? OF : 0));
        return r;
    }

    /** SHLD/SHRD: shifts {@code dst} by count, filling from {@code src}. */
    static long doubleShift(Cpu c, boolean left, int size, long dst, long src, long countIn) {
        int bits = size * 8;
        int count = (int) (countIn & (size == 8 ? 0x3F : 0x1F));
        long m = mask(size);
        dst &= m;
        src &= m;
        if (count == 0) {
            return dst;
        }
        long r;
        boolean cf;
        if (count > bits) {
            // Undefined for 16-bit operands with counts over 16; produce what a 32-bit composite gives.
            count %= bits;
            if (count == 0) {
                return dst;
            }
        }
        if (left) {
            r = ((dst << count) | (count == bits ? src : src >>> (bits - count))) & m;
            cf = ((dst >>> (bits - count)) & 1) != 0;
        } else {
            r = ((dst >>> count) | (count == bits ? src : src << (bits - count))) & m;
            cf = ((dst >>> (count - 1)) & 1) != 0;
        }
        boolean of = ((r ^ dst) & signBit(size)) != 0;
        c.setStatusEager(szp(size, r) | (cf ? CF : 0) | (of ? OF : 0));
        return r;
    }

    /** Unsigned multiply; returns the low half and stores the high half in {@code hiOut[0]}. */
    static long mul(Cpu c, int size, long a, long b, long[] hiOut) {
        long m = mask(size);
        a &= m;
        b &= m;
        long lo, hi;
        if (size == 8) {
            lo = a * b;
            hi = Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
        } else {
            long p = a * b;
            lo = p & m;
            hi = (p >>> (size * 8)) & m;
        }
        boolean over = hi != 0;
        c.setStatusEager(szp(size, lo) | (over ? CF | OF : 0)); // SF, ZF, PF: undefined; set from the low half
        hiOut[0] = hi;
        return lo;
    }

    /** Signed multiply; CF=OF=1 when the result does not fit in the operand size. */
    static long imul(Cpu c, int size, long a, long b, long[] hiOut) {
        int sh = 64 - size * 8;
        long sa = (a << sh) >> sh, sb = (b << sh) >> sh;
        long lo, hi;
        boolean over;
        if (size == 8) {
            lo = sa * sb;
            hi = Math.multiplyHigh(sa, sb);
            over = hi != (lo >> 63);
        } else {
            long p = sa * sb;
            lo = p & mask(size);
            hi = (p >> (size * 8)) & mask(size);
            over = p != ((p << sh) >> sh);
        }
        c.setStatusEager(szp(size, lo) | (over ? CF | OF : 0));
        hiOut[0] = hi;
        return lo;
    }

    static boolean bitTest(long v, long bit, int size) {
        return ((v >>> (bit & (size * 8 - 1))) & 1) != 0;
    }

    /** BSF/BSR: ZF set and destination unchanged for a zero source. */
    static long bsf(Cpu c, int size, long src, long oldDst) {
        src &= mask(size);
        long status = c.status() & ~ZF;
        if (src == 0) {
            c.setStatusEager(status | ZF);
            return oldDst;
        }
        c.setStatusEager(status);
        return Long.numberOfTrailingZeros(src);
    }

    static long bsr(Cpu c, int size, long src, long oldDst) {
        src &= mask(size);
        long status = c.status() & ~ZF;
        if (src == 0) {
            c.setStatusEager(status | ZF);
            return oldDst;
        }
        c.setStatusEager(status);
        return 63 - Long.numberOfLeadingZeros(src);
    }

    static long popcnt(Cpu c, int size, long src) {
        long n = Long.bitCount(src & mask(size));
        c.setStatusEager(n == 0 ? ZF : 0);
        return n;
    }

    static long tzcnt(Cpu c, int size, long src) {
        src &= mask(size);
        long n = src == 0 ? size * 8 : Long.numberOfTrailingZeros(src);
        c.setStatusEager((src == 0 ? CF : 0) | (n == 0 ? ZF : 0));
        return n;
    }

    static long lzcnt(Cpu c, int size, long src) {
        src &= mask(size);
        long n = src == 0 ? size * 8 : Long.numberOfLeadingZeros(src) - (64 - size * 8);
        c.setStatusEager((src == 0 ? CF : 0) | (n == 0 ? ZF : 0));
        return n;
    }

    static long bswap(int size, long v) {
        return size == 8 ? Long.reverseBytes(v) : Integer.reverseBytes((int) v) & 0xFFFF_FFFFL;
    }

    static void logicFlags(Cpu c, int size, long r) {
        c.setCc(Cpu.CC_LOGIC, size, r & mask(size), 0, 0);
    }

    /** PF and friends for tests: the full status word as the CPU would report it. */
    static long status(Cpu c) {
        return c.status() & (CF | PF | AF | ZF | SF | OF);
    }
}
