package dev.jvmm.tcg;

import dev.jvmm.devmodel.bus.MmioBus;
import dev.jvmm.devmodel.bus.PortIoBus;
import dev.jvmm.devmodel.memory.GuestMemory;
import dev.jvmm.ffi.Native;
import java.util.TreeMap;
import sun.misc.Unsafe;

/**
 * One software x86-64 CPU: architectural state, lazily evaluated arithmetic flags, and memory
 * access through segmentation, paging and a software TLB onto guest RAM or the MMIO bus.
 *
 * <p>Only the vCPU's own thread touches it while it runs; state is read and written from outside
 * only while the VM is paused.
 */
final class Cpu {
    private static final Unsafe U = Native.UNSAFE;

    // ---- registers ----
    final long[] r = new long[16];
    long rip;
    final Seg es = new Seg(), cs = new Seg(), ss = new Seg(), ds = new Seg(), fs = new Seg(), gs = new Seg();
    final Seg ldtr = new Seg(), tr = new Seg();
    final Seg[] segs = {es, cs, ss, ds, fs, gs};
    long gdtBase, idtBase;
    int gdtLimit, idtLimit;
    long cr0, cr2, cr3, cr4, cr8, efer, xcr0 = 1;
    long apicBase = 0xFEE0_0900L;
    /** MSRs kept as plain values (everything not decoded into a field). */
    final TreeMap<Integer, Long> msrs = new TreeMap<>();
    long tscOffset;
    /** The FXSAVE image (x87, MXCSR, XMM) and the rest of the XSAVE area, kept as bytes. */
    final byte[] xsave = new byte[4096];
    /** XMM0-15: xmm[2*i] is the low 64 bits of XMMi, xmm[2*i+1] the high 64 bits. */
    final long[] xmm = new long[32];
    int mxcsr = 0x1F80;
    final Fpu fpu = new Fpu();

    // ---- run state ----
    boolean halted;
    /** Interrupts are inhibited for one instruction after STI / MOV SS (the interrupt shadow). */
    int interruptShadow;
    /** Set by another vCPU's NMI IPI, so volatile; saved with the state. */
    volatile boolean nmiPending;
    boolean nmiMasked;

    // ---- flags: everything but the six status flags lives in flagsRest; those are lazy ----
    long flagsRest = 0x2;
    static final long CF = 1, PF = 4, AF = 0x10, ZF = 0x40, SF = 0x80, TF = 0x100, IF = 0x200, DF = 0x400,
        OF = 0x800, IOPL = 0x3000, NT = 0x4000, RF = 0x10000, VM = 0x20000, AC = 0x40000, ID = 0x200000;
    static final long STATUS = CF | PF | AF | ZF | SF | OF;
    static final int CC_EAGER = 0, CC_ADD = 1, CC_SUB = 2, CC_LOGIC = 3, CC_INC = 4, CC_DEC = 5, CC_NEG = 6;
    int ccOp = CC_EAGER;
    int ccSize = 8;
    long ccRes, ccSrc1, ccSrc2;
    /** CF before INC/DEC, which preserve it; or the eager status bits with CC_EAGER. */
    long ccCarry;

    /** This CPU's local APIC (software), or null when the CPU runs without interrupt controllers. */
    dev.jvmm.devmodel.irqchip.apic.LocalApic apic;
    /** After INIT: waiting for a startup IPI, running nothing. */
    volatile boolean waitForSipi;

    // ---- the machine around it ----
    final GuestMemory memory;
    final MmioBus mmio;
    final PortIoBus pio;
    final int index;

    Cpu(int index, GuestMemory memory, MmioBus mmio, PortIoBus pio) {
        this.index = index;
        this.memory = memory;
        this.mmio = mmio;
        this.pio = pio;
        reset();
    }

