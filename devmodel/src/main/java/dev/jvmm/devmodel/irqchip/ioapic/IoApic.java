package dev.jvmm.devmodel.irqchip.ioapic;

import dev.jvmm.devmodel.bus.BusDevice;
import dev.jvmm.devmodel.irq.IrqLine;
import dev.jvmm.devmodel.irqchip.apic.ApicBus;
import java.util.Objects;

/**
 * An 82093AA I/O APIC with 24 input pins, registered at {@link #DEFAULT_BASE}: IOREGSEL at offset
 * 0x00 selects a register, IOWIN at 0x10 reads and writes it (32-bit accesses). Registers: 0x00
 * ID (bits 27:24), 0x01 version ({@value #VERSION_VALUE}: version 0x11, highest entry 23), 0x02
 * arbitration ID (reads the ID), 0x10-0x3F the redirection table, two registers per entry.
 *
 * <p>Each entry sends an interrupt message through the {@link ApicBus}: vector, delivery mode
 * (fixed, lowest priority, SMI, NMI, INIT, ExtINT), destination mode (physical or logical),
 * destination (bits 63:56), trigger mode and mask. Edge-triggered pins send on a rising input;
 * an edge on a masked pin is lost (82093AA: "not delivered or held pending"). Level-triggered
 * fixed and lowest-priority pins send while the input is asserted and remote IRR is clear, and
 * set remote IRR when an APIC accepted the message; {@link #endOfInterrupt} (an EOI broadcast
 * from a local APIC) clears it and resends if the input is still asserted. Unmasking an asserted
 * level-triggered pin sends. Level-triggered NMI, INIT and ExtINT entries act on rising edges.
 *
 * <p>Pin levels are logical: {@code set(true)} means asserted. The polarity bit is stored but
 * does not invert anything: the board (here {@code SoftIrqChip}) presents the line as asserted,
 * whatever electrical polarity the ACPI tables declare. Delivery status always reads idle.
 *
 * <p>Threads: one lock; messages are delivered while holding it (the local APICs take their own
 * locks after this one, never before).
 */
public final class IoApic implements BusDevice {
    public static final long DEFAULT_BASE = 0xFEC0_0000L;
    public static final int MMIO_SIZE = 0x1000;
    public static final int PINS = 24;
    public static final int VERSION_VALUE = (PINS - 1) << 16 | 0x11;
    public static final int IOREGSEL = 0x00, IOWIN = 0x10;
    public static final int REG_ID = 0x00, REG_VERSION = 0x01, REG_ARBITRATION = 0x02, REG_REDIRECTION = 0x10;

    public static final long MASKED = 1L << 16, LEVEL_TRIGGERED = 1L << 15, REMOTE_IRR = 1L << 14,
        ACTIVE_LOW = 1L << 13, DELIVERY_STATUS = 1L << 12, LOGICAL = 1L << 11;
    /** The writable bits of an entry: all but delivery status, remote IRR and the reserved bits. */
    static final long WRITABLE = 0xFF00_0000_0001_AFFFL;

    private final ApicBus bus;
    private final IrqLine[] pins = new IrqLine[PINS];
    private final long[] table = new long[PINS];
    private int id;
    private int ioregsel;
    private int levels;

    public IoApic(ApicBus bus) {
        this(bus, 0);
    }

    /** An IOAPIC with ID {@code id} (0-15; an ACPI MADT entry names it). */
    public IoApic(ApicBus bus, int id) {
        this.bus = Objects.requireNonNull(bus);
        this.id = id & 0xF;
        for (int i = 0; i < PINS; i++) {
            int pin = i;
            pins[i] = level -> setPin(pin, level);
            table[i] = MASKED;
        }
    }

    /** Input pin {@code pin} (0-23); throws IllegalArgumentException for others. */
    public IrqLine pin(int pin) {
        if (pin < 0 || pin >= PINS) {
            throw new IllegalArgumentException("no IOAPIC pin " + pin);
        }
        return pins[pin];
    }

    /** Redirection entry {@code pin} as the table holds it. */
    public synchronized long redirectionEntry(int pin) {
        return table[Objects.checkIndex(pin, PINS)];
    }

