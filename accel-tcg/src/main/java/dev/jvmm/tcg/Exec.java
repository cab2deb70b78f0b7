package dev.jvmm.tcg;

import static dev.jvmm.tcg.Cpu.mask;

/**
 * The interpreter: decodes one instruction at CS:RIP and executes it. Architectural state is
 * changed only after every access that can fault has succeeded, so a fault leaves the instruction
 * as if it had not started (RIP still points at it).
 */
final class Exec {
    final Cpu c;
    final Sys sys;
    /** The instruction being executed: the decoder's scratch instance, or one from a cached block. */
    Insn in;
    private final Insn scratch = new Insn();
    private final long[] hi = new long[1];
    /** String instructions run at most this many iterations per step, so interrupts are not held off. */
    static final int REP_CHUNK = 4096;

    Exec(Cpu c, Sys sys) {
        this.c = c;
        this.sys = sys;
        this.in = scratch;
    }

    /** Executes one instruction. Guest faults escape as {@link CpuFault} with RIP unchanged. */
    void step() {
        in = scratch;
        Decoder.decode(c, in);
        run();
    }

    /** Executes an instruction decoded earlier (from the block cache) at the current RIP. */
    void executeDecoded(Insn insn) {
        in = insn;
        run();
    }

    private void run() {
        if (in.has(Insn.P_LOCK)) {
            checkLockable();
        }
        while (true) {
            locked = false;
            try {
                execute();
                return;
            } catch (LockRetry r) {
                // Another vCPU changed the locked operand between our read and write: run it again.
            }
        }
    }

    /**
     * LOCKed read-modify-write: the memory operand's read remembers the value, the write succeeds
     * only if memory still holds it (a CAS on the host), else the whole instruction runs again.
     */
    private boolean locked;
    private long lockedValue;

