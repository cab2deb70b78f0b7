package dev.jvmm.devmodel.irqchip.apic;

import dev.jvmm.devmodel.bus.BusDevice;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntConsumer;

/**
 * The system bus as xAPIC interrupt messages see it: routes interrupt messages from IOAPICs, MSIs
 * and inter-processor interrupts to the attached {@link LocalApic}s, and broadcasts the EOIs of
 * level-triggered interrupts back to the IOAPICs.
 *
 * <p>Destinations are 8-bit xAPIC IDs. Physical mode matches the APIC ID; 0xFF is a broadcast.
 * Logical mode matches each APIC's LDR under its DFR model: flat (the 8-bit logical ID ANDed
 * with the destination is not zero) or cluster (high nibbles equal and low nibbles intersect);
 * 0xFF is a broadcast in both. Hardware-disabled APICs receive nothing.
 *
 * <p>Delivery modes: fixed (every target), lowest priority (exactly one target: the
 * software-enabled target with the lowest processor priority (PPR), ties going to the first
 * attached; the first target if none is enabled), NMI, INIT, start-up, and ExtINT (the target's
 * CPU then asks the 8259 for the vector). SMI is dropped (there is no SMM) and the reserved
 * modes are ignored.
 *
 * <p>The xAPIC register page sits at the same address for every CPU; {@link #mmio()} is one bus
 * device for all of them that forwards each access to the APIC bound to the calling thread with
 * {@link #bindCurrentThread}.
 */
public final class ApicBus {
    public static final int FIXED = 0, LOWEST_PRIORITY = 1, SMI = 2, NMI = 4, INIT = 5, STARTUP = 6, EXTINT = 7;
    public static final int SHORTHAND_NONE = 0, SHORTHAND_SELF = 1, SHORTHAND_ALL = 2, SHORTHAND_ALL_BUT_SELF = 3;
    public static final int BROADCAST = 0xFF;

    private final List<LocalApic> apics = new CopyOnWriteArrayList<>();
    private final List<IntConsumer> eoiListeners = new CopyOnWriteArrayList<>();
    private final ThreadLocal<LocalApic> current = new ThreadLocal<>();
    private final BusDevice mmio = new Dispatcher();

    /** Puts {@code apic} (created for this bus) on the bus; idempotent. */
    public void attach(LocalApic apic) {
        if (Objects.requireNonNull(apic).bus() != this) {
            throw new IllegalArgumentException("the APIC was created for another bus");
        }
        synchronized (apics) {
            if (!apics.contains(apic)) {
                apics.add(apic);
            }
        }
    }

    public boolean detach(LocalApic apic) {
        return apics.remove(apic);
    }

    /** The attached APICs in attachment order. */
    public List<LocalApic> localApics() {
        return List.copyOf(apics);
    }

    /** {@code listener} receives the vector of every EOI of a level-triggered interrupt. */
    public void addEoiListener(IntConsumer listener) {
        eoiListeners.add(Objects.requireNonNull(listener));
    }

    /**
     * Delivers an interrupt message (from an IOAPIC or an MSI) and returns how many APICs took
     * it: for fixed and lowest priority those that set the IRR bit, for the other modes those the
     * message reached.
     */
    public int deliver(int destination, boolean logical, int deliveryMode, int vector, boolean levelTriggered) {
        return route(null, SHORTHAND_NONE, destination & 0xFF, logical, deliveryMode & 7, vector & 0xFF,
            levelTriggered);
    }

    /**
     * Delivers a message signalled interrupt in xAPIC format: destination ID in address bits
     * 19:12, logical destination mode in bit 2; vector, delivery mode and trigger mode in data bits
     * 7:0, 10:8 and 15. An address outside 0xFEExxxxx delivers nothing. Returns as {@link #deliver}.
     */
    public int deliverMsi(long address, int data) {
        if ((address & 0xFFFF_FFFF_FFF0_0000L) != 0xFEE0_0000L) {
            return 0;
        }
        return deliver((int) (address >> 12) & 0xFF, (address & 4) != 0, (data >> 8) & 7, data & 0xFF,
            (data & 0x8000) != 0);
    }

