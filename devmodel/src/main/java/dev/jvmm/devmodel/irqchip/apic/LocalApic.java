package dev.jvmm.devmodel.irqchip.apic;

import dev.jvmm.devmodel.bus.BusDevice;
import dev.jvmm.devmodel.irqchip.Cancellable;
import dev.jvmm.devmodel.irqchip.TimerScheduler;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * A software xAPIC (Intel SDM vol. 3, "Advanced Programmable Interrupt Controller"): the register
 * page (at {@link #DEFAULT_BASE} unless relocated, {@link #MMIO_SIZE} bytes), the local vector
 * table, the APIC timer and interrupt acceptance and priority for one vCPU.
 *
 * <p>Registers: ID (read/write), version {@value #VERSION_VALUE} (version 0x14, highest LVT entry
 * 5, no EOI-broadcast suppression), TPR, APR and PPR (computed), EOI, LDR, DFR, SVR, ISR, TMR, IRR
 * (256 bits each), ESR, ICR, the six LVT entries (timer, thermal, performance counter, LINT0,
 * LINT1, error), the timer's initial count, current count and divide configuration. Only aligned
 * 32-bit accesses to the 16-byte aligned registers reach them; other accesses read 0 and are
 * ignored. There is no CMCI entry (the version register says 5 LVT entries).
 *
 * <p>Enabling: while IA32_APIC_BASE bit 11 is clear the APIC is hardware-disabled: its page reads
 * all ones and ignores writes, it receives no messages, and LINT0/LINT1 act as the CPU's INTR/NMI
 * pins ({@link #pendingVector()} passes the 8259's INTR straight through). Clearing the bit
 * returns the APIC to its power-up state. While the SVR's enable bit is clear the APIC is
 * software-disabled: every LVT entry is masked and cannot be unmasked, fixed and lowest-priority
 * messages are dropped, interrupts already in IRR/ISR stay, NMI/INIT/SIPI still arrive. x2APIC
 * mode is not supported: the EXTD bit of IA32_APIC_BASE is ignored (report x2APIC as absent in
 * CPUID; {@link #isValidApicBaseMsr} tells the CPU when WRMSR should fault).
 *
 * <p>Timer: counts down at one bus clock per nanosecond (a 1 GHz APIC bus, as KVM's) divided by
 * the divide configuration; one-shot, periodic, and TSC-deadline (through {@link
 * #setTscDeadline}; the guest TSC is {@code tscOffset + clock * tscHz / 1e9}). The current count
 * is computed from the clock; each expiry is one {@link TimerScheduler} event. Periodic expiries
 * are at least {@link #MIN_PERIOD_NANOS} apart (the count a guest reads follows the true rate);
 * missed periods coalesce into one interrupt. Changing the divide configuration while counting
 * continues from the current count at the new rate. Switching to or from TSC-deadline mode
 * disarms the timer (initial count and deadline become 0).
 *
 * <p>Errors: send and receive illegal vector (vectors 0-15) are recorded in the ESR (a write to
 * the ESR clears it) and raise the error LVT's vector when unmasked.
 *
 * <p>Threads: the register state is guarded by this object's lock; calls out (to the {@link
 * ApicCpu}, the {@link ApicBus} for IPIs and EOI broadcasts, the ExtINT source) happen after the
 * lock is released, so this APIC's lock is always the last one taken.
 */
public final class LocalApic implements BusDevice {
    public static final long DEFAULT_BASE = 0xFEE0_0000L;
    public static final int MMIO_SIZE = 0x1000;
    /** The architectural register page that {@link LocalApicState} and {@code VcpuState} hold. */
    public static final int PAGE_SIZE = 0x400;
    /** {@link #pendingVector()}'s answer when the 8259 must supply the vector (an INTA cycle). */
    public static final int EXTINT = -2;
    public static final int VERSION_VALUE = 0x0005_0014;
    public static final long MSR_BSP = 1L << 8, MSR_X2APIC = 1L << 10, MSR_ENABLE = 1L << 11;
    /** Base address bits of IA32_APIC_BASE (a 52-bit physical address space). */
    public static final long MSR_BASE_MASK = 0x000F_FFFF_FFFF_F000L;
    /** The shortest interval between two expiries of a periodic timer. */
    public static final long MIN_PERIOD_NANOS = 50_000;

    // Register offsets in the page.
    public static final int ID = 0x20, VERSION = 0x30, TPR = 0x80, APR = 0x90, PPR = 0xA0, EOI = 0xB0, RRD = 0xC0,
        LDR = 0xD0, DFR = 0xE0, SVR = 0xF0, ISR = 0x100, TMR = 0x180, IRR = 0x200, ESR = 0x280, ICR_LOW = 0x300,
        ICR_HIGH = 0x310, LVT_TIMER = 0x320, LVT_THERMAL = 0x330, LVT_PERF = 0x340, LVT_LINT0 = 0x350,
        LVT_LINT1 = 0x360, LVT_ERROR = 0x370, TIMER_INITIAL_COUNT = 0x380, TIMER_CURRENT_COUNT = 0x390,
        TIMER_DIVIDE = 0x3E0;

    public static final int LVT_MASKED = 1 << 16;
    public static final int SVR_ENABLE = 1 << 8;
    public static final int ESR_SEND_ILLEGAL_VECTOR = 1 << 5, ESR_RECEIVE_ILLEGAL_VECTOR = 1 << 6;
    public static final int TIMER_ONE_SHOT = 0, TIMER_PERIODIC = 1, TIMER_TSC_DEADLINE = 2;

    static final int LVT_COUNT = 6;
    static final int L_TIMER = 0, L_THERMAL = 1, L_PERF = 2, L_LINT0 = 3, L_LINT1 = 4, L_ERROR = 5;
    private static final int[] LVT_WRITE_MASK = {0x700FF, 0x107FF, 0x107FF, 0x1A7FF, 0x1A7FF, 0x100FF};
    private static final int ICR_LOW_MASK = 0x000C_CFFF;
    private static final int SVR_MASK = 0x3FF;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final int initialId;
    private final ApicBus bus;
    private final ApicCpu cpu;
    private final TimerScheduler timers;
    private final long tscHz;
    private volatile BooleanSupplier extIntSource = () -> false;

    private long apicBase;
    private long tscOffset;
    private int id, tpr, ldr, dfr, svr, esr, icrLow, icrHigh, divideConfig, initialCount;
    private final int[] lvt = new int[LVT_COUNT];
    private final int[] isr = new int[8], tmr = new int[8], irr = new int[8];
    private final boolean[] lintLevel = new boolean[2];
    private boolean extIntPending;

    // Timer: counting from timerStartCount at timerStart; expiry k at first + k * period.
    private boolean timerRunning;
    private long timerStart;
    private long timerStartCount;
    private long tscDeadline;
    private long timerGeneration;
    private Cancellable timerEvent = Cancellable.NONE;

    /**
     * An APIC with xAPIC ID {@code apicId} (0-254), in its power-up state at {@link
     * #DEFAULT_BASE}, not yet attached: call {@code bus.attach(apic)}.
     *
     * @param bsp   sets IA32_APIC_BASE's BSP flag
     * @param tscHz the guest TSC's frequency, for TSC-deadline mode
     */
    public LocalApic(int apicId, boolean bsp, ApicBus bus, ApicCpu cpu, TimerScheduler timers, long tscHz) {
        if (apicId < 0 || apicId > 0xFE) {
            throw new IllegalArgumentException("xAPIC IDs are 0-254, not " + apicId);
        }
        if (tscHz <= 0) {
            throw new IllegalArgumentException("TSC frequency " + tscHz);
        }
        this.initialId = apicId;
        this.bus = Objects.requireNonNull(bus);
        this.cpu = Objects.requireNonNull(cpu);
        this.timers = Objects.requireNonNull(timers);
        this.tscHz = tscHz;
        this.apicBase = DEFAULT_BASE | MSR_ENABLE | (bsp ? MSR_BSP : 0);
        resetLocked(true);
    }

    ApicBus bus() {
        return bus;
    }

    // ---- MMIO ----------------------------------------------------------------------------------

    @Override
    public long read(long offset, int size) {
        synchronized (this) {
            if (!hardwareEnabled()) {
                return -1L;
            }
            if (size != 4 || offset < 0 || offset >= PAGE_SIZE || (offset & 0xF) != 0) {
                return 0;
            }
            return readRegister((int) offset, timers.nanoTime()) & 0xFFFF_FFFFL;
        }
    }

    private int readRegister(int reg, long now) {
        if (reg >= ISR && reg < ESR) {
            int[] bits = reg < TMR ? isr : reg < IRR ? tmr : irr;
            return bits[(reg >> 4) & 7];
        }
        if (reg >= LVT_TIMER && reg <= LVT_ERROR) {
            return lvt[(reg - LVT_TIMER) >> 4];
        }
        return switch (reg) {
            case ID -> id;
            case VERSION -> VERSION_VALUE;
            case TPR -> tpr;
            case APR -> apr();
            case PPR -> ppr();
            case LDR -> ldr;
            case DFR -> dfr;
            case SVR -> svr;
            case ESR -> esr;
            case ICR_LOW -> icrLow; // delivery status (bit 12) is always idle
            case ICR_HIGH -> icrHigh;
            case TIMER_INITIAL_COUNT -> initialCount;
            case TIMER_CURRENT_COUNT -> (int) currentCount(now);
            case TIMER_DIVIDE -> divideConfig;
            default -> 0; // EOI and RRD read 0, as do reserved offsets
        };
    }

    @Override
    public void write(long offset, int size, long value) {
        if (size != 4 || offset < 0 || offset >= PAGE_SIZE || (offset & 0xF) != 0) {
            return;
        }
        int reg = (int) offset;
        int v = (int) value;
        boolean wake = false;
        int eoi = -1;
        int[] ipi = null;
        synchronized (this) {
            if (!hardwareEnabled()) {
                return;
            }
            long now = timers.nanoTime();
            if (reg >= LVT_TIMER && reg <= LVT_ERROR) {
                writeLvt((reg - LVT_TIMER) >> 4, v, now);
            } else {
                switch (reg) {
                    case ID -> id = v & 0xFF00_0000;
                    case TPR -> {
                        tpr = v & 0xFF;
                        wake = deliverable() >= 0;
                    }
                    case EOI -> {
                        eoi = endOfInterrupt();
                        wake = deliverable() >= 0;
                    }
                    case LDR -> ldr = v & 0xFF00_0000;
                    case DFR -> dfr = v | 0x0FFF_FFFF;
                    case SVR -> {
                        svr = v & SVR_MASK;
                        if ((svr & SVR_ENABLE) == 0) {
                            for (int i = 0; i < LVT_COUNT; i++) {
                                lvt[i] |= LVT_MASKED;
                            }
                        }
                        wake = deliverable() >= 0;
                    }
                    case ESR -> esr = 0;
                    case ICR_HIGH -> icrHigh = v & 0xFF00_0000;
                    case ICR_LOW -> {
                        icrLow = v & ICR_LOW_MASK;
                        ipi = decodeIcr();
                        wake = ipi == null && deliverable() >= 0; // an illegal vector may raise an error
                    }
                    case TIMER_INITIAL_COUNT -> {
                        if (timerMode() != TIMER_TSC_DEADLINE) {
                            initialCount = v;
                            startTimer(now, v & 0xFFFF_FFFFL);
                        }
                    }
                    case TIMER_DIVIDE -> {
                        long current = currentCount(now);
                        divideConfig = v & 0xB;
                        if (timerRunning && timerMode() != TIMER_TSC_DEADLINE) {
                            startTimer(now, current);
                        }
                    }
                    default -> { } // read-only or reserved
                }
            }
        }
        if (eoi >= 0) {
            bus.broadcastEoi(eoi);
        }
        if (ipi != null) {
            bus.sendIpi(this, ipi[0], ipi[1], ipi[2] != 0, ipi[3], ipi[4], ipi[5] != 0);
        }
        if (wake) {
            cpu.wake();
        }
    }

    private void writeLvt(int index, int v, long now) {
        int old = lvt[index];
        int value = v & LVT_WRITE_MASK[index] | old & ~LVT_WRITE_MASK[index] & (1 << 14); // keep remote IRR
        if ((svr & SVR_ENABLE) == 0) {
            value |= LVT_MASKED;
        }
        lvt[index] = value;
        if (index == L_TIMER) {
            int oldMode = (old >> 17) & 3;
            int newMode = (value >> 17) & 3;
            if (oldMode != newMode) {
                if (oldMode == TIMER_TSC_DEADLINE || newMode == TIMER_TSC_DEADLINE) {
                    initialCount = 0;
                    tscDeadline = 0;
                    timerRunning = false;
                }
                armTimer(now);
            }
        }
    }

    /** The IPI the ICR low write asks for, or null (with the error recorded if illegal). */
    private int[] decodeIcr() {
        int mode = (icrLow >> 8) & 7;
        int vector = icrLow & 0xFF;
        boolean level = (icrLow & 0x8000) != 0;
        boolean assertLevel = (icrLow & 0x4000) != 0;
        if (mode == ApicBus.INIT && level && !assertLevel) {
            return null; // INIT level de-assert: only resynchronizes arbitration IDs
        }
        if (mode == 3 || mode == 7) {
            return null; // reserved
        }
        if ((mode == ApicBus.FIXED || mode == ApicBus.LOWEST_PRIORITY) && vector < 16) {
            raiseError(ESR_SEND_ILLEGAL_VECTOR);
            return null;
        }
        return new int[] {(icrLow >> 18) & 3, icrHigh >>> 24, (icrLow >> 11) & 1, mode, vector, level ? 1 : 0};
    }

    /** Clears the highest ISR bit; returns its vector if it was level-triggered, else -1. */
    private int endOfInterrupt() {
        int v = highest(isr);
        if (v < 0) {
            return -1;
        }
        isr[v >> 5] &= ~(1 << (v & 31));
        return (tmr[v >> 5] & (1 << (v & 31))) != 0 ? v : -1;
    }

    private void raiseError(int bits) {
        esr |= bits;
        int e = lvt[L_ERROR];
        int vector = e & 0xFF;
        if ((e & LVT_MASKED) == 0 && vector >= 16) {
            setIrr(vector, false);
        }
    }

    private void setIrr(int vector, boolean level) {
        int bit = 1 << (vector & 31);
        irr[vector >> 5] |= bit;
        if (level) {
            tmr[vector >> 5] |= bit;
        } else {
            tmr[vector >> 5] &= ~bit;
        }
    }

    // ---- priorities ----------------------------------------------------------------------------

    private static int highest(int[] bits) {
        for (int i = 7; i >= 0; i--) {
            if (bits[i] != 0) {
                return i * 32 + 31 - Integer.numberOfLeadingZeros(bits[i]);
            }
        }
        return -1;
    }

    private int ppr() {
        int isrv = Math.max(0, highest(isr));
        return (tpr & 0xF0) >= (isrv & 0xF0) ? tpr : isrv & 0xF0;
    }

    private int apr() {
        int isrv = Math.max(0, highest(isr));
        int irrv = Math.max(0, highest(irr));
        if ((tpr & 0xF0) >= (irrv & 0xF0) && (tpr & 0xF0) > (isrv & 0xF0)) {
            return tpr;
        }
        return Math.max(tpr & 0xF0, Math.max(isrv & 0xF0, irrv & 0xF0));
    }

    /** The highest IRR vector whose priority class is above the PPR's, or -1. */
    private int deliverable() {
        int v = highest(irr);
        return v >= 0 && (v & 0xF0) > (ppr() & 0xF0) ? v : -1;
    }

    private boolean hardwareEnabled() {
        return (apicBase & MSR_ENABLE) != 0;
    }

    private boolean lint0ExtInt() {
        int l = lvt[L_LINT0];
        return (l & LVT_MASKED) == 0 && ((l >> 8) & 7) == ApicBus.EXTINT;
    }

    // ---- the CPU side --------------------------------------------------------------------------

    /**
     * The interrupt the CPU should take now if its IF allows: {@link #EXTINT} when the 8259 has
     * the interrupt (an ExtINT message from an IOAPIC is pending, or LINT0 is an unmasked ExtINT
     * entry, or the APIC is hardware-disabled, and the 8259 requests), else the highest-priority
     * IRR vector above the processor priority, else -1. ExtINT goes first: it bypasses the APIC's
     * priority logic.
     */
    public int pendingVector() {
        boolean askPic;
        int vector;
        synchronized (this) {
            if (!hardwareEnabled()) {
                askPic = true;
                vector = -1;
            } else {
                if (extIntPending) {
                    return EXTINT;
                }
                askPic = lint0ExtInt();
                vector = deliverable();
            }
        }
        return askPic && extIntSource.getAsBoolean() ? EXTINT : vector;
    }

    /**
     * The CPU took {@code vector} (from {@link #pendingVector()}): its IRR bit moves to the ISR.
     * For {@link #EXTINT} it only consumes a pending ExtINT message; the caller then runs the
     * 8259's INTA cycle. Other values are ignored.
     */
    public synchronized void acknowledge(int vector) {
        if (vector == EXTINT) {
            extIntPending = false;
            return;
        }
        if (vector < 16 || vector > 255) {
            return;
        }
        int bit = 1 << (vector & 31);
        if ((irr[vector >> 5] & bit) != 0) {
            irr[vector >> 5] &= ~bit;
            isr[vector >> 5] |= bit;
        }
    }

    /** The 8259's INTR output as seen on LINT0 (consulted by {@link #pendingVector()}). */
    public void connectExtInt(BooleanSupplier intr) {
        extIntSource = Objects.requireNonNull(intr);
    }

    /** The 8259's INTR changed: wakes the CPU if LINT0 passes it on. */
    public void extIntChanged() {
        boolean wake;
        synchronized (this) {
            wake = !hardwareEnabled() || lint0ExtInt() || extIntPending;
        }
        if (wake) {
            cpu.wake();
        }
    }

    /**
     * What firmware leaves on a PC's boot processor (and KVM's reset does): LINT0 an unmasked
     * ExtINT entry, so the 8259 reaches the CPU (virtual wire mode), LINT1 an unmasked NMI entry.
     * The SVR is left alone. Call it for the BSP when booting without firmware.
     */
    public synchronized void enableVirtualWire() {
        lvt[L_LINT0] = ApicBus.EXTINT << 8;
        lvt[L_LINT1] = ApicBus.NMI << 8;
    }

    /**
     * A level change on LINT0 or LINT1 ({@code pin} 0 or 1) from a source other than the 8259
     * (which {@link #connectExtInt} attaches). Rising edges deliver per the LVT entry: fixed vector,
     * NMI, INIT; ExtINT wakes the CPU. With the APIC hardware-disabled LINT1 is the NMI pin.
     */
    public void setLint(int pin, boolean level) {
        Objects.checkIndex(pin, 2);
        int action = 0; // 1 wake, 2 nmi, 3 init
        synchronized (this) {
            boolean rising = level && !lintLevel[pin];
            lintLevel[pin] = level;
            if (!hardwareEnabled()) {
                action = pin == 1 && rising ? 2 : pin == 0 ? 1 : 0;
            } else {
                int entry = lvt[L_LINT0 + pin];
                if ((entry & LVT_MASKED) == 0) {
                    switch ((entry >> 8) & 7) {
                        case ApicBus.FIXED -> {
                            if (rising && (svr & SVR_ENABLE) != 0 && (entry & 0xFF) >= 16) {
                                setIrr(entry & 0xFF, false);
                                action = 1;
                            }
                        }
                        case ApicBus.NMI -> action = rising ? 2 : 0;
                        case ApicBus.INIT -> {
                            if (rising) {
                                resetLocked(false);
                                action = 3;
                            }
                        }
                        case ApicBus.EXTINT -> action = 1;
                        default -> { }
                    }
                }
            }
        }
        switch (action) {
            case 1 -> cpu.wake();
            case 2 -> cpu.nmi();
            case 3 -> cpu.init();
            default -> { }
        }
    }

    /** The TPR (CR8 is its high nibble). */
    public synchronized int tpr() {
        return tpr;
    }

    /** Sets the TPR, as MOV to CR8 does with {@code value << 4}. */
    public void setTpr(int value) {
        boolean wake;
        synchronized (this) {
            tpr = value & 0xFF;
            wake = deliverable() >= 0;
        }
        if (wake) {
            cpu.wake();
        }
    }

    public synchronized int processorPriority() {
        return ppr();
    }

    public synchronized int id() {
        return id >>> 24;
    }

    public synchronized boolean isHardwareEnabled() {
        return hardwareEnabled();
    }

    public synchronized boolean isSoftwareEnabled() {
        return hardwareEnabled() && (svr & SVR_ENABLE) != 0;
    }

    // ---- IA32_APIC_BASE ------------------------------------------------------------------------

    public synchronized long apicBaseMsr() {
        return apicBase;
    }

    /** Whether WRMSR IA32_APIC_BASE with {@code value} is legal here (else the CPU raises #GP). */
    public static boolean isValidApicBaseMsr(long value) {
        return (value & ~(MSR_BASE_MASK | MSR_ENABLE | MSR_BSP)) == 0;
    }

    /**
     * WRMSR IA32_APIC_BASE: the enable bit, the BSP flag and the base address; other bits are
     * dropped (x2APIC is not supported). Disabling returns the APIC to its power-up state. If the
     * base moves, {@link #mmioBase()} tells the owner where to re-register the page.
     */
    public void setApicBaseMsr(long value) {
        synchronized (this) {
            boolean wasEnabled = hardwareEnabled();
            apicBase = value & (MSR_BASE_MASK | MSR_ENABLE | MSR_BSP);
            if (wasEnabled && !hardwareEnabled()) {
                resetLocked(true);
            }
        }
    }

    /** Where the register page is (IA32_APIC_BASE's base address). */
    public synchronized long mmioBase() {
        return apicBase & MSR_BASE_MASK;
    }

    // ---- timer ---------------------------------------------------------------------------------

    private int timerMode() {
        return (lvt[L_TIMER] >> 17) & 3;
    }

    private long divisor() {
        int s = (divideConfig & 3) | (divideConfig & 8) >> 1;
        return 1L << ((s + 1) & 7);
    }

    private void startTimer(long now, long count) {
        timerRunning = count > 0;
        timerStart = now;
        timerStartCount = count;
        armTimer(now);
    }

    private long currentCount(long now) {
        if (!timerRunning || timerMode() == TIMER_TSC_DEADLINE) {
            return 0;
        }
        long decrements = Math.max(0, now - timerStart) / divisor();
        if (decrements < timerStartCount) {
            return timerStartCount - decrements;
        }
        long initial = initialCount & 0xFFFF_FFFFL;
        if (timerMode() == TIMER_PERIODIC && initial != 0) {
            return initial - (decrements - timerStartCount) % initial;
        }
        return 0;
    }

    private long periodNanos() {
        return Math.max((initialCount & 0xFFFF_FFFFL) * divisor(), MIN_PERIOD_NANOS);
    }

    private void armTimer(long now) {
        timerEvent.cancel();
        timerEvent = Cancellable.NONE;
        long gen = ++timerGeneration;
        if (timerMode() == TIMER_TSC_DEADLINE) {
            if (tscDeadline != 0) {
                schedule(tscDeadlineNanos(now), gen);
            }
            return;
        }
        if (!timerRunning) {
            return;
        }
        long first = timerStart + timerStartCount * divisor();
        if (timerMode() != TIMER_PERIODIC || now < first || (initialCount & 0xFFFF_FFFFL) == 0) {
            schedule(first, gen);
        } else {
            long p = periodNanos();
            schedule(first + ((now - first) / p + 1) * p, gen);
        }
    }

    private void schedule(long deadline, long gen) {
        if (deadline != Long.MAX_VALUE) {
            timerEvent = timers.schedule(deadline, () -> timerExpired(gen));
        }
    }

    private void timerExpired(long gen) {
        boolean wake = false;
        synchronized (this) {
            if (gen != timerGeneration) {
                return;
            }
            timerEvent = Cancellable.NONE;
            int entry = lvt[L_TIMER];
            if ((entry & LVT_MASKED) == 0 && (entry & 0xFF) >= 16 && (svr & SVR_ENABLE) != 0 && hardwareEnabled()) {
                setIrr(entry & 0xFF, false);
                wake = true;
            }
            int mode = timerMode();
            if (mode == TIMER_TSC_DEADLINE) {
                tscDeadline = 0;
            } else if (mode == TIMER_PERIODIC && (initialCount & 0xFFFF_FFFFL) != 0) {
                armTimer(timers.nanoTime());
            } else {
                timerRunning = false;
            }
        }
        if (wake) {
            cpu.wake();
        }
    }

    /**
     * WRMSR IA32_TSC_DEADLINE: arms the timer to fire when the guest TSC reaches {@code tsc} (at
     * once if it has), or disarms it for 0. Ignored unless the timer LVT is in TSC-deadline mode.
     */
    public void setTscDeadline(long tsc) {
        synchronized (this) {
            if (timerMode() != TIMER_TSC_DEADLINE) {
                return;
            }
            tscDeadline = tsc;
            armTimer(timers.nanoTime());
        }
    }

    /** RDMSR IA32_TSC_DEADLINE: the armed deadline, 0 when disarmed or not in TSC-deadline mode. */
    public synchronized long tscDeadline() {
        return timerMode() == TIMER_TSC_DEADLINE ? tscDeadline : 0;
    }

    /** The guest TSC is {@code offset + clock * tscHz / 1e9}; re-arms a pending deadline. */
    public void setTscOffset(long offset) {
        synchronized (this) {
            tscOffset = offset;
            if (timerMode() == TIMER_TSC_DEADLINE && tscDeadline != 0) {
                armTimer(timers.nanoTime());
            }
        }
    }

    public synchronized long tscOffset() {
        return tscOffset;
    }

    /** The guest TSC now. */
    public synchronized long tsc() {
        return tscAt(timers.nanoTime());
    }

    private long tscAt(long now) {
        return tscOffset + mulDiv(now, tscHz, NANOS_PER_SECOND);
    }

    private long tscDeadlineNanos(long now) {
        long tsc = tscAt(now);
        if (Long.compareUnsigned(tscDeadline, tsc) <= 0) {
            return now;
        }
        long diff = tscDeadline - tsc;
        if (diff < 0) {
            return Long.MAX_VALUE; // more than 2^63 cycles away: never
        }
        long nanos = mulDiv(diff, NANOS_PER_SECOND, tscHz);
        long r = now + nanos;
        return nanos >= Long.MAX_VALUE / 2 || r < now ? Long.MAX_VALUE : r;
    }

    /** a * b / c rounded down, saturating; b and c positive. */
    static long mulDiv(long a, long b, long c) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        if (hi == 0 && lo >= 0 || hi == -1 && lo < 0) {
            return Math.floorDiv(lo, c);
        }
        BigInteger r = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).divide(BigInteger.valueOf(c));
        return r.bitLength() < 64 ? r.longValue() : r.signum() > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
    }

    // ---- messages from the bus -----------------------------------------------------------------

    /** Whether {@code destination} (8 bits) in the given mode names this APIC. */
    synchronized boolean matchesDestination(int destination, boolean logical) {
        destination &= 0xFF;
        if (destination == ApicBus.BROADCAST) {
            return true;
        }
        if (!logical) {
            return destination == id >>> 24;
        }
        int logicalId = ldr >>> 24;
        return switch (dfr >>> 28) {
            case 0xF -> (logicalId & destination) != 0;
            case 0x0 -> (logicalId >> 4) == (destination >> 4) && (logicalId & destination & 0xF) != 0;
            default -> false;
        };
    }

    /** A fixed or lowest-priority interrupt: sets the IRR bit; false if the APIC dropped it. */
    boolean acceptFixed(int vector, boolean level) {
        boolean accepted = false;
        boolean wake;
        synchronized (this) {
            if (!hardwareEnabled() || (svr & SVR_ENABLE) == 0) {
                return false;
            }
            if (vector < 16) {
                raiseError(ESR_RECEIVE_ILLEGAL_VECTOR);
            } else {
                setIrr(vector, level);
                accepted = true;
            }
            wake = deliverable() >= 0;
        }
        if (wake) {
            cpu.wake();
        }
        return accepted;
    }

    void acceptNmi() {
        cpu.nmi();
    }

    void acceptInit() {
        synchronized (this) {
            resetLocked(false);
        }
        cpu.init();
    }

    void acceptStartup(int vector) {
        cpu.startup(vector & 0xFF);
    }

    void acceptExtInt() {
        synchronized (this) {
            extIntPending = true;
        }
        cpu.wake();
    }

    // ---- reset and state -----------------------------------------------------------------------

    /** RESET: the power-up state (the APIC ID returns to its initial value; IA32_APIC_BASE stays). */
    public synchronized void reset() {
        resetLocked(true);
    }

    /** The power-up state; an INIT ({@code powerUp} false) keeps the APIC ID. */
    private void resetLocked(boolean powerUp) {
        if (powerUp) {
            id = initialId << 24;
        }
        tpr = 0;
        ldr = 0;
        dfr = -1;
        svr = 0xFF;
        esr = 0;
        icrLow = 0;
        icrHigh = 0;
        divideConfig = 0;
        initialCount = 0;
        Arrays.fill(lvt, LVT_MASKED);
        Arrays.fill(isr, 0);
        Arrays.fill(tmr, 0);
        Arrays.fill(irr, 0);
        extIntPending = false;
        tscDeadline = 0;
        timerRunning = false;
        timerEvent.cancel();
        timerEvent = Cancellable.NONE;
        timerGeneration++;
    }

    /** The 1 KiB architectural register page (see {@link LocalApicState}). */
    public synchronized byte[] registerPage() {
        long now = timers.nanoTime();
        byte[] page = new byte[PAGE_SIZE];
        for (int reg = ID; reg < PAGE_SIZE; reg += 0x10) {
            int v = readRegister(reg, now);
            page[reg] = (byte) v;
            page[reg + 1] = (byte) (v >> 8);
            page[reg + 2] = (byte) (v >> 16);
            page[reg + 3] = (byte) (v >> 24);
        }
        return page;
    }

    /**
     * Loads the registers from a 1 KiB architectural page (from {@link #registerPage()}, another
     * accelerator or a snapshot). Values pass the same write masks as guest writes, but the page
     * is taken as it is: a software-disabled APIC may keep unmasked LVT entries (KVM's reset state
     * for the BSP has LINT0 as an unmasked ExtINT entry). The timer continues from the saved
     * current count. APR, PPR, version and EOI are ignored (computed or constant).
     */
    public void loadRegisterPage(byte[] page) {
        if (page.length != PAGE_SIZE) {
            throw new IllegalArgumentException("the APIC register page is " + PAGE_SIZE + " bytes");
        }
        synchronized (this) {
            LocalApicState s = new LocalApicState(page, apicBase, tscDeadline, extIntPending);
            loadLocked(s, timers.nanoTime());
        }
    }

    public synchronized LocalApicState state() {
        return new LocalApicState(registerPage(), apicBase, tscDeadline(), extIntPending);
    }

    public synchronized void restore(LocalApicState s) {
        apicBase = s.apicBaseMsr() & (MSR_BASE_MASK | MSR_ENABLE | MSR_BSP);
        extIntPending = s.extIntPending();
        tscDeadline = s.tscDeadline();
        loadLocked(s, timers.nanoTime());
    }

    private void loadLocked(LocalApicState s, long now) {
        id = s.register(ID) & 0xFF00_0000;
        tpr = s.register(TPR) & 0xFF;
        ldr = s.register(LDR) & 0xFF00_0000;
        dfr = s.register(DFR) | 0x0FFF_FFFF;
        svr = s.register(SVR) & SVR_MASK;
        esr = s.register(ESR) & 0xFF;
        icrLow = s.register(ICR_LOW) & ICR_LOW_MASK;
        icrHigh = s.register(ICR_HIGH) & 0xFF00_0000;
        for (int i = 0; i < 8; i++) {
            isr[i] = s.register(ISR + 0x10 * i);
            tmr[i] = s.register(TMR + 0x10 * i);
            irr[i] = s.register(IRR + 0x10 * i);
        }
        // Vectors 0-15 are never accepted.
        isr[0] &= ~0xFFFF;
        tmr[0] &= ~0xFFFF;
        irr[0] &= ~0xFFFF;
        for (int i = 0; i < LVT_COUNT; i++) {
            lvt[i] = s.register(LVT_TIMER + 0x10 * i) & (LVT_WRITE_MASK[i] | (i == L_LINT0 || i == L_LINT1 ? 1 << 14 : 0));
        }
        divideConfig = s.register(TIMER_DIVIDE) & 0xB;
        initialCount = s.register(TIMER_INITIAL_COUNT);
        if (timerMode() == TIMER_TSC_DEADLINE) {
            initialCount = 0;
            timerRunning = false;
        } else {
            tscDeadline = 0;
            long initial = initialCount & 0xFFFF_FFFFL;
            long current = s.register(TIMER_CURRENT_COUNT) & 0xFFFF_FFFFL;
            if (initial == 0) {
                current = 0;
            } else if (current == 0 && timerMode() == TIMER_PERIODIC || current > initial) {
                current = initial;
            }
            timerRunning = current > 0;
            timerStart = now;
            timerStartCount = current;
        }
        armTimer(now);
    }
}