    /** The architectural reset state (Intel SDM vol. 3, table 9-1). */
    void reset() {
        java.util.Arrays.fill(r, 0);
        r[2] = 0x600; // EDX: family/model/stepping
        rip = 0xFFF0;
        setFlags(0x2);
        cs.set(0xF000, 0xFFFF_0000L, 0xFFFF, 0xB | Seg.A_S | Seg.A_P);
        for (Seg s : new Seg[] {es, ss, ds, fs, gs}) {
            s.set(0, 0, 0xFFFF, 0x3 | Seg.A_S | Seg.A_P);
        }
        ldtr.set(0, 0, 0xFFFF, 0x2 | Seg.A_P);
        tr.set(0, 0, 0xFFFF, 0xB | Seg.A_P);
        gdtBase = idtBase = 0;
        gdtLimit = idtLimit = 0xFFFF;
        cr0 = 0x6000_0010L;
        cr2 = cr3 = cr4 = cr8 = efer = 0;
        xcr0 = 1;
        java.util.Arrays.fill(xsave, (byte) 0);
        putShort(xsave, 0, 0x37F); // FCW
        putInt(xsave, 24, 0x1F80); // MXCSR
        java.util.Arrays.fill(xmm, 0);
        mxcsr = 0x1F80;
        fpu.reset();
        halted = false;
        interruptShadow = 0;
        nmiMasked = false;
        flushTlb(true);
    }

    // =====================================================================================
    // Modes
    // =====================================================================================

    boolean protectedMode() {
        return (cr0 & 1) != 0;
    }

    boolean longModeActive() {
        return (efer & (1 << 10)) != 0;
    }

    /** 64-bit code: long mode active and CS.L set. */
    boolean code64() {
        return longModeActive() && cs.longMode();
    }

    int cpl() {
        if (!protectedMode()) {
            return 0;
        }
        if ((flagsRest & VM) != 0) {
            return 3;
        }
        return cs.selector & 3;
    }

    // =====================================================================================
    // Flags
    // =====================================================================================

    static long mask(int size) {
        return size == 8 ? -1L : (1L << (size * 8)) - 1;
    }

    static long signBit(int size) {
        return 1L << (size * 8 - 1);
    }

    void setCc(int op, int size, long res, long src1, long src2) {
        ccOp = op;
        ccSize = size;
        ccRes = res;
        ccSrc1 = src1;
        ccSrc2 = src2;
    }

    /** INC and DEC keep CF: capture it before switching the lazy state. */
    void setCcIncDec(int op, int size, long res, long src) {
        long carry = cf() ? 1 : 0;
        ccOp = op;
        ccSize = size;
        ccRes = res;
        ccSrc1 = src;
        ccCarry = carry;
    }

    void setStatusEager(long status) {
        ccOp = CC_EAGER;
        ccCarry = status & STATUS;
    }

    private static boolean parityEven(long v) {
        return (Long.bitCount(v & 0xFF) & 1) == 0;
    }

    /** The six status flags of the last flag-setting operation. */
    long status() {
        if (ccOp == CC_EAGER) {
            return ccCarry;
        }
        long m = mask(ccSize);
        long sign = signBit(ccSize);
        long res = ccRes & m;
        long f = 0;
        if (res == 0) {
            f |= ZF;
        }
        if ((res & sign) != 0) {
            f |= SF;
        }
        if (parityEven(res)) {
            f |= PF;
        }
        long a = ccSrc1 & m, b = ccSrc2 & m;
        switch (ccOp) {
            case CC_ADD -> {
                if (Long.compareUnsigned(res, a) < 0) {
                    f |= CF;
                }
                if (((a ^ res) & (b ^ res) & sign) != 0) {
                    f |= OF;
                }
                f |= (a ^ b ^ res) & AF;
            }
            case CC_SUB -> {
                if (Long.compareUnsigned(a, b) < 0) {
                    f |= CF;
                }
                if (((a ^ b) & (a ^ res) & sign) != 0) {
                    f |= OF;
                }
                f |= (a ^ b ^ res) & AF;
            }
            case CC_LOGIC -> { }
            case CC_INC -> {
                f |= ccCarry;
                if (res == sign) {
                    f |= OF;
                }
                f |= (a ^ 1 ^ res) & AF;
            }
            case CC_DEC -> {
                f |= ccCarry;
                if (res == sign - 1) {
                    f |= OF;
                }
                f |= (a ^ 1 ^ res) & AF;
            }
            case CC_NEG -> {
                if (a != 0) {
                    f |= CF;
                }
                if (res == sign) {
                    f |= OF;
                }
                f |= (a ^ res) & AF;
            }
            default -> throw new IllegalStateException("cc op " + ccOp);
        }
        return f;
    }

