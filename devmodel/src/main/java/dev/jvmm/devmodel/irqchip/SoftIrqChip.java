package dev.jvmm.devmodel.irqchip;

import dev.jvmm.devmodel.bus.IoBuses;
import dev.jvmm.devmodel.irq.IrqChip;
import dev.jvmm.devmodel.irq.IrqLine;
import dev.jvmm.devmodel.irqchip.apic.ApicBus;
import dev.jvmm.devmodel.irqchip.apic.ApicCpu;
import dev.jvmm.devmodel.irqchip.apic.LocalApic;
import dev.jvmm.devmodel.irqchip.ioapic.IoApic;
import dev.jvmm.devmodel.irqchip.pic.Pic8259Pair;
import java.util.Objects;

/**
 * The PC's interrupt controllers in software, for accelerators without in-kernel ones (the TCG,
 * Xen): an 8259 pair, one IOAPIC, and a local APIC per vCPU on one {@link ApicBus}.
 *
 * <p>Wiring (what the ACPI MADT must describe: one IOAPIC at 0xFEC00000 with GSI base 0, and an
 * interrupt source override ISA IRQ 0 -> GSI 2, edge, active high):
 * <pre>
 *   line(n), n = 1, 3-15   ISA IRQ n: 8259 input n  and IOAPIC pin n
 *   line(0)                ISA IRQ 0 (the PIT): 8259 input 0 and IOAPIC pin 2 (the override)
 *   line(2)                GSI 2 = ISA IRQ 0 after the override: the same line as line(0)
 *   line(16..23)           PCI interrupts: IOAPIC pins 16-23 only
 *   8259 INTR              IOAPIC pin 0 (for ExtINT through the IOAPIC) and LINT0 of the BSP
 *   8259 input 2           the slave's INT (cascade); no device line drives it
 * </pre>
 * Devices drive logical levels (asserted = true); ISA lines are active high and edge-triggered,
 * the PCI lines 16-23 are meant to be declared active low, level-triggered, and are presented to
 * the IOAPIC as asserted whatever their electrical polarity.
 *
 * <p>The first APIC added ({@link #addCpu}) is the BSP: it gets the 8259's INTR on LINT0 and its
 * LVTs are set up for virtual wire mode as firmware would ({@link LocalApic#enableVirtualWire()}).
 * The PIT is not part of the chip: create it on {@code line(0)}.
 */
public final class SoftIrqChip implements IrqChip {
    public static final int GSI_COUNT = IoApic.PINS;
    public static final int ISA_IRQS = Pic8259Pair.IRQS;
    /** The IOAPIC pin ISA IRQ 0 arrives at (the MADT's interrupt source override). */
    public static final int ISA_IRQ0_GSI = 2;

    private final TimerScheduler timers;
    private final long tscHz;
    private final Pic8259Pair pic = new Pic8259Pair();
    private final ApicBus apicBus = new ApicBus();
    private final IoApic ioApic = new IoApic(apicBus);
    private final IrqLine[] lines = new IrqLine[GSI_COUNT];
    private final Object extIntLock = new Object();
    private volatile LocalApic bsp;

    /**
     * @param timers the clock and timer events for the local APIC timers
     * @param tscHz  the guest TSC frequency, for TSC-deadline mode
     */
    public SoftIrqChip(TimerScheduler timers, long tscHz) {
        this.timers = Objects.requireNonNull(timers);
        if (tscHz <= 0) {
            throw new IllegalArgumentException("TSC frequency " + tscHz);
        }
        this.tscHz = tscHz;
        apicBus.addEoiListener(ioApic::endOfInterrupt);
        pic.setIntrListener(this::picIntrChanged);
        for (int gsi = 0; gsi < GSI_COUNT; gsi++) {
            if (gsi == ISA_IRQ0_GSI) {
                continue;
            }
            IrqLine picInput = gsi < ISA_IRQS ? pic.input(gsi) : IrqLine.NONE;
            IrqLine ioApicPin = ioApic.pin(gsi == 0 ? ISA_IRQ0_GSI : gsi);
            lines[gsi] = gsi < ISA_IRQS ? level -> {
                picInput.set(level);
                ioApicPin.set(level);
            } : ioApicPin;
        }
        lines[ISA_IRQ0_GSI] = lines[0];
    }

    /** The line for GSI {@code gsi} (0-23), wired as the class comment says. */
    @Override
    public IrqLine line(int gsi) {
        if (gsi < 0 || gsi >= GSI_COUNT) {
            throw new IllegalArgumentException("no GSI " + gsi + " (the IOAPIC has " + GSI_COUNT + " pins)");
        }
        return lines[gsi];
    }

    public Pic8259Pair pic() {
        return pic;
    }

    public IoApic ioApic() {
        return ioApic;
    }

    public ApicBus apicBus() {
        return apicBus;
    }

    /**
     * Creates and attaches the local APIC of a vCPU. The first one is the BSP (IA32_APIC_BASE's
     * BSP flag, the 8259 on LINT0, virtual wire mode). Throws IllegalArgumentException if the ID
     * is taken or not 0-254.
     */
    public synchronized LocalApic addCpu(int apicId, ApicCpu cpu) {
        for (LocalApic a : apicBus.localApics()) {
            if (a.id() == apicId) {
                throw new IllegalArgumentException("APIC ID " + apicId + " is taken");
            }
        }
        boolean first = bsp == null;
        LocalApic apic = new LocalApic(apicId, first, apicBus, cpu, timers, tscHz);
        if (first) {
            apic.connectExtInt(pic::interruptRequested);
            apic.enableVirtualWire();
        }
        apicBus.attach(apic);
        if (first) {
            bsp = apic;
        }
        return apic;
    }

    /** The boot processor's APIC, or null before {@link #addCpu}. */
    public LocalApic bsp() {
        return bsp;
    }

    /**
     * Registers the 8259s and ELCR on the port bus, the IOAPIC at {@link IoApic#DEFAULT_BASE} and the
     * APIC page at {@link LocalApic#DEFAULT_BASE} (dispatching to the calling thread's APIC, see
     * {@link ApicBus#bindCurrentThread}) on the MMIO bus.
     */
    public void registerOn(IoBuses buses) {
        pic.registerOn(buses.pio());
        buses.mmio().register(IoApic.DEFAULT_BASE, IoApic.MMIO_SIZE, ioApic);
        buses.mmio().register(LocalApic.DEFAULT_BASE, LocalApic.MMIO_SIZE, apicBus.mmio());
    }

    /**
     * Takes the interrupt {@code apic}'s CPU should service now: the vector, after moving it to
     * the ISR (or running the 8259's INTA cycle for ExtINT), or -1 if none. Call it only when the
     * CPU can take an interrupt (IF set, no interrupt shadow).
     */
    public int acknowledgeInterrupt(LocalApic apic) {
        int v = apic.pendingVector();
        if (v == LocalApic.EXTINT) {
            apic.acknowledge(LocalApic.EXTINT);
            return pic.acknowledge();
        }
        if (v >= 0) {
            apic.acknowledge(v);
        }
        return v;
    }

    private void picIntrChanged() {
        synchronized (extIntLock) { // serialize so the last update carries the current level
            ioApic.pin(0).set(pic.interruptRequested());
        }
        LocalApic b = bsp;
        if (b != null) {
            b.extIntChanged();
        }
    }
}