    private synchronized void setPin(int pin, boolean level) {
        int bit = 1 << pin;
        boolean was = (levels & bit) != 0;
        if (level) {
            levels |= bit;
        } else {
            levels &= ~bit;
        }
        long e = table[pin];
        if (levelSemantics(e)) {
            if (level) {
                serviceLevel(pin);
            }
        } else if (level && !was && (e & MASKED) == 0) {
            send(pin, e);
        }
    }

    /** Level-triggered with remote IRR: only fixed and lowest-priority messages are EOIed. */
    private static boolean levelSemantics(long e) {
        int mode = (int) (e >> 8) & 7;
        return (e & LEVEL_TRIGGERED) != 0 && (mode == ApicBus.FIXED || mode == ApicBus.LOWEST_PRIORITY);
    }

    /** Sends a level-triggered pin's message if it is asserted, unmasked and not awaiting EOI. */
    private void serviceLevel(int pin) {
        long e = table[pin];
        if ((levels & (1 << pin)) != 0 && (e & (MASKED | REMOTE_IRR)) == 0 && levelSemantics(e)) {
            if (send(pin, e) > 0) {
                table[pin] |= REMOTE_IRR;
            }
        }
    }

    private int send(int pin, long e) {
        return bus.deliver((int) (e >>> 56), (e & LOGICAL) != 0, (int) (e >> 8) & 7, (int) e & 0xFF,
            (e & LEVEL_TRIGGERED) != 0);
    }

    /** An EOI broadcast for {@code vector}: clears remote IRR of the level entries using it. */
    public synchronized void endOfInterrupt(int vector) {
        for (int pin = 0; pin < PINS; pin++) {
            long e = table[pin];
            if ((e & REMOTE_IRR) != 0 && (e & 0xFF) == (vector & 0xFF)) {
                table[pin] = e & ~REMOTE_IRR;
                serviceLevel(pin);
            }
        }
    }

    @Override
    public synchronized long read(long offset, int size) {
        if (offset == IOREGSEL) {
            return ioregsel;
        }
        if (offset == IOWIN) {
            return readRegister(ioregsel) & 0xFFFF_FFFFL;
        }
        return 0;
    }

    @Override
    public synchronized void write(long offset, int size, long value) {
        if (offset == IOREGSEL) {
            ioregsel = (int) (value & 0xFF);
        } else if (offset == IOWIN && size == 4) {
            writeRegister(ioregsel, (int) value);
        }
    }

    private int readRegister(int reg) {
        switch (reg) {
            case REG_ID, REG_ARBITRATION -> {
                return id << 24;
            }
            case REG_VERSION -> {
                return VERSION_VALUE;
            }
            default -> {
                int index = reg - REG_REDIRECTION;
                if (index < 0 || index >= 2 * PINS) {
                    return 0;
                }
                long e = table[index >> 1];
                return (int) ((index & 1) == 0 ? e : e >>> 32);
            }
        }
    }

    private void writeRegister(int reg, int value) {
        if (reg == REG_ID) {
            id = (value >>> 24) & 0xF;
            return;
        }
        int index = reg - REG_REDIRECTION;
        if (index < 0 || index >= 2 * PINS) {
            return; // version, arbitration and unimplemented registers are read-only
        }
        int pin = index >> 1;
        long old = table[pin];
        long written = (index & 1) == 0
            ? (old & 0xFFFF_FFFF_0000_0000L) | (value & 0xFFFF_FFFFL)
            : (old & 0xFFFF_FFFFL) | ((long) value << 32);
        long e = (written & WRITABLE) | (old & REMOTE_IRR);
        if ((e & LEVEL_TRIGGERED) == 0) {
            e &= ~REMOTE_IRR;
        }
        table[pin] = e;
        serviceLevel(pin);
    }

    public synchronized IoApicState state() {
        return new IoApicState(id, ioregsel, table, levels);
    }

    /** Restores the registers; no message is sent until an input, write or EOI asks for one. */
    public synchronized void restore(IoApicState s) {
        id = s.id() & 0xF;
        ioregsel = s.ioregsel() & 0xFF;
        long[] t = s.redirection();
        for (int i = 0; i < PINS; i++) {
            table[i] = t[i] & (WRITABLE | REMOTE_IRR);
        }
        levels = s.pinLevels() & ((1 << PINS) - 1);
    }
}