    boolean cf() {
        return switch (ccOp) {
            case CC_EAGER -> (ccCarry & CF) != 0;
            case CC_ADD -> Long.compareUnsigned(ccRes & mask(ccSize), ccSrc1 & mask(ccSize)) < 0;
            case CC_SUB -> Long.compareUnsigned(ccSrc1 & mask(ccSize), ccSrc2 & mask(ccSize)) < 0;
            case CC_LOGIC -> false;
            case CC_INC, CC_DEC -> ccCarry != 0;
            default -> (status() & CF) != 0;
        };
    }

    boolean zf() {
        return ccOp == CC_EAGER ? (ccCarry & ZF) != 0 : (ccRes & mask(ccSize)) == 0;
    }

    long getFlags() {
        return (flagsRest & ~STATUS) | status() | 0x2;
    }

    void setFlags(long v) {
        flagsRest = (v & ~STATUS) | 0x2;
        setStatusEager(v);
    }

    /** Evaluates condition code {@code cc} (the low nibble of Jcc/SETcc/CMOVcc). */
    boolean cond(int cc) {
        if (ccOp == CC_SUB) {
            return condAfterCompare(cc);
        }
        boolean r = switch (cc >> 1) {
            case 0 -> (status() & OF) != 0;
            case 1 -> cf();
            case 2 -> zf();
            case 3 -> cf() || zf();
            case 4 -> (status() & SF) != 0;
            case 5 -> (status() & PF) != 0;
            case 6 -> {
                long s = status();
                yield ((s & SF) != 0) != ((s & OF) != 0);
            }
            default -> {
                long s = status();
                yield (s & ZF) != 0 || ((s & SF) != 0) != ((s & OF) != 0);
            }
        };
        return (cc & 1) != 0 ? !r : r;
    }

    /**
     * Conditions after CMP/SUB straight from the operands, without materialising the flags: the
     * common case of every loop's branch (QEMU's TCG specialises it the same way).
     */
    private boolean condAfterCompare(int cc) {
        int shift = 64 - ccSize * 8;
        long a = ccSrc1 << shift, b = ccSrc2 << shift; // operands in the top bits: signed compares work
        boolean r = switch (cc >> 1) {
            case 1 -> Long.compareUnsigned(a, b) < 0; // B
            case 2 -> a == b; // Z
            case 3 -> Long.compareUnsigned(a, b) <= 0; // BE
            case 4 -> ((a - b)) < 0; // S
            case 6 -> a < b; // L: SF != OF is the signed comparison
            case 7 -> a <= b; // LE
            default -> {
                long s = status(); // O and P
                yield (cc >> 1) == 0 ? (s & OF) != 0 : (s & PF) != 0;
            }
        };
        return (cc & 1) != 0 ? !r : r;
    }

    // =====================================================================================
    // Registers by size
    // =====================================================================================

    /** Register {@code n} read at {@code size}; with size 1 and no REX, 4-7 are AH, CH, DH, BH. */
    long reg(int n, int size, boolean rex) {
        if (size == 1 && !rex && n >= 4 && n < 8) {
            return (r[n - 4] >>> 8) & 0xFF;
        }
        return r[n] & mask(size);
    }

