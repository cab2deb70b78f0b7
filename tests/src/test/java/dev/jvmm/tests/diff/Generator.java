package dev.jvmm.tests.diff;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generates differential cases: single instructions from templates per instruction class (every
 * operand size, register and memory forms, edge values), and random sequences of instructions
 * whose flag inputs are defined. For each instruction it knows which flags it writes, which it
 * leaves undefined (on Intel or on AMD: the union) and which it reads.
 */
public final class Generator {
    static final long CF = 1, PF = 4, AF = 0x10, ZF = 0x40, SF = 0x80, OF = 0x800;
    static final long ALL = CF | PF | AF | ZF | SF | OF;
    static final int RSP = 4, RBX = 3;

    static final long[] EDGES = {0, 1, 2, -1, -2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000,
        0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL, 0x1_0000_0000L, Long.MAX_VALUE, Long.MIN_VALUE,
        0x8000_0000_0000_0001L, 0x5555_5555_5555_5555L, 0xAAAA_AAAA_AAAA_AAAAL, 63, 64, 31, 32, 15, 16, 7, 8};

    private final SplittableRandom rnd;
    /** Cases for 32-bit compatibility mode: no REX, no 64-bit operands, EAX..EDI only. */
    final boolean compat;

    public Generator(long seed) {
        this(seed, false);
    }

    public Generator(long seed, boolean compat) {
        this.rnd = new SplittableRandom(seed);
        this.compat = compat;
    }

    /** 4 or, outside compatibility mode, 8. */
    private int wide() {
        return compat || rnd.nextBoolean() ? 4 : 8;
    }

    /** One emitted instruction with its flag behaviour. */
    record Insn(byte[] bytes, String text, long writes, long undefined, long reads) {}

    long value() {
        int k = rnd.nextInt(4);
        if (k == 0) {
            return EDGES[rnd.nextInt(EDGES.length)];
        }
        if (k == 1) {
            return rnd.nextLong() & 0xFF;
        }
        return rnd.nextLong();
    }