    private static final class LockRetry extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LockRetry() {
            super(null, null, false, false);
        }
    }

    private static final LockRetry LOCK_RETRY = new LockRetry();

    /** LOCK is allowed only on the read-modify-write instructions with a memory destination (SDM LOCK). */
    private void checkLockable() {
        if (!in.hasModrm || in.mod == 3) {
            throw CpuFault.ud();
        }
        int op = in.op;
        int ext = in.reg & 7;
        boolean ok;
        if (in.map == Insn.MAP_1) {
            ok = (op < 0x38 && (op & 7) < 2) || (op >= 0x80 && op <= 0x83 && ext != 7) || op == 0x86 || op == 0x87
                || ((op == 0xF6 || op == 0xF7) && (ext == 2 || ext == 3)) || ((op == 0xFE || op == 0xFF) && ext < 2);
        } else if (in.map == Insn.MAP_0F) {
            ok = op == 0xAB || op == 0xB3 || op == 0xBB || (op == 0xBA && ext >= 5) || op == 0xB0 || op == 0xB1
                || op == 0xC0 || op == 0xC1 || (op == 0xC7 && ext == 1);
        } else {
            ok = false;
        }
        if (!ok) {
            throw CpuFault.ud();
        }
    }

    // ---------------------------------------------------------------- operands

    long next() {
        return ripMask(in.start + in.length);
    }

    /** RIP arithmetic in the current mode: 64-bit, or wrapping at 4 GiB or 64 KiB. */
    long ripMask(long v) {
        if (c.code64()) {
            return v;
        }
        return c.cs.db() ? v & 0xFFFF_FFFFL : v & 0xFFFF;
    }

    /** The effective address (offset within the segment) of the memory operand. */
    long ea() {
        long a = in.disp;
        if (in.ripRelative) {
            a += in.start + in.length;
        }
        if (in.base >= 0) {
            a += c.r[in.base];
        }
        if (in.index >= 0) {
            a += c.r[in.index] << in.scale;
        }
        return a & mask(in.addrSize);
    }

    Seg seg() {
        if (in.seg >= 0) {
            return c.segs[in.seg];
        }
        if (in.addrSize == 2) {
            return in.base == 5 && !(in.mod == 0 && in.rm == 6) ? c.ss : c.ds;
        }
        return in.base == 4 || in.base == 5 ? c.ss : c.ds;
    }

    long readRm(int size) {
        if (in.mod == 3) {
            return c.reg(in.rm, size, in.hasRex());
        }
        long v = c.read(seg(), ea(), size);
        if (in.has(Insn.P_LOCK)) {
            locked = true;
            lockedValue = v;
        }
        return v;
    }

    void writeRm(int size, long v) {
        if (in.mod == 3) {
            c.setReg(in.rm, size, in.hasRex(), v);
        } else if (locked && !sys.isMmio(seg(), ea(), size)) {
            if (sys.atomicCmpxchg(seg(), ea(), size, lockedValue, v) != (lockedValue & Cpu.mask(size))) {
                throw LOCK_RETRY;
            }
        } else {
            c.write(seg(), ea(), size, v);
        }
    }

    long readReg(int size) {
        return c.reg(in.reg, size, in.hasRex());
    }

    void writeReg(int size, long v) {
        c.setReg(in.reg, size, in.hasRex(), v);
    }

    private void done() {
        c.rip = next();
    }

    private void jumpTo(long target) {
        c.rip = ripMask(target);
    }

    private void requireCpl0() {
        if (c.cpl() != 0) {
            throw CpuFault.gp(0);
        }
    }

    private void requireIo() {
        if (c.protectedMode() && c.cpl() > ((c.flagsRest >> 12) & 3)) {
            throw CpuFault.gp(0); // the TSS I/O bitmap is not consulted: IOPL alone decides
        }
    }

    private void noLock() {
        if (in.has(Insn.P_LOCK)) {
            throw CpuFault.ud();
        }
    }

    // ---------------------------------------------------------------- dispatch

    private void execute() {
        switch (in.map) {
            case Insn.MAP_1 -> oneByte();
            case Insn.MAP_0F -> twoByte();
            default -> {
                if (!Sse.execute(this)) {
                    throw CpuFault.ud();
                }
            }
        }
    }

    private void oneByte() {
        int op = in.op;
        int os = in.opSize;
        if (op < 0x40 && (op & 7) < 6) {
            int aluOp = op >> 3;
            int size = (op & 1) == 0 ? 1 : os;
            switch (op & 7) {
                case 0, 1 -> { // Eb,Gb / Ev,Gv
                    long r = Alu.alu(c, aluOp, size, readRm(size), readReg(size));
                    if (aluOp != Alu.CMP) {
                        writeRm(size, r);
                    }
                }
                case 2, 3 -> { // Gb,Eb / Gv,Ev
                    noLock();
                    long r = Alu.alu(c, aluOp, size, readReg(size), readRm(size));
                    if (aluOp != Alu.CMP) {
                        writeReg(size, r);
                    }
                }
                default -> { // AL,Ib / eAX,Iz
                    noLock();
                    long r = Alu.alu(c, aluOp, size, c.reg(0, size, false), in.imm);
                    if (aluOp != Alu.CMP) {
                        c.setReg(0, size, false, r);
                    }
                }
            }
            done();
            return;
        }
        switch (op) {
            case 0x06, 0x0E, 0x16, 0x1E -> { // PUSH ES/CS/SS/DS
                if (c.code64()) {
                    throw CpuFault.ud();
                }
                c.push(c.segs[op >> 3].selector, os);
                done();
            }
            case 0x07, 0x17, 0x1F -> { // POP ES/SS/DS
                if (c.code64()) {
                    throw CpuFault.ud();
                }
                long sp = c.sp();
                int sel = (int) c.read(c.ss, sp, os) & 0xFFFF;
                sys.loadSegment(op >> 3, sel);
                c.setSp(sp + os);
                if (op == 0x17) {
                    c.interruptShadow = 2;
                }
                done();
            }
            case 0x27, 0x2F, 0x37, 0x3F -> {
                if (c.code64()) {
                    throw CpuFault.ud();
                }
                decimalAdjust(op);
                done();
            }
            case 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47 -> { // INC r (not in 64-bit: REX)
                c.setReg(op & 7, os, false, Alu.inc(c, os, c.reg(op & 7, os, false)));
                done();
            }
            case 0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F -> {
                c.setReg(op & 7, os, false, Alu.dec(c, os, c.reg(op & 7, os, false)));
                done();
            }
            case 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57 -> {
                int n = (op & 7) | ((in.rex & 1) << 3);
                c.push(c.reg(n, os, true), os);
                done();
            }
            case 0x58, 0x59, 0x5A, 0x5B, 0x5C, 0x5D, 0x5E, 0x5F -> {
                int n = (op & 7) | ((in.rex & 1) << 3);
                long v = c.read(c.ss, c.sp(), os);
                c.setSp(c.sp() + os);
                c.setReg(n, os, true, v);
                done();
            }
            case 0x60 -> { // PUSHA
                if (c.code64()) {
                    throw CpuFault.ud();
                }
                long sp = c.r[4];
                for (int n = 0; n < 8; n++) {
                    c.push(n == 4 ? sp : c.r[n], os);
                }
                done();
            }
            case 0x61 -> { // POPA
                if (c.code64()) {
                    throw CpuFault.ud();
                }
                for (int n = 7; n >= 0; n--) {
                    long v = c.pop(os);
                    if (n != 4) {
                        c.setReg(n, os, false, v);
                    }
                }
                done();
            }
            case 0x63 -> {
                if (c.code64()) { // MOVSXD
                    long v = in.mod == 3 ? c.r[in.rm] : c.read(seg(), ea(), 4);
                    writeReg(os, (int) v);
                } else { // ARPL
                    if (!c.protectedMode()) {
                        throw CpuFault.ud();
                    }
                    long dst = readRm(2), src = readReg(2);
                    long status = c.status() & ~Cpu.ZF;
                    if ((dst & 3) < (src & 3)) {
                        writeRm(2, (dst & ~3) | (src & 3));
                        status |= Cpu.ZF;
                    }
                    c.setStatusEager(status);
                }
                done();
            }
            case 0x68, 0x6A -> {
                c.push(in.imm, os);
                done();
            }
            case 0x69, 0x6B -> {
                long r = Alu.imul(c, os, readRm(os), in.imm, hi);
                writeReg(os, r);
                done();
            }
            case 0x6C, 0x6D, 0x6E, 0x6F -> stringIo(op);
            case 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x7B, 0x7C, 0x7D, 0x7E, 0x7F -> {
                c.rip = c.cond(op & 0xF) ? ripMask(next() + in.imm) : next();
            }
            case 0x80, 0x81, 0x82, 0x83 -> {
                if (op == 0x82 && c.code64()) {
                    throw CpuFault.ud();
                }
                int size = op == 0x80 || op == 0x82 ? 1 : os;
                int aluOp = in.reg & 7;
                long r = Alu.alu(c, aluOp, size, readRm(size), in.imm);
                if (aluOp != Alu.CMP) {
                    writeRm(size, r);
                }
                done();
            }
            case 0x84, 0x85 -> {
                int size = op == 0x84 ? 1 : os;
                Alu.alu(c, Alu.AND, size, readRm(size), readReg(size));
                done();
            }
            case 0x86, 0x87 -> { // XCHG: atomic with memory, as if LOCKed
                int size = op == 0x86 ? 1 : os;
                long reg = readReg(size);
                if (in.mod == 3) {
                    long v = c.reg(in.rm, size, in.hasRex());
                    c.setReg(in.rm, size, in.hasRex(), reg);
                    writeReg(size, v);
                } else {
                    long v = sys.atomicXchg(seg(), ea(), size, reg);
                    writeReg(size, v);
                }
                done();
            }
            case 0x88 -> {
                writeRm(1, readReg(1));
                done();
            }
            case 0x89 -> {
                writeRm(os, readReg(os));
                done();
            }
            case 0x8A -> {
                writeReg(1, readRm(1));
                done();
            }
            case 0x8B -> {
                writeReg(os, readRm(os));
                done();
            }
            case 0x8C -> { // MOV Ev, Sreg
                int sreg = in.reg & 7;
                if (sreg > 5) {
                    throw CpuFault.ud();
                }
                long v = c.segs[sreg].selector;
                if (in.mod == 3) {
                    c.setReg(in.rm, os, in.hasRex(), v);
                } else {
                    c.write(seg(), ea(), 2, v);
                }
                done();
            }
            case 0x8D -> {
                if (in.mod == 3) {
                    throw CpuFault.ud();
                }
                writeReg(os, ea());
                done();
            }
            case 0x8E -> { // MOV Sreg, Ew
                int sreg = in.reg & 7;
                if (sreg == 1 || sreg > 5) {
                    throw CpuFault.ud();
                }
                sys.loadSegment(sreg, (int) readRm(2));
                if (sreg == 2) {
                    c.interruptShadow = 2;
                }
                done();
            }
            case 0x8F -> { // POP Ev: RSP is incremented before the destination address is computed
                long sp = c.sp();
                long v = c.read(c.ss, sp, os);
                c.setSp(sp + os);
                try {
                    writeRm(os, v);
                } catch (CpuFault f) {
                    c.setSp(sp);
                    throw f;
                }
                done();
            }
            case 0x90 -> {
                if ((in.rex & 1) != 0) { // XCHG R8, RAX
                    long t = c.reg(8, os, true);
                    c.setReg(8, os, true, c.reg(0, os, true));
                    c.setReg(0, os, true, t);
                }
                done(); // NOP, and PAUSE with F3
            }
            case 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97 -> {
                int n = (op & 7) | ((in.rex & 1) << 3);
                long t = c.reg(n, os, true);
                c.setReg(n, os, true, c.reg(0, os, true));
                c.setReg(0, os, true, t);
                done();
            }
            case 0x98 -> { // CBW/CWDE/CDQE
                long v = c.r[0];
                switch (os) {
                    case 2 -> c.setReg(0, 2, true, (byte) v);
                    case 4 -> c.setReg(0, 4, true, (short) v);
                    default -> c.r[0] = (int) v;
                }
                done();
            }
            case 0x99 -> { // CWD/CDQ/CQO
                long a = c.reg(0, os, true);
                boolean neg = (a & Cpu.signBit(os)) != 0;
                c.setReg(2, os, true, neg ? -1 : 0);
                done();
            }
            case 0x9A -> sys.farCall(in.imm2, in.imm, os, next());
            case 0x9B -> { // FWAIT: delivers a pending unmasked x87 exception (#MF)
                if ((c.cr0 & 0xA) == 0xA) {
                    throw CpuFault.of(CpuFault.NM); // MP and TS
                }
                X87.fwait(c);
                done();
            }
            case 0x9C -> { // PUSHF
                if ((c.flagsRest & Cpu.VM) != 0 && ((c.flagsRest >> 12) & 3) < 3) {
                    throw CpuFault.gp(0);
                }
                c.push(c.getFlags() & ~(Cpu.RF | Cpu.VM), os);
                done();
            }
            case 0x9D -> { // POPF
                long v = c.read(c.ss, c.sp(), os);
                c.setSp(c.sp() + os);
                sys.writeFlags(v, os);
                done();
            }
            case 0x9E -> { // SAHF
                long ah = (c.r[0] >> 8) & 0xD5;
                c.setStatusEager((c.status() & ~0xD5L) | ah);
                done();
            }
            case 0x9F -> { // LAHF
                c.r[0] = (c.r[0] & ~0xFF00L) | ((c.getFlags() & 0xFF) << 8);
                done();
            }
            case 0xA0, 0xA1 -> {
                int size = op == 0xA0 ? 1 : os;
                c.setReg(0, size, false, c.read(in.seg >= 0 ? c.segs[in.seg] : c.ds, in.imm & mask(in.addrSize), size));
                done();
            }
            case 0xA2, 0xA3 -> {
                int size = op == 0xA2 ? 1 : os;
                c.write(in.seg >= 0 ? c.segs[in.seg] : c.ds, in.imm & mask(in.addrSize), size, c.reg(0, size, false));
                done();
            }
            case 0xA4, 0xA5, 0xA6, 0xA7, 0xAA, 0xAB, 0xAC, 0xAD, 0xAE, 0xAF -> stringOp(op);
            case 0xA8, 0xA9 -> {
                int size = op == 0xA8 ? 1 : os;
                Alu.alu(c, Alu.AND, size, c.reg(0, size, false), in.imm);
                done();
            }
            case 0xB0, 0xB1, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7 -> {
                c.setReg((op & 7) | ((in.rex & 1) << 3), 1, in.hasRex(), in.imm);
                done();
            }
            case 0xB8, 0xB9, 0xBA, 0xBB, 0xBC, 0xBD, 0xBE, 0xBF -> {
                c.setReg((op & 7) | ((in.rex & 1) << 3), os, true, in.imm);
                done();
            }
            case 0xC0, 0xC1, 0xD0, 0xD1, 0xD2, 0xD3 -> {
                int size = (op & 1) == 0 ? 1 : os;
                long count = op <= 0xC1 ? in.imm : op <= 0xD1 ? 1 : c.r[1] & 0xFF;
                writeRm(size, Alu.shift(c, in.reg & 7, size, readRm(size), count));
                done();
            }
            case 0xC2, 0xC3 -> { // RET near
                long sp = c.sp();
                long target = c.read(c.ss, sp, os);
                c.setSp(sp + os + (op == 0xC2 ? in.imm : 0));
                jumpTo(target);
            }
            case 0xC4, 0xC5 -> {
                if (c.code64() || in.mod == 3) {
                    throw CpuFault.ud(); // VEX prefixes: AVX is not advertised
                }
                long off = ea();
                long v = c.read(seg(), off, os);
                int sel = (int) c.read(seg(), off + os, 2);
                sys.loadSegment(op == 0xC4 ? 0 : 3, sel);
                writeReg(os, v);
                done();
            }
            case 0xC6, 0xC7 -> {
                if ((in.reg & 7) != 0) {
                    throw CpuFault.ud();
                }
                writeRm(op == 0xC6 ? 1 : os, in.imm);
                done();
            }
            case 0xC8 -> enter();
            case 0xC9 -> { // LEAVE
                int sas = c.stackAddrSize();
                long bp = c.reg(5, sas, true);
                long v = c.read(c.ss, bp, os);
                c.setReg(4, sas, true, bp + os);
                c.setReg(5, os, true, v);
                done();
            }
            case 0xCA, 0xCB -> sys.farReturn(os, op == 0xCA ? in.imm : 0);
            case 0xCC -> sys.softwareInterrupt(3, next(), true);
            case 0xCD -> sys.softwareInterrupt((int) in.imm & 0xFF, next(), false);
            case 0xCE -> {
                if (c.code64()) {
                    throw CpuFault.ud();
                }
                if ((c.status() & Cpu.OF) != 0) {
                    sys.softwareInterrupt(4, next(), true);
                } else {
                    done();
                }
            }
            case 0xCF -> sys.iret(os);
            case 0xD4, 0xD5 -> {
                if (c.code64()) {
                    throw CpuFault.ud();
                }
                asciiAdjust(op);
                done();
            }
            case 0xD6 -> { // SALC (undocumented)
                if (c.code64()) {
                    throw CpuFault.ud();
                }
                c.setReg(0, 1, false, c.cf() ? 0xFF : 0);
                done();
            }
            case 0xD7 -> { // XLAT
                long addr = (c.r[3] + (c.r[0] & 0xFF)) & mask(in.addrSize);
                c.setReg(0, 1, false, c.read(in.seg >= 0 ? c.segs[in.seg] : c.ds, addr, 1));
                done();
            }
            case 0xD8, 0xD9, 0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF -> {
                if ((c.cr0 & 0xC) != 0) {
                    throw CpuFault.of(CpuFault.NM); // EM or TS: the OS wants to know about FPU use
                }
                X87.execute(this);
            }
            case 0xE0, 0xE1, 0xE2, 0xE3 -> loop(op);
            case 0xE4, 0xE5 -> {
                requireIo();
                int size = op == 0xE4 ? 1 : Math.min(os, 4);
                c.setReg(0, size, false, c.pio.read(in.imm & 0xFF, size));
                done();
            }
            case 0xE6, 0xE7 -> {
                requireIo();
                int size = op == 0xE6 ? 1 : Math.min(os, 4);
                c.pio.write(in.imm & 0xFF, size, c.reg(0, size, false));
                done();
            }
            case 0xE8 -> {
                long ret = next();
                c.push(ret, os);
                jumpTo(ret + in.imm);
            }
            case 0xE9, 0xEB -> jumpTo(next() + in.imm);
            case 0xEA -> sys.farJump(in.imm2, in.imm);
            case 0xEC, 0xED -> {
                requireIo();
                int size = op == 0xEC ? 1 : Math.min(os, 4);
                c.setReg(0, size, false, c.pio.read(c.r[2] & 0xFFFF, size));
                done();
            }
            case 0xEE, 0xEF -> {
                requireIo();
                int size = op == 0xEE ? 1 : Math.min(os, 4);
                c.pio.write(c.r[2] & 0xFFFF, size, c.reg(0, size, false));
                done();
            }
            case 0xF1 -> sys.softwareInterrupt(1, next(), true); // INT1 / ICEBP
            case 0xF4 -> { // HLT
                requireCpl0();
                done();
                c.halted = true;
            }
            case 0xF5 -> {
                c.setStatusEager(c.status() ^ Cpu.CF);
                done();
            }
            case 0xF6, 0xF7 -> group3(op == 0xF6 ? 1 : os);
            case 0xF8, 0xF9 -> {
                c.setStatusEager((c.status() & ~Cpu.CF) | (op == 0xF9 ? Cpu.CF : 0));
                done();
            }
            case 0xFA -> { // CLI
                requireIo();
                c.flagsRest &= ~Cpu.IF;
                done();
            }
            case 0xFB -> { // STI: interrupts are recognised only after the next instruction
                requireIo();
                if ((c.flagsRest & Cpu.IF) == 0) {
                    c.interruptShadow = 2;
                }
                c.flagsRest |= Cpu.IF;
                done();
            }
            case 0xFC -> {
                c.flagsRest &= ~Cpu.DF;
                done();
            }
            case 0xFD -> {
                c.flagsRest |= Cpu.DF;
                done();
            }
            case 0xFE -> {
                switch (in.reg & 7) {
                    case 0 -> writeRm(1, Alu.inc(c, 1, readRm(1)));
                    case 1 -> writeRm(1, Alu.dec(c, 1, readRm(1)));
                    default -> throw CpuFault.ud();
                }
                done();
            }
            case 0xFF -> group5(os);
            default -> throw CpuFault.ud();
        }
    }

    private void group3(int size) {
        switch (in.reg & 7) {
            case 0, 1 -> {
                Alu.alu(c, Alu.AND, size, readRm(size), in.imm);
                done();
            }
            case 2 -> {
                writeRm(size, ~readRm(size));
                done();
            }
            case 3 -> {
                writeRm(size, Alu.neg(c, size, readRm(size)));
                done();
            }
            case 4, 5 -> { // MUL / IMUL: into AX, DX:AX, EDX:EAX or RDX:RAX
                long src = readRm(size);
                long a = c.reg(0, size, false);
                long lo = (in.reg & 7) == 4 ? Alu.mul(c, size, a, src, hi) : Alu.imul(c, size, a, src, hi);
                if (size == 1) {
                    c.setReg(0, 2, false, (lo & 0xFF) | ((hi[0] & 0xFF) << 8));
                } else {
                    c.setReg(0, size, false, lo);
                    c.setReg(2, size, false, hi[0]);
                }
                done();
            }
            default -> {
                divide(size, (in.reg & 7) == 7);
                done();
            }
        }
    }

    private void divide(int size, boolean signed) {
        long divisor = readRm(size);
        long m = mask(size);
        divisor &= m;
        if (divisor == 0) {
            throw CpuFault.of(CpuFault.DE);
        }
        long lo, hiPart;
        if (size == 1) {
            long ax = c.r[0] & 0xFFFF;
            lo = ax & 0xFF;
            hiPart = ax >>> 8;
        } else {
            lo = c.reg(0, size, false);
            hiPart = c.reg(2, size, false);
        }
        long q, r;
        int bits = size * 8;
        if (size < 8) {
            long dividend = (hiPart << bits) | lo;
            if (signed) {
                int sh = 64 - 2 * bits;
                long sd = size == 4 ? dividend : (dividend << sh) >> sh;
                long sdiv = (divisor << (64 - bits)) >> (64 - bits);
                q = sd / sdiv;
                r = sd % sdiv;
                if (q != ((q << (64 - bits)) >> (64 - bits))) {
                    throw CpuFault.of(CpuFault.DE);
                }
            } else {
                q = Long.divideUnsigned(dividend, divisor);
                r = Long.remainderUnsigned(dividend, divisor);
                if ((q & ~m) != 0) {
                    throw CpuFault.of(CpuFault.DE);
                }
            }
        } else {
            java.math.BigInteger dividend = new java.math.BigInteger(1, toBytes(hiPart, lo));
            java.math.BigInteger d;
            if (signed) {
                dividend = new java.math.BigInteger(toBytes(hiPart, lo));
                d = java.math.BigInteger.valueOf(divisor);
            } else {
                d = new java.math.BigInteger(Long.toUnsignedString(divisor));
            }
            java.math.BigInteger[] qr = dividend.divideAndRemainder(d);
            if (signed ? qr[0].bitLength() > 63 : qr[0].bitLength() > 64) {
                throw CpuFault.of(CpuFault.DE);
            }
            q = qr[0].longValue();
            r = qr[1].longValue();
        }
        if (size == 1) {
            c.setReg(0, 2, false, (q & 0xFF) | ((r & 0xFF) << 8));
        } else {
            c.setReg(0, size, false, q);
            c.setReg(2, size, false, r);
        }
    }

    private static byte[] toBytes(long hi, long lo) {
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (hi >>> (56 - 8 * i));
            b[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        return b;
    }

    private void group5(int os) {
        switch (in.reg & 7) {
            case 0 -> {
                writeRm(os, Alu.inc(c, os, readRm(os)));
                done();
            }
            case 1 -> {
                writeRm(os, Alu.dec(c, os, readRm(os)));
                done();
            }
            case 2 -> { // CALL near indirect
                int size = c.code64() ? 8 : os;
                long target = readRm(size);
                c.push(next(), size);
                jumpTo(target);
            }
            case 3 -> { // CALL far indirect
                if (in.mod == 3) {
                    throw CpuFault.ud();
                }
                long off = ea();
                long target = c.read(seg(), off, os);
                int sel = (int) c.read(seg(), off + os, 2);
                sys.farCall(sel, target, os, next());
            }
            case 4 -> jumpTo(readRm(c.code64() ? 8 : os));
            case 5 -> {
                if (in.mod == 3) {
                    throw CpuFault.ud();
                }
                long off = ea();
                long target = c.read(seg(), off, os);
                int sel = (int) c.read(seg(), off + os, 2);
                sys.farJump(sel, target);
            }
            case 6 -> {
                int size = c.code64() ? (os == 2 ? 2 : 8) : os;
                c.push(readRm(size), size);
                done();
            }
            default -> throw CpuFault.ud();
        }
    }

    private void enter() {
        int os = in.opSize;
        long size = in.imm & 0xFFFF;
        int level = (int) (in.imm2 & 0x1F);
        int sas = c.stackAddrSize();
        c.push(c.reg(5, os, true), os);
        long frame = c.sp();
        for (int i = 1; i < level; i++) {
            long bp = (c.reg(5, sas, true) - (long) i * os) & mask(sas);
            c.push(c.read(c.ss, bp, os), os);
        }
        if (level > 0) {
            c.push(frame, os);
        }
        c.setReg(5, os, true, frame);
        c.setSp(c.sp() - size);
        done();
    }

    private void loop(int op) {
        int as = in.addrSize;
        if (op == 0xE3) { // JCXZ/JECXZ/JRCXZ
            c.rip = c.reg(1, as, true) == 0 ? ripMask(next() + in.imm) : next();
            return;
        }
        long cx = (c.reg(1, as, true) - 1) & mask(as);
        c.setReg(1, as, true, cx);
        boolean take = cx != 0 && (op == 0xE2 || (op == 0xE1 ? c.zf() : !c.zf()));
        c.rip = take ? ripMask(next() + in.imm) : next();
    }

    // ---------------------------------------------------------------- strings

    private long delta(int size) {
        return (c.flagsRest & Cpu.DF) != 0 ? -size : size;
    }

    private Seg srcSeg() {
        return in.seg >= 0 ? c.segs[in.seg] : c.ds;
    }

    private void stringOp(int op) {
        int size = (op & 1) == 0 ? 1 : in.opSize;
        int as = in.addrSize;
        boolean rep = in.has(Insn.P_REP) || in.has(Insn.P_REPNE);
        long m = mask(as);
        long d = delta(size);
        int budget = REP_CHUNK;
        while (true) {
            if (rep && c.reg(1, as, true) == 0) {
                done();
                return;
            }
            long si = c.reg(6, as, true), di = c.reg(7, as, true);
            boolean compare = false;
            switch (op) {
                case 0xA4, 0xA5 -> { // MOVS
                    c.write(c.es, di, size, c.read(srcSeg(), si, size));
                    c.setReg(6, as, true, (si + d) & m);
                    c.setReg(7, as, true, (di + d) & m);
                }
                case 0xA6, 0xA7 -> { // CMPS
                    Alu.alu(c, Alu.CMP, size, c.read(srcSeg(), si, size), c.read(c.es, di, size));
                    c.setReg(6, as, true, (si + d) & m);
                    c.setReg(7, as, true, (di + d) & m);
                    compare = true;
                }
                case 0xAA, 0xAB -> { // STOS
                    c.write(c.es, di, size, c.reg(0, size, false));
                    c.setReg(7, as, true, (di + d) & m);
                }
                case 0xAC, 0xAD -> { // LODS
                    c.setReg(0, size, false, c.read(srcSeg(), si, size));
                    c.setReg(6, as, true, (si + d) & m);
                }
                default -> { // SCAS
                    Alu.alu(c, Alu.CMP, size, c.reg(0, size, false), c.read(c.es, di, size));
                    c.setReg(7, as, true, (di + d) & m);
                    compare = true;
                }
            }
            if (!rep) {
                done();
                return;
            }
            c.setReg(1, as, true, c.reg(1, as, true) - 1);
            if (compare && (in.has(Insn.P_REP) ? !c.zf() : c.zf())) {
                done();
                return;
            }
            if (--budget == 0) {
                return; // RIP stays on the instruction: it resumes after pending interrupts
            }
        }
    }

    private void stringIo(int op) {
        requireIo();
        int size = (op & 1) == 0 ? 1 : Math.min(in.opSize, 4);
        int as = in.addrSize;
        boolean rep = in.has(Insn.P_REP) || in.has(Insn.P_REPNE);
        long m = mask(as);
        long d = delta(size);
        int port = (int) (c.r[2] & 0xFFFF);
        int budget = REP_CHUNK;
        while (true) {
            if (rep && c.reg(1, as, true) == 0) {
                done();
                return;
            }
            if (op <= 0x6D) { // INS: write ES:DI; check the destination before reading the port
                long di = c.reg(7, as, true);
                c.linearToPhys(c.linear(c.es, di), Cpu.ACC_WRITE);
                c.write(c.es, di, size, c.pio.read(port, size));
                c.setReg(7, as, true, (di + d) & m);
            } else { // OUTS
                long si = c.reg(6, as, true);
                c.pio.write(port, size, c.read(srcSeg(), si, size));
                c.setReg(6, as, true, (si + d) & m);
            }
            if (!rep) {
                done();
                return;
            }
            c.setReg(1, as, true, c.reg(1, as, true) - 1);
            if (--budget == 0) {
                return;
            }
        }
    }

    // ---------------------------------------------------------------- BCD

    private void decimalAdjust(int op) {
        long al = c.r[0] & 0xFF;
        long status = c.status();
        boolean cf = (status & Cpu.CF) != 0, af = (status & Cpu.AF) != 0;
        switch (op) {
            case 0x27 -> { // DAA
                long old = al;
                boolean newCf = false;
                if ((al & 0xF) > 9 || af) {
                    al += 6;
                    newCf = cf || al > 0xFF;
                    af = true;
                } else {
                    af = false;
                }
                if (old > 0x99 || cf) {
                    al += 0x60;
                    newCf = true;
                }
                al &= 0xFF;
                c.setReg(0, 1, false, al);
                c.setStatusEager(Alu.szp(1, al) | (newCf ? Cpu.CF : 0) | (af ? Cpu.AF : 0));
            }
            case 0x2F -> { // DAS
                long old = al;
                boolean newCf = false;
                if ((al & 0xF) > 9 || af) {
                    newCf = cf || al < 6;
                    al -= 6;
                    af = true;
                } else {
                    af = false;
                }
                if (old > 0x99 || cf) {
                    al -= 0x60;
                    newCf = true;
                }
                al &= 0xFF;
                c.setReg(0, 1, false, al);
                c.setStatusEager(Alu.szp(1, al) | (newCf ? Cpu.CF : 0) | (af ? Cpu.AF : 0));
            }
            case 0x37, 0x3F -> { // AAA / AAS
                long ax = c.r[0] & 0xFFFF;
                if ((al & 0xF) > 9 || af) {
                    ax = op == 0x37 ? ax + 0x106 : ax - 0x106;
                    c.setReg(0, 2, false, ax & 0xFF0F);
                    c.setStatusEager(Cpu.AF | Cpu.CF | (Alu.szp(1, ax & 0x0F) & ~0L));
                } else {
                    c.setReg(0, 2, false, ax & 0xFF0F);
                    c.setStatusEager(Alu.szp(1, ax & 0x0F));
                }
            }
            default -> throw CpuFault.ud();
        }
    }

    private void asciiAdjust(int op) {
        long base = in.imm & 0xFF;
        long al = c.r[0] & 0xFF, ah = (c.r[0] >> 8) & 0xFF;
        long r;
        if (op == 0xD4) { // AAM
            if (base == 0) {
                throw CpuFault.of(CpuFault.DE);
            }
            r = al % base;
            c.setReg(0, 2, false, ((al / base) << 8) | r);
        } else { // AAD
            r = (al + ah * base) & 0xFF;
            c.setReg(0, 2, false, r);
        }
        c.setStatusEager(Alu.szp(1, r));
    }

    // ---------------------------------------------------------------- 0F map

    private void twoByte() {
        int op = in.op;
        int os = in.opSize;
        switch (op) {
            case 0x00 -> sys.group6(this);
            case 0x01 -> sys.group7(this);
            case 0x05 -> sys.syscall(next());
            case 0x06 -> { // CLTS
                requireCpl0();
                c.cr0 &= ~8L;
                done();
            }
            case 0x07 -> sys.sysret(os);
            case 0x08, 0x09 -> { // INVD, WBINVD: caches are coherent here
                requireCpl0();
                done();
            }
            case 0x0B, 0xB9 -> throw CpuFault.ud(); // UD2, UD1
            case 0x0D, 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F -> done(); // prefetch and hint NOPs
            case 0x20, 0x22 -> sys.movCr(this, op == 0x22);
            case 0x21, 0x23 -> sys.movDr(this, op == 0x23);
            case 0x30 -> sys.wrmsr(this);
            case 0x31 -> { // RDTSC
                if ((c.cr4 & 4) != 0 && c.cpl() != 0) {
                    throw CpuFault.gp(0);
                }
                long tsc = sys.tsc();
                c.r[0] = tsc & 0xFFFF_FFFFL;
                c.r[2] = tsc >>> 32;
                done();
            }
            case 0x32 -> sys.rdmsr(this);
            case 0x34 -> sys.sysenter();
            case 0x35 -> sys.sysexit(os);
            case 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F -> {
                long v = readRm(os); // the source is read (and may fault) whatever the condition
                if (c.cond(op & 0xF)) {
                    writeReg(os, v);
                } else if (os == 4) {
                    writeReg(4, readReg(4)); // a 32-bit CMOVcc zero-extends even when not taken
                }
                done();
            }
            case 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8B, 0x8C, 0x8D, 0x8E, 0x8F -> {
                c.rip = c.cond(op & 0xF) ? ripMask(next() + in.imm) : next();
            }
            case 0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F -> {
                writeRm(1, c.cond(op & 0xF) ? 1 : 0);
                done();
            }
            case 0xA0, 0xA8 -> {
                c.push(c.segs[op == 0xA0 ? 4 : 5].selector, os);
                done();
            }
            case 0xA1, 0xA9 -> {
                long sp = c.sp();
                int sel = (int) c.read(c.ss, sp, os) & 0xFFFF;
                sys.loadSegment(op == 0xA1 ? 4 : 5, sel);
                c.setSp(sp + os);
                done();
            }
            case 0xA2 -> {
                sys.cpuid();
                done();
            }
            case 0xA3, 0xAB, 0xB3, 0xBB -> bitOp((op >> 3) & 3, readReg(os), true);
            case 0xBA -> {
                if ((in.reg & 7) < 4) {
                    throw CpuFault.ud();
                }
                bitOp(in.reg & 3, in.imm & 0xFF, false);
            }
            case 0xA4, 0xA5, 0xAC, 0xAD -> {
                long count = (op & 1) == 0 ? in.imm : c.r[1];
                writeRm(os, Alu.doubleShift(c, op < 0xA8, os, readRm(os), readReg(os), count));
                done();
            }
            case 0xAE -> sys.group15(this);
            case 0xAF -> {
                writeReg(os, Alu.imul(c, os, readReg(os), readRm(os), hi));
                done();
            }
            case 0xB0, 0xB1 -> { // CMPXCHG
                int size = op == 0xB0 ? 1 : os;
                long expected = c.reg(0, size, false);
                long replacement = readReg(size);
                long old;
                if (in.mod == 3) {
                    old = c.reg(in.rm, size, in.hasRex());
                    // The destination is always written, with its own value when the comparison fails,
                    // so a 32-bit destination is zero-extended either way (found by the differential test).
                    c.setReg(in.rm, size, in.hasRex(), old == expected ? replacement : old);
                } else {
                    old = sys.atomicCmpxchg(seg(), ea(), size, expected, replacement);
                }
                Alu.alu(c, Alu.CMP, size, expected, old);
                if (old != expected) {
                    c.setReg(0, size, false, old);
                }
                done();
            }
            case 0xB2, 0xB4, 0xB5 -> { // LSS, LFS, LGS
                if (in.mod == 3) {
                    throw CpuFault.ud();
                }
                long off = ea();
                long v = c.read(seg(), off, os);
                int sel = (int) c.read(seg(), off + os, 2);
                sys.loadSegment(op == 0xB2 ? 2 : op == 0xB4 ? 4 : 5, sel);
                writeReg(os, v);
                done();
            }
            case 0xB6, 0xB7 -> {
                writeReg(os, readRm(op == 0xB6 ? 1 : 2));
                done();
            }
            case 0xBE, 0xBF -> {
                long v = readRm(op == 0xBE ? 1 : 2);
                writeReg(os, op == 0xBE ? (byte) v : (short) v);
                done();
            }
            case 0xB8 -> {
                if (in.ssePrefix != 0xF3) {
                    throw CpuFault.ud();
                }
                writeReg(os, Alu.popcnt(c, os, readRm(os)));
                done();
            }
            case 0xBC, 0xBD -> {
                long src = readRm(os);
                if (in.ssePrefix == 0xF3) {
                    writeReg(os, op == 0xBC ? Alu.tzcnt(c, os, src) : Alu.lzcnt(c, os, src));
                } else {
                    long r = op == 0xBC ? Alu.bsf(c, os, src, -1) : Alu.bsr(c, os, src, -1);
                    if ((src & Cpu.mask(os)) != 0) {
                        writeReg(os, r);
                    }
                    // A zero source leaves the destination untouched, not even zero-extended (as the
                    // hardware does; found by the differential test).
                }
                done();
            }
            case 0xC0, 0xC1 -> { // XADD
                int size = op == 0xC0 ? 1 : os;
                long src = readReg(size);
                long old;
                if (in.mod == 3) {
                    old = c.reg(in.rm, size, in.hasRex());
                    long sum = Alu.alu(c, Alu.ADD, size, old, src);
                    writeReg(size, old);
                    c.setReg(in.rm, size, in.hasRex(), sum);
                } else {
                    old = sys.atomicXadd(seg(), ea(), size, src);
                    Alu.alu(c, Alu.ADD, size, old, src);
                    writeReg(size, old);
                }
                done();
            }
            case 0xC7 -> sys.group9(this);
            case 0xC8, 0xC9, 0xCA, 0xCB, 0xCC, 0xCD, 0xCE, 0xCF -> {
                int n = (op & 7) | ((in.rex & 1) << 3);
                if (os == 2) {
                    c.setReg(n, 2, true, 0); // BSWAP of a 16-bit register is undefined; zero as hardware does
                } else {
                    c.setReg(n, os, true, Alu.bswap(os, c.reg(n, os, true)));
                }
                done();
            }
            default -> {
                if (!Sse.execute(this)) {
                    throw CpuFault.ud();
                }
            }
        }
    }

    /** BT/BTS/BTR/BTC; with a register bit offset on memory, the offset may address other bytes. */
    private void bitOp(int kind, long bitOffset, boolean registerOffset) {
        int os = in.opSize;
        int bits = os * 8;
        if (in.mod == 3) {
            long v = c.reg(in.rm, os, in.hasRex());
            int bit = (int) (bitOffset & (bits - 1));
            boolean old = ((v >>> bit) & 1) != 0;
            c.setStatusEager((c.status() & ~Cpu.CF) | (old ? Cpu.CF : 0));
            if (kind != 0) {
                long nv = kind == 1 ? v | (1L << bit) : kind == 2 ? v & ~(1L << bit) : v ^ (1L << bit);
                c.setReg(in.rm, os, in.hasRex(), nv);
            }
            done();
            return;
        }
        long addr = ea();
        long bit;
        if (registerOffset) {
            long sbit = (bitOffset << (64 - bits)) >> (64 - bits); // signed offset of the operand size
            addr = (addr + (Math.floorDiv(sbit, bits) * os)) & mask(in.addrSize);
            bit = Math.floorMod(sbit, bits);
        } else {
            bit = bitOffset & (bits - 1);
        }
        long v = c.read(seg(), addr, os);
        boolean old = ((v >>> bit) & 1) != 0;
        if (kind != 0) {
            long nv = kind == 1 ? v | (1L << bit) : kind == 2 ? v & ~(1L << bit) : v ^ (1L << bit);
            if (in.has(Insn.P_LOCK)) {
                if (sys.atomicCmpxchg(seg(), addr, os, v, nv) != (v & Cpu.mask(os))) {
                    throw LOCK_RETRY;
                }
            } else {
                c.write(seg(), addr, os, nv);
            }
        }
        c.setStatusEager((c.status() & ~Cpu.CF) | (old ? Cpu.CF : 0));
        done();
    }
}