    void setReg(int n, int size, boolean rex, long v) {
        switch (size) {
            case 1 -> {
                if (!rex && n >= 4 && n < 8) {
                    r[n - 4] = (r[n - 4] & ~0xFF00L) | ((v & 0xFF) << 8);
                } else {
                    r[n] = (r[n] & ~0xFFL) | (v & 0xFF);
                }
            }
            case 2 -> r[n] = (r[n] & ~0xFFFFL) | (v & 0xFFFF);
            case 4 -> r[n] = v & 0xFFFF_FFFFL; // 32-bit writes zero-extend
            default -> r[n] = v;
        }
    }

    // =====================================================================================
    // Memory: linear -> physical (paging, TLB) -> RAM or MMIO
    // =====================================================================================

    static final int ACC_READ = 0, ACC_WRITE = 1, ACC_EXEC = 2;
    private static final int TLB_SIZE = 256;
    /** Per access kind: tag = linear page number + 1 (0 = empty); value = host page address or -1 for MMIO. */
    private final long[][] tlbTag = new long[3][TLB_SIZE];
    private final long[][] tlbHost = new long[3][TLB_SIZE];
    private final long[][] tlbPhys = new long[3][TLB_SIZE];
    private final boolean[][] tlbUser = new boolean[3][TLB_SIZE];
    private final boolean[][] tlbGlobal = new boolean[3][TLB_SIZE];
    /** The page translated last by {@link #walk}, and whether it is global. */
    private boolean walkGlobal;