    /** A whole case: one template instruction, or a sequence of up to five. */
    public Case next() {
        long[] g = new long[16];
        for (int i = 0; i < 16; i++) {
            g[i] = value();
        }
        long flags = 0x2 | (rnd.nextLong() & ALL);
        byte[] data = new byte[Harness.DATA_STRIDE];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) value();
        }
        boolean sequence = rnd.nextInt(3) == 0;
        int n = sequence ? 2 + rnd.nextInt(4) : 1;
        long undefined = 0;
        ByteArrayOutputStream code = new ByteArrayOutputStream();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < n; i++) {
            Insn insn;
            int tries = 0;
            do {
                insn = instruction(g, sequence);
                tries++;
            } while ((insn.reads() & undefined) != 0 && tries < 100);
            if ((insn.reads() & undefined) != 0) {
                break;
            }
            code.writeBytes(insn.bytes());
            text.append(i == 0 ? "" : "; ").append(insn.text());
            undefined = (undefined & ~insn.writes()) | insn.undefined();
        }
        return new Case(text.toString(), code.toByteArray(), g, flags, data, undefined);
    }

    // ------------------------------------------------------------------ encoding helpers

    private int size() {
        return new int[] {1, 2, 4, 8}[rnd.nextInt(compat ? 3 : 4)];
    }

    /**
     * A register usable as an operand, which any instruction may write: never RSP (the harness needs
     * its stack) nor RBX (it points at the case's data block; memory operands are [rbx+disp8]), and for
     * byte operands not 7, which is BH without a REX prefix.
     */
    private int reg(int size, boolean[] unused) {
        while (true) {
            int r = rnd.nextInt(compat ? 8 : 16);
            if (r == RSP || r == RBX || (size == 1 && r == 7)) {
                continue;
            }
            return r;
        }
    }

    private static String regName(int r, int size, boolean rex) {
        String[] q = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi"};
        if (r >= 8) {
            return "r" + r + (size == 1 ? "b" : size == 2 ? "w" : size == 4 ? "d" : "");
        }
        if (size == 1) {
            return rex ? new String[] {"al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil"}[r]
                : new String[] {"al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"}[r];
        }
        String n = q[r].substring(1);
        return size == 2 ? n : size == 4 ? "e" + n : q[r];
    }

    /**
     * Emits prefix(es), REX, opcode and a ModRM for reg/rm operands. {@code rm} < 0 means a memory
     * operand [rbx + disp8] with disp8 chosen so the access stays in the 64-byte data block.
     */
    private byte[] encode(int size, int[] opcode, int reg, int rm, int opSizeForMem, long imm, int immBytes) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        if (size == 2) {
            b.write(0x66);
        }
        int rex = (size == 8 ? 8 : 0) | ((reg >> 3) << 2) | (rm >= 0 ? (rm >> 3) : 0);
        boolean byteRegNeedsRex = size == 1 && ((reg >= 4 && reg < 8 && false) || (rm >= 8) || (reg >= 8));
        if (rex != 0 || byteRegNeedsRex) {
            b.write(0x40 | rex);
        }
        for (int o : opcode) {
            b.write(o);
        }
        if (rm >= 0) {
            b.write(0xC0 | ((reg & 7) << 3) | (rm & 7));
        } else {
            int disp = rnd.nextInt(Harness.DATA_STRIDE - opSizeForMem + 1);
            b.write(0x40 | ((reg & 7) << 3) | RBX); // [rbx + disp8]
            b.write(disp);
        }
        for (int i = 0; i < immBytes; i++) {
            b.write((int) (imm >>> (8 * i)));
        }
        return b.toByteArray();
    }

    // ------------------------------------------------------------------ templates

    private Insn instruction(long[] g, boolean sequence) {
        int kind = rnd.nextInt(15);
        if (sequence && kind == 14) {
            kind = 0; // a division in a sequence could see a divisor changed by an earlier instruction
        }
        return switch (kind) {
            case 0, 1, 2 -> alu();
            case 3 -> aluImm();
            case 4 -> incDecNegNot();
            case 5 -> shift(g, sequence);
            case 6 -> mul();
            case 7 -> bitTest();
            case 8 -> bitScan();
            case 9 -> movExtend();
            case 10 -> cmovSet();
            case 11 -> xaddCmpxchg();
            case 12 -> doubleShift();
            case 13 -> misc();
            default -> divide(g);
        };
    }

    private static final String[] ALU = {"add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"};

    private static long aluUndefined(int op) {
        return op == 1 || op == 4 || op == 6 ? AF : 0; // logic ops leave AF undefined
    }

    private static long aluReads(int op) {
        return op == 2 || op == 3 ? CF : 0;
    }

    private Insn alu() {
        int op = rnd.nextInt(8);
        int size = size();
        boolean mem = rnd.nextInt(3) == 0;
        boolean toReg = rnd.nextBoolean();
        int reg = reg(size, new boolean[] {false});
        int rm = mem ? -1 : reg(size, new boolean[] {false});
        int opc = (op << 3) | (toReg ? 2 : 0) | (size == 1 ? 0 : 1);
        byte[] bytes = encode(size, new int[] {opc}, reg, rm, size, 0, 0);
        String text = ALU[op] + (size * 8) + (toReg ? " reg,rm" : " rm,reg") + (mem ? " mem" : "");
        return new Insn(bytes, text, ALL, aluUndefined(op), aluReads(op));
    }

    private Insn aluImm() {
        int op = rnd.nextInt(8);
        int size = size();
        boolean mem = rnd.nextInt(3) == 0;
        int rm = mem ? -1 : reg(size, new boolean[] {false});
        long imm = value();
        int form = size == 1 ? 0x80 : rnd.nextBoolean() ? 0x83 : 0x81;
        int immBytes = form == 0x81 ? Math.min(size, 4) : 1;
        byte[] bytes = encode(size, new int[] {form}, op, rm, size, imm, immBytes);
        return new Insn(bytes, ALU[op] + (size * 8) + " rm,imm" + (mem ? " mem" : ""), ALL, aluUndefined(op),
            aluReads(op));
    }

    private Insn incDecNegNot() {
        int size = size();
        int which = rnd.nextInt(4);
        boolean mem = rnd.nextInt(3) == 0;
        int rm = mem ? -1 : reg(size, new boolean[] {false});
        int opc = which < 2 ? (size == 1 ? 0xFE : 0xFF) : (size == 1 ? 0xF6 : 0xF7);
        int ext = new int[] {0, 1, 3, 2}[which]; // inc, dec, neg, not
        byte[] bytes = encode(size, new int[] {opc}, ext, rm, size, 0, 0);
        long writes = which < 2 ? ALL & ~CF : which == 2 ? ALL : 0;
        return new Insn(bytes, new String[] {"inc", "dec", "neg", "not"}[which] + (size * 8), writes, 0, 0);
    }

    private Insn shift(long[] g, boolean sequence) {
        int size = size();
        int op = rnd.nextInt(8);
        if (op == 6) {
            op = 4; // /6 is an alias of SHL
        }
        // 0: by 1, 1: by imm8, 2: by CL (only alone: its count is the initial RCX)
        int form = rnd.nextInt(sequence ? 2 : 3);
        boolean mem = rnd.nextInt(4) == 0;
        int rm = mem ? -1 : reg(size, new boolean[] {false});
        if (form == 2 && rm == 1) {
            form = 1; // shifting CL by CL: keep the count independent of the destination
        }
        int count;
        byte[] bytes;
        if (form == 0) {
            count = 1;
            bytes = encode(size, new int[] {size == 1 ? 0xD0 : 0xD1}, op, rm, size, 0, 0);
        } else if (form == 1) {
            count = rnd.nextInt(3) == 0 ? rnd.nextInt(256) : rnd.nextInt(size * 8 + 2);
            bytes = encode(size, new int[] {size == 1 ? 0xC0 : 0xC1}, op, rm, size, count, 1);
        } else {
            count = (int) (g[1] & 0xFF);
            bytes = encode(size, new int[] {size == 1 ? 0xD2 : 0xD3}, op, rm, size, 0, 0);
        }
        int masked = count & (size == 8 ? 0x3F : 0x1F);
        long writes, undefined;
        long reads = op == 2 || op == 3 ? CF : 0;
        if (masked == 0) {
            writes = 0;
            undefined = 0;
            reads = 0;
        } else if (op < 4) { // rotates: CF and OF only; OF undefined unless the count is 1
            writes = CF | OF;
            undefined = masked == 1 ? 0 : OF;
        } else { // shifts: AF undefined; OF undefined unless the count is 1
            writes = ALL;
            undefined = AF | (masked == 1 ? 0 : OF);
            if (masked >= size * 8 && op != 7) {
                undefined |= CF; // shifted out entirely: CF is undefined for counts >= the width (SHL/SHR)
            }
        }
        String[] names = {"rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"};
        return new Insn(bytes, names[op] + (size * 8) + " by " + count + (mem ? " mem" : ""), writes, undefined, reads);
    }

    private Insn mul() {
        int size = size();
        int form = size == 1 ? 0 : rnd.nextInt(3);
        boolean mem = rnd.nextInt(3) == 0;
        byte[] bytes;
        String text;
        if (form == 0) {
            boolean signed = rnd.nextBoolean();
            int rm = mem ? -1 : reg(size, new boolean[] {false});
            bytes = encode(size, new int[] {size == 1 ? 0xF6 : 0xF7}, signed ? 5 : 4, rm, size, 0, 0);
            text = (signed ? "imul" : "mul") + (size * 8);
        } else if (form == 1) {
            int reg = reg(size, new boolean[] {false});
            int rm = mem ? -1 : reg(size, new boolean[] {false});
            bytes = encode(size, new int[] {0x0F, 0xAF}, reg, rm, size, 0, 0);
            text = "imul" + (size * 8) + " reg,rm";
        } else {
            int reg = reg(size, new boolean[] {false});
            int rm = mem ? -1 : reg(size, new boolean[] {false});
            boolean imm8 = rnd.nextBoolean();
            bytes = encode(size, new int[] {imm8 ? 0x6B : 0x69}, reg, rm, size, value(), imm8 ? 1 : Math.min(size, 4));
            text = "imul" + (size * 8) + " reg,rm,imm";
        }
        return new Insn(bytes, text + (mem ? " mem" : ""), ALL, SF | ZF | AF | PF, 0);
    }

    private Insn divide(long[] g) {
        // Only divisions that cannot fault: the divisor is an immediate-loaded register known non-zero
        // and the dividend's high half is below the divisor (so the quotient fits).
        int size = compat || rnd.nextInt(3) != 0 ? 4 : 8;
        boolean signed = false;
        int divisorReg = compat ? 6 : 9; // RBX holds the data pointer; ESI in compatibility mode
        long divisor = (g[divisorReg] & (size == 8 ? -1L : 0xFFFF_FFFFL)) | 1;
        g[divisorReg] = divisor;
        long rdxMask = size == 8 ? -1L : 0xFFFF_FFFFL;
        g[2] = Long.remainderUnsigned(g[2] & rdxMask, divisor); // RDX < divisor
        byte[] bytes = encode(size, new int[] {0xF7}, signed ? 7 : 6, divisorReg, size, 0, 0);
        return new Insn(bytes, "div" + (size * 8), ALL, ALL, 0);
    }

    private Insn bitTest() {
        int size = rnd.nextInt(3) == 0 ? 2 : wide();
        int kind = rnd.nextInt(4); // bt, bts, btr, btc
        boolean imm = rnd.nextBoolean();
        int rm = reg(size, new boolean[] {false});
        byte[] bytes;
        if (imm) {
            bytes = encode(size, new int[] {0x0F, 0xBA}, 4 + kind, rm, size, rnd.nextInt(256), 1);
        } else {
            int reg = reg(size, new boolean[] {false});
            bytes = encode(size, new int[] {0x0F, 0xA3 | (kind << 3)}, reg, rm, size, 0, 0);
        }
        return new Insn(bytes, new String[] {"bt", "bts", "btr", "btc"}[kind] + (size * 8) + (imm ? " imm" : " reg"),
            CF | OF | SF | ZF | AF | PF, OF | SF | ZF | AF | PF, 0);
    }

    private Insn bitScan() {
        int size = rnd.nextInt(3) == 0 ? 2 : wide();
        // bsf and bsr. POPCNT is left out: this machine's nested KVM, the oracle, fails it with
        // "KVM could not emulate an instruction" (checked: 7 of 7 POPCNT cases, no other class).
        int kind = rnd.nextInt(2);
        int reg = reg(size, new boolean[] {false});
        boolean mem = rnd.nextInt(3) == 0;
        int rm = mem ? -1 : reg(size, new boolean[] {false});
        byte[] bytes;
        if (kind == 2) {
            byte[] body = encode(size, new int[] {0x0F, 0xB8}, reg, rm, size, 0, 0);
            bytes = withF3(body);
            return new Insn(bytes, "popcnt" + (size * 8) + (mem ? " mem" : ""), ALL, 0, 0);
        }
        bytes = encode(size, new int[] {0x0F, 0xBC + kind}, reg, rm, size, 0, 0);
        // BSF/BSR: ZF defined; the rest undefined. The destination for a zero source is "unchanged"
        // on AMD and "undefined" on Intel; both implementations here leave it unchanged.
        return new Insn(bytes, (kind == 0 ? "bsf" : "bsr") + (size * 8) + (mem ? " mem" : ""), ALL, ALL & ~ZF, 0);
    }

    /** Puts the mandatory F3 prefix before REX (REX must come last). */
    private static byte[] withF3(byte[] body) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int i = 0;
        if ((body[0] & 0xFF) == 0x66) {
            b.write(0x66);
            i = 1;
        }
        b.write(0xF3);
        b.write(body, i, body.length - i);
        return b.toByteArray();
    }

    private Insn movExtend() {
        int kind = rnd.nextInt(6);
        int size = wide();
        int reg = reg(size, new boolean[] {false});
        boolean mem = rnd.nextInt(3) == 0;
        int rm = mem ? -1 : reg(1, new boolean[] {false});
        if (compat && kind == 4) {
            kind = 0; // 63 is ARPL outside 64-bit mode
        }
        byte[] bytes;
        String text;
        switch (kind) {
            case 0, 1, 2, 3 -> {
                int opc = new int[] {0xB6, 0xB7, 0xBE, 0xBF}[kind];
                bytes = encode(size, new int[] {0x0F, opc}, reg, rm, kind % 2 == 0 ? 1 : 2, 0, 0);
                text = new String[] {"movzx8", "movzx16", "movsx8", "movsx16"}[kind] + "->" + (size * 8);
            }
            case 4 -> {
                bytes = encode(8, new int[] {0x63}, reg, mem ? -1 : reg(4, new boolean[] {false}), 4, 0, 0);
                text = "movsxd";
            }
            default -> {
                bytes = encode(size, new int[] {0x8D}, reg, -1, 1, 0, 0);
                text = "lea" + (size * 8);
            }
        }
        return new Insn(bytes, text + (mem ? " mem" : ""), 0, 0, 0);
    }

    private static long condReads(int cc) {
        return switch (cc >> 1) {
            case 0 -> OF;
            case 1 -> CF;
            case 2 -> ZF;
            case 3 -> CF | ZF;
            case 4 -> SF;
            case 5 -> PF;
            case 6 -> SF | OF;
            default -> ZF | SF | OF;
        };
    }

    private Insn cmovSet() {
        int cc = rnd.nextInt(16);
        if (rnd.nextBoolean()) {
            int size = rnd.nextInt(3) == 0 ? 2 : wide();
            int reg = reg(size, new boolean[] {false});
            boolean mem = rnd.nextInt(3) == 0;
            byte[] bytes = encode(size, new int[] {0x0F, 0x40 | cc}, reg, mem ? -1 : reg(size, new boolean[] {false}),
                size, 0, 0);
            return new Insn(bytes, "cmov" + cc + " " + (size * 8) + (mem ? " mem" : ""), 0, 0, condReads(cc));
        }
        boolean mem = rnd.nextInt(3) == 0;
        byte[] bytes = encode(1, new int[] {0x0F, 0x90 | cc}, 0, mem ? -1 : reg(1, new boolean[] {false}), 1, 0, 0);
        return new Insn(bytes, "set" + cc + (mem ? " mem" : ""), 0, 0, condReads(cc));
    }

    private Insn xaddCmpxchg() {
        int size = size();
        boolean xadd = rnd.nextBoolean();
        boolean mem = rnd.nextBoolean();
        boolean lock = mem && rnd.nextBoolean();
        int reg = reg(size, new boolean[] {false});
        int rm = mem ? -1 : reg(size, new boolean[] {false});
        byte[] body = encode(size, new int[] {0x0F, (xadd ? 0xC0 : 0xB0) | (size == 1 ? 0 : 1)}, reg, rm, size, 0, 0);
        byte[] bytes = body;
        if (lock) {
            bytes = new byte[body.length + 1];
            bytes[0] = (byte) 0xF0;
            System.arraycopy(body, 0, bytes, 1, body.length);
        }
        return new Insn(bytes, (lock ? "lock " : "") + (xadd ? "xadd" : "cmpxchg") + (size * 8) + (mem ? " mem" : ""),
            ALL, 0, 0);
    }

    private Insn doubleShift() {
        int size = rnd.nextInt(3) == 0 ? 2 : wide();
        boolean left = rnd.nextBoolean();
        int reg = reg(size, new boolean[] {false});
        boolean mem = rnd.nextInt(3) == 0;
        int rm = mem ? -1 : reg(size, new boolean[] {false});
        int count = rnd.nextInt(size == 2 ? 17 : size * 8);
        byte[] bytes = encode(size, new int[] {0x0F, left ? 0xA4 : 0xAC}, reg, rm, size, count, 1);
        int masked = count & (size == 8 ? 0x3F : 0x1F);
        long writes = masked == 0 ? 0 : ALL;
        long undefined = masked == 0 ? 0 : AF | (masked == 1 ? 0 : OF);
        return new Insn(bytes, (left ? "shld" : "shrd") + (size * 8) + " by " + count + (mem ? " mem" : ""), writes,
            undefined, 0);
    }

    private Insn misc() {
        int k = rnd.nextInt(9);
        return switch (k) {
            case 0 -> new Insn(new byte[] {(byte) 0x98}, "cwde", 0, 0, 0);
            case 1 -> compat ? new Insn(new byte[] {0x66, (byte) 0x98}, "cbw", 0, 0, 0)
                : new Insn(new byte[] {0x48, (byte) 0x98}, "cdqe", 0, 0, 0);
            case 2 -> compat ? incDecShort() : new Insn(new byte[] {0x48, (byte) 0x99}, "cqo", 0, 0, 0);
            case 3 -> new Insn(new byte[] {(byte) 0x99}, "cdq", 0, 0, 0);
            case 4 -> new Insn(new byte[] {(byte) 0xF5}, "cmc", CF, 0, CF);
            case 5 -> new Insn(new byte[] {(byte) 0x9E}, "sahf", CF | PF | AF | ZF | SF, 0, 0);
            case 6 -> new Insn(new byte[] {(byte) 0x9F}, "lahf", 0, 0, CF | PF | AF | ZF | SF);
            case 7 -> {
                int r = reg(8, new boolean[] {false});
                int size = wide();
                byte[] b = size == 8 ? new byte[] {(byte) (0x48 | (r >> 3)), 0x0F, (byte) (0xC8 | (r & 7))}
                    : r >= 8 ? new byte[] {0x41, 0x0F, (byte) (0xC8 | (r & 7))} : new byte[] {0x0F, (byte) (0xC8 | r)};
                yield new Insn(b, "bswap" + (size * 8), 0, 0, 0);
            }
            default -> {
                int size = size();
                boolean mem = rnd.nextBoolean();
                int reg = reg(size, new boolean[] {false});
                byte[] b = encode(size, new int[] {size == 1 ? 0x86 : 0x87}, reg, mem ? -1 : reg(size, new boolean[] {false}),
                    size, 0, 0);
                yield new Insn(b, "xchg" + (size * 8) + (mem ? " mem" : ""), 0, 0, 0);
            }
        };
    }

    /** INC/DEC r16/r32 in their one-byte forms 40+r/48+r, which are REX prefixes in 64-bit mode. */
    private Insn incDecShort() {
        int r = reg(4, new boolean[] {false});
        boolean dec = rnd.nextBoolean();
        boolean word = rnd.nextBoolean();
        byte op = (byte) ((dec ? 0x48 : 0x40) | r);
        byte[] b = word ? new byte[] {0x66, op} : new byte[] {op};
        return new Insn(b, (dec ? "dec" : "inc") + (word ? "16" : "32") + " short", ALL & ~CF, 0, 0);
    }

    /** Convenience for the long run: {@code count} cases. */
    public List<Case> cases(int count) {
        List<Case> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(next());
        }
        return out;
    }
}