    /** An IPI from {@code source}'s ICR. */
    int sendIpi(LocalApic source, int shorthand, int destination, boolean logical, int deliveryMode, int vector,
                boolean levelTriggered) {
        return route(source, shorthand, destination, logical, deliveryMode, vector, levelTriggered);
    }

    /** An EOI of a level-triggered vector, to every listener (IOAPIC). */
    void broadcastEoi(int vector) {
        for (IntConsumer l : eoiListeners) {
            l.accept(vector);
        }
    }

    private static boolean targeted(LocalApic a, LocalApic source, int shorthand, int destination, boolean logical) {
        if (!a.isHardwareEnabled()) {
            return false;
        }
        return switch (shorthand) {
            case SHORTHAND_ALL -> true;
            case SHORTHAND_ALL_BUT_SELF -> a != source;
            default -> a.matchesDestination(destination, logical);
        };
    }

    private int route(LocalApic source, int shorthand, int destination, boolean logical, int mode, int vector,
                      boolean level) {
        if (shorthand == SHORTHAND_SELF) {
            // The message never leaves the APIC: no attachment needed.
            return source == null || !source.isHardwareEnabled() ? 0
                : deliverTo(source, mode == LOWEST_PRIORITY ? FIXED : mode, vector, level);
        }
        if (mode == LOWEST_PRIORITY) {
            LocalApic best = null;
            LocalApic first = null;
            int bestPriority = Integer.MAX_VALUE;
            for (LocalApic a : apics) {
                if (!targeted(a, source, shorthand, destination, logical)) {
                    continue;
                }
                if (first == null) {
                    first = a;
                }
                if (a.isSoftwareEnabled()) {
                    int p = a.processorPriority();
                    if (p < bestPriority) {
                        bestPriority = p;
                        best = a;
                    }
                }
            }
            LocalApic target = best != null ? best : first;
            return target == null ? 0 : deliverTo(target, FIXED, vector, level);
        }
        int accepted = 0;
        for (LocalApic a : apics) {
            if (targeted(a, source, shorthand, destination, logical)) {
                accepted += deliverTo(a, mode, vector, level);
            }
        }
        return accepted;
    }

    private static int deliverTo(LocalApic a, int mode, int vector, boolean level) {
        switch (mode) {
            case FIXED, LOWEST_PRIORITY -> {
                return a.acceptFixed(vector, level) ? 1 : 0;
            }
            case NMI -> a.acceptNmi();
            case INIT -> a.acceptInit();
            case STARTUP -> a.acceptStartup(vector);
            case EXTINT -> a.acceptExtInt();
            default -> {
                return 0; // SMI (no SMM) and the reserved modes 3 and 6
            }
        }
        return 1;
    }

    /** Makes {@code apic} the target of {@link #mmio()} accesses from this thread (null unbinds). */
    public void bindCurrentThread(LocalApic apic) {
        if (apic == null) {
            current.remove();
        } else {
            current.set(apic);
        }
    }

    /** The APIC bound to the calling thread, or null. */
    public LocalApic currentApic() {
        return current.get();
    }

    /**
     * One bus device for the APIC page of every CPU ({@link LocalApic#DEFAULT_BASE}, {@link
     * LocalApic#MMIO_SIZE}): forwards to the calling thread's APIC; with none bound, reads return
     * all ones and writes are dropped.
     */
    public BusDevice mmio() {
        return mmio;
    }

    private final class Dispatcher implements BusDevice {
        @Override
        public long read(long offset, int size) {
            LocalApic a = current.get();
            return a == null ? -1L : a.read(offset, size);
        }

        @Override
        public void write(long offset, int size, long value) {
            LocalApic a = current.get();
            if (a != null) {
                a.write(offset, size, value);
            }
        }
    }
}