    void flushTlb(boolean includingGlobal) {
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < TLB_SIZE; i++) {
                if (includingGlobal || !tlbGlobal[k][i]) {
                    tlbTag[k][i] = 0;
                }
            }
        }
    }

    void invlpg(long linear) {
        if (largeCached) {
            // The TLB holds large pages as 4 KiB pieces: drop them all rather than track which piece
            // belongs to which large page (INVLPG must invalidate the whole large translation).
            flushTlb(true);
            largeCached = false;
            return;
        }
        long vpn = linear >>> 12;
        int i = (int) (vpn & (TLB_SIZE - 1));
        for (int k = 0; k < 3; k++) {
            if (tlbTag[k][i] == vpn + 1) {
                tlbTag[k][i] = 0;
            }
        }
    }

    /**
     * Host address for {@code size} bytes at {@code linear} when they lie in one RAM page, else
     * 0 after translating into {@code lastPhys} (MMIO or a page-crossing access).
     */
    private long lastPhys;

    private long hostFor(long linear, int size, int acc) {
        long vpn = linear >>> 12;
        int i = (int) (vpn & (TLB_SIZE - 1));
        boolean user = userAccess();
        if (tlbTag[acc][i] == vpn + 1 && (!user || tlbUser[acc][i]) && ((linear & 0xFFF) + size) <= 0x1000) {
            long host = tlbHost[acc][i];
            if (host != -1) {
                return host + (linear & 0xFFF);
            }
            lastPhys = tlbPhys[acc][i] + (linear & 0xFFF);
            return 0;
        }
        long phys = translate(linear, acc);
        if (((linear & 0xFFF) + size) > 0x1000) {
            lastPhys = phys;
            return 0; // crosses a page: the caller goes byte by byte
        }
        long pagePhys = phys & ~0xFFFL;
        long host = memory.isRam(pagePhys, 0x1000) ? memory.hostAddress(pagePhys, 0x1000) : -1;
        tlbTag[acc][i] = vpn + 1;
        tlbHost[acc][i] = host;
        tlbPhys[acc][i] = pagePhys;
        tlbUser[acc][i] = walkUser;
        tlbGlobal[acc][i] = walkGlobal;
        largeCached |= walkLarge;
        if (host != -1) {
            return host + (linear & 0xFFF);
        }
        lastPhys = phys;
        return 0;
    }

    private boolean walkUser;
    /** The last walk ended at a 2 MiB, 4 MiB or 1 GiB page; some such page is cached in the TLB. */
    private boolean walkLarge, largeCached;
    /**
     * Set while the CPU reads or writes its own tables (GDT, LDT, IDT, TSS): those are supervisor
     * accesses whatever the CPL (SDM vol. 3, 4.6), so user code can be interrupted with its tables
     * on supervisor-only pages.
     */
    private boolean implicitSupervisor;

    boolean userAccess() {
        return !implicitSupervisor && cpl() == 3;
    }

    /** A read of a descriptor table or the TSS: an implicit supervisor access. */
    long readSystem(long linear, int size) {
        boolean saved = implicitSupervisor;
        implicitSupervisor = true;
        try {
            return readLinear(linear, size, ACC_READ);
        } finally {
            implicitSupervisor = saved;
        }
    }

    /** A write to a descriptor table (accessed and busy bits): an implicit supervisor access. */
    void writeSystem(long linear, int size, long v) {
        boolean saved = implicitSupervisor;
        implicitSupervisor = true;
        try {
            writeLinear(linear, size, v);
        } finally {
            implicitSupervisor = saved;
        }
    }

    /** Linear to physical through the guest's page tables; faults as the hardware would. */
    long translate(long linear, int acc) {
        if ((cr0 & (1L << 31)) == 0) {
            walkUser = true;
            walkGlobal = false;
            walkLarge = false;
            return linear & 0xFFFF_FFFFL;
        }
        boolean user = userAccess();
        boolean write = acc == ACC_WRITE;
        boolean wp = (cr0 & (1 << 16)) != 0;
        boolean nxe = (efer & (1 << 11)) != 0;
        boolean allowWrite = true, allowUser = true, allowExec = true;
        long phys;
        boolean global;
        long[] entryAddr = walkScratch;
        int levels = 0;
        if (longModeActive()) {
            if (!canonical(linear)) {
                throw CpuFault.gp(0);
            }
            long table = cr3 & 0x000F_FFFF_FFFF_F000L;
            int shift = 39;
            long e;
            while (true) {
                long addr = table + ((linear >>> shift) & 0x1FF) * 8;
                e = physRead64(addr);
                if ((e & 1) == 0) {
                    throw pageFault(linear, false, write, user, acc);
                }
                walkValues[levels] = e;
                entryAddr[levels++] = addr;
                allowWrite &= (e & 2) != 0;
                allowUser &= (e & 4) != 0;
                if (nxe && e < 0) {
                    allowExec = false;
                }
                if (shift == 12 || ((e & 0x80) != 0 && (shift == 21 || shift == 30))) {
                    break;
                }
                table = e & 0x000F_FFFF_FFFF_F000L;
                shift -= 9;
            }
            long pageMask = (1L << shift) - 1;
            walkLarge = shift > 12;
            phys = (e & 0x000F_FFFF_FFFF_F000L & ~pageMask) | (linear & pageMask);
            global = (e & 0x100) != 0 && (cr4 & 0x80) != 0;
        } else if ((cr4 & 0x20) != 0) { // PAE
            long pdpte = physRead64((cr3 & 0xFFFF_FFE0L) + ((linear >>> 30) & 3) * 8);
            if ((pdpte & 1) == 0) {
                throw pageFault(linear, false, write, user, acc);
            }
            long pdeAddr = (pdpte & 0x000F_FFFF_FFFF_F000L) + ((linear >>> 21) & 0x1FF) * 8;
            long pde = physRead64(pdeAddr);
            if ((pde & 1) == 0) {
                throw pageFault(linear, false, write, user, acc);
            }
            walkValues[levels] = pde;
            entryAddr[levels++] = pdeAddr;
            allowWrite &= (pde & 2) != 0;
            allowUser &= (pde & 4) != 0;
            if (nxe && pde < 0) {
                allowExec = false;
            }
            long e = pde;
            walkLarge = (pde & 0x80) != 0;
            if ((pde & 0x80) != 0) {
                phys = (pde & 0x000F_FFFF_FFE0_0000L) | (linear & 0x1F_FFFF);
            } else {
                long pteAddr = (pde & 0x000F_FFFF_FFFF_F000L) + ((linear >>> 12) & 0x1FF) * 8;
                e = physRead64(pteAddr);
                if ((e & 1) == 0) {
                    throw pageFault(linear, false, write, user, acc);
                }
                walkValues[levels] = e;
                entryAddr[levels++] = pteAddr;
                allowWrite &= (e & 2) != 0;
                allowUser &= (e & 4) != 0;
                if (nxe && e < 0) {
                    allowExec = false;
                }
                phys = (e & 0x000F_FFFF_FFFF_F000L) | (linear & 0xFFF);
            }
            global = (e & 0x100) != 0 && (cr4 & 0x80) != 0;
        } else { // 32-bit paging
            long pdeAddr = (cr3 & 0xFFFF_F000L) + ((linear >>> 22) & 0x3FF) * 4;
            long pde = physRead32(pdeAddr) & 0xFFFF_FFFFL;
            if ((pde & 1) == 0) {
                throw pageFault(linear, false, write, user, acc);
            }
            walkValues[levels] = pde;
            entryAddr[levels++] = pdeAddr | 1L << 63; // marks a 4-byte entry
            allowWrite &= (pde & 2) != 0;
            allowUser &= (pde & 4) != 0;
            long e = pde;
            walkLarge = (pde & 0x80) != 0 && (cr4 & 0x10) != 0;
            if ((pde & 0x80) != 0 && (cr4 & 0x10) != 0) {
                phys = (pde & 0xFFC0_0000L) | ((pde & 0x1FE000L) << 19) | (linear & 0x3F_FFFF);
            } else {
                long pteAddr = (pde & 0xFFFF_F000L) + ((linear >>> 12) & 0x3FF) * 4;
                e = physRead32(pteAddr) & 0xFFFF_FFFFL;
                if ((e & 1) == 0) {
                    throw pageFault(linear, false, write, user, acc);
                }
                walkValues[levels] = e;
                entryAddr[levels++] = pteAddr | 1L << 63;
                allowWrite &= (e & 2) != 0;
                allowUser &= (e & 4) != 0;
                phys = (e & 0xFFFF_F000L) | (linear & 0xFFF);
            }
            global = (e & 0x100) != 0 && (cr4 & 0x80) != 0;
        }
        if (user && !allowUser) {
            throw pageFault(linear, true, write, user, acc);
        }
        if (write && !allowWrite && (user || wp)) {
            throw pageFault(linear, true, write, user, acc);
        }
        if (acc == ACC_EXEC && !allowExec) {
            throw pageFault(linear, true, write, user, acc);
        }
        // Accessed bits on every level used; dirty on the leaf for writes. A page stays out of the
        // write TLB until its dirty bit is set, so the first write always comes through here. The
        // update is a CAS against the value the walk used, as the hardware's locked update is: if
        // another vCPU changed the entry meanwhile (say, cleared it), the walk starts over.
        for (int l = 0; l < levels; l++) {
            long a = entryAddr[l];
            boolean small = a < 0;
            a &= Long.MAX_VALUE;
            long bits = 0x20 | (write && l == levels - 1 ? 0x40 : 0);
            long seen = walkValues[l];
            if ((seen & bits) == bits) {
                continue;
            }
            if (!setEntryBits(a, small ? 4 : 8, seen, bits)) {
                if (++walkRetries <= 16) {
                    return translate(linear, acc);
                }
                // Another vCPU keeps rewriting this entry: set the bits on what is there now rather
                // than loop without bound (the thread must stay responsive to pause and stop).
                long now = small ? physRead32(a) & 0xFFFF_FFFFL : physRead64(a);
                setEntryBits(a, small ? 4 : 8, now, bits);
            }
        }
        walkRetries = 0;
        walkUser = allowUser;
        walkGlobal = global;
        if (!allowWrite && acc == ACC_WRITE) {
            walkUser = false; // supervisor write to a read-only page with WP=0: do not cache for users
        }
        return phys;
    }

    private final long[] walkScratch = new long[4];
    private final long[] walkValues = new long[4];
    private int walkRetries;

    /** Sets {@code bits} in a page-table entry if it still holds {@code seen}; false if it changed. */
    private boolean setEntryBits(long phys, int size, long seen, long bits) {
        if (!memory.isRam(phys, size)) {
            if (size == 4) {
                physWrite32(phys, (int) (seen | bits));
            } else {
                physWrite64(phys, seen | bits);
            }
            return true;
        }
        long host = memory.hostAddress(phys, size);
        boolean ok = size == 4 ? U.compareAndSwapInt(null, host, (int) seen, (int) (seen | bits))
            : U.compareAndSwapLong(null, host, seen, seen | bits);
        if (ok) {
            memory.markDirty(phys, size);
        }
        return ok;
    }

    static boolean canonical(long linear) {
        return (linear >> 47) == 0 || (linear >> 47) == -1;
    }

    private CpuFault pageFault(long linear, boolean present, boolean write, boolean user, int acc) {
        cr2 = linear;
        int code = (present ? 1 : 0) | (write ? 2 : 0) | (user ? 4 : 0)
            | (acc == ACC_EXEC && (efer & (1 << 11)) != 0 ? 0x10 : 0);
        return CpuFault.withCode(CpuFault.PF, code);
    }

    // ---- physical access (RAM or MMIO) ----

    long physRead64(long phys) {
        if (memory.isRam(phys, 8)) {
            return memory.readLong(phys);
        }
        return mmio.read(phys, 8);
    }

    int physRead32(long phys) {
        if (memory.isRam(phys, 4)) {
            return memory.readInt(phys);
        }
        return (int) mmio.read(phys, 4);
    }

    void physWrite64(long phys, long v) {
        if (memory.isRam(phys, 8)) {
            memory.writeLong(phys, v);
        } else {
            mmio.write(phys, 8, v);
        }
    }

    void physWrite32(long phys, int v) {
        if (memory.isRam(phys, 4)) {
            memory.writeInt(phys, v);
        } else {
            mmio.write(phys, 4, v & 0xFFFF_FFFFL);
        }
    }

    private long physRead(long phys, int size) {
        if (memory.isRam(phys, size)) {
            long h = memory.hostAddress(phys, size);
            return load(h, size);
        }
        return mmio.read(phys, size);
    }

    private void physWrite(long phys, int size, long v) {
        if (memory.isRam(phys, size)) {
            store(memory.hostAddress(phys, size), size, v);
            memory.markDirty(phys, size);
        } else {
            mmio.write(phys, size, v & mask(size));
        }
    }

    static long load(long host, int size) {
        return switch (size) {
            case 1 -> U.getByte(host) & 0xFFL;
            case 2 -> U.getShort(host) & 0xFFFFL;
            case 4 -> U.getInt(host) & 0xFFFF_FFFFL;
            default -> U.getLong(host);
        };
    }

    static void store(long host, int size, long v) {
        switch (size) {
            case 1 -> U.putByte(host, (byte) v);
            case 2 -> U.putShort(host, (short) v);
            case 4 -> U.putInt(host, (int) v);
            default -> U.putLong(host, v);
        }
    }

    // ---- linear access ----

    long readLinear(long linear, int size, int acc) {
        long host = hostFor(linear, size, acc);
        if (host != 0) {
            return load(host, size);
        }
        if (((linear & 0xFFF) + size) <= 0x1000) {
            return physRead(lastPhys, size);
        }
        long v = 0;
        for (int i = 0; i < size; i++) {
            v |= readLinear(linear + i, 1, acc) << (8 * i);
        }
        return v;
    }

    void writeLinear(long linear, int size, long v) {
        long host = hostFor(linear, size, ACC_WRITE);
        if (host != 0) {
            store(host, size, v);
            // The TLB hands out host addresses only for RAM; keep migration's view of dirty pages.
            memory.markDirty(tlbPhysOf(linear), size);
            return;
        }
        if (((linear & 0xFFF) + size) <= 0x1000) {
            physWrite(lastPhys, size, v);
            return;
        }
        // Page-crossing: translate both pages for write before changing anything (precise faults).
        translate(linear, ACC_WRITE);
        translate(linear + size - 1, ACC_WRITE);
        for (int i = 0; i < size; i++) {
            writeLinear(linear + i, 1, v >>> (8 * i));
        }
    }

    /** Host address for an atomic access within one RAM page, or 0 (MMIO, page-crossing). Checks write access. */
    long hostForAtomic(long linear, int size) {
        long host = hostFor(linear, size, ACC_WRITE);
        if (host != 0) {
            memory.markDirty(tlbPhysOf(linear), size);
        }
        return host;
    }

    /**
     * Writes with the privilege of {@code cpl} (interrupt frames are written with the handler's
     * privilege, before CS changes).
     */
    void writeLinearAsCpl(long linear, int size, long v, int cplForAccess) {
        int saved = cs.selector;
        cs.selector = (cs.selector & ~3) | cplForAccess;
        try {
            writeLinear(linear, size, v);
        } finally {
            cs.selector = saved;
        }
    }

    /** SYSCALL lands in 64-bit code when the caller was in 64-bit mode. */
    boolean code64Target() {
        return code64();
    }

    private long tlbPhysOf(long linear) {
        long vpn = linear >>> 12;
        return tlbPhys[ACC_WRITE][(int) (vpn & (TLB_SIZE - 1))] + (linear & 0xFFF);
    }

    /** Physical address of the code byte at {@code linear}, through the fetch TLB; faults like a fetch. */
    long codePhys(long linear) {
        long vpn = linear >>> 12;
        int i = (int) (vpn & (TLB_SIZE - 1));
        if (tlbTag[ACC_EXEC][i] == vpn + 1 && (!userAccess() || tlbUser[ACC_EXEC][i])) {
            return tlbPhys[ACC_EXEC][i] + (linear & 0xFFF);
        }
        hostFor(linear, 1, ACC_EXEC); // fills the TLB (or faults)
        return translate(linear, ACC_EXEC);
    }

    /** Whether [linear, linear+size) is guest RAM (not MMIO), translating as a read would. */
    boolean isRamLinear(long linear, int size) {
        return memory.isRam(translate(linear, ACC_READ), 1) && memory.isRam(translate(linear + size - 1, ACC_READ), 1);
    }

    /** Physical address of a linear address for the given access, without touching the TLB. */
    long linearToPhys(long linear, int acc) {
        return translate(linear, acc);
    }

    // ---- segmented access ----

    long linear(Seg s, long offset) {
        return code64() && s != fs && s != gs ? offset : s.base + offset;
    }

    long read(Seg s, long offset, int size) {
        long lin = linear(s, offset);
        if (!code64()) {
            lin &= 0xFFFF_FFFFL;
        }
        return readLinear(lin, size, ACC_READ);
    }

    void write(Seg s, long offset, int size, long v) {
        long lin = linear(s, offset);
        if (!code64()) {
            lin &= 0xFFFF_FFFFL;
        }
        writeLinear(lin, size, v);
    }

    // ---- stack ----

    int stackAddrSize() {
        return code64() ? 8 : ss.db() ? 4 : 2;
    }

    long sp() {
        return r[4] & mask(stackAddrSize());
    }

    void setSp(long v) {
        setReg(4, stackAddrSize(), true, v);
    }

    void push(long v, int size) {
        long nsp = (sp() - size) & mask(stackAddrSize());
        write(ss, nsp, size, v);
        setSp(nsp);
    }

    long pop(int size) {
        long v = read(ss, sp(), size);
        setSp(sp() + size);
        return v;
    }

    // ---- small helpers for byte arrays ----

    static void putShort(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >> 8);
    }

    static void putInt(byte[] b, int off, int v) {
        for (int i = 0; i < 4; i++) {
            b[off + i] = (byte) (v >> (8 * i));
        }
    }
}
