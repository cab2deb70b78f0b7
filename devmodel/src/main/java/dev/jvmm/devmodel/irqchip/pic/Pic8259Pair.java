package dev.jvmm.devmodel.irqchip.pic;

import dev.jvmm.devmodel.bus.BusDevice;
import dev.jvmm.devmodel.bus.PortIoBus;
import dev.jvmm.devmodel.irq.IrqLine;
import java.util.Objects;

/**
 * The PC's two cascaded 8259A programmable interrupt controllers: the master at ports 0x20-0x21
 * (IRQ 0-7), the slave at 0xA0-0xA1 (IRQ 8-15) on the master's IR2, and the PIIX edge/level
 * control registers (ELCR) at 0x4D0-0x4D1.
 *
 * <p>Implemented: ICW1-ICW4 initialization (single/cascade, ICW4 optional, vector base), OCW1
 * masking, OCW2 EOI commands (non-specific, specific, their rotating forms, set priority, rotate
 * in automatic-EOI mode), OCW3 IRR/ISR reads, poll mode and special mask mode, automatic EOI,
 * edge or level triggering per IRQ from the ELCR (IRQ 0, 1, 2, 8 and 13 are always edge), and
 * spurious IRQ 7 / 15 when an INTA finds no request. Not implemented: special fully nested mode
 * (recorded, ignored), the LTIM bit of ICW1 (the ELCR decides), 8080 mode, buffered mode.
 *
 * <p>Edge triggering latches the rising edge: a device that pulses its line (raise, lower) still
 * gets its interrupt, although a real 8259A wants the input held until the INTA. In level mode
 * the request follows the input, so a request withdrawn before the INTA yields the spurious
 * vector. The master's IR2 follows the slave's INT output as a level. Before initialization
 * every IRQ is masked (the datasheet leaves the power-on state undefined).
 *
 * <p>Threads: one lock guards both chips; the INTR listener runs after the lock is released.
 */
public final class Pic8259Pair {
    public static final int MASTER_BASE = 0x20, SLAVE_BASE = 0xA0, ELCR_BASE = 0x4D0;
    /** Each chip and the ELCR occupy two ports. */
    public static final int PORTS = 2;
    public static final int IRQS = 16;
    /** The master input the slave's INT drives. */
    public static final int CASCADE_IRQ = 2;

    private final Pic8259 master = new Pic8259(0xF8); // IRQ 0, 1, 2 are edge-only
    private final Pic8259 slave = new Pic8259(0xDE); // IRQ 8 and 13 are edge-only
    private final BusDevice masterPorts = new ChipPorts(true);
    private final BusDevice slavePorts = new ChipPorts(false);
    private final BusDevice elcrPorts = new ElcrPorts();
    private final IrqLine[] inputs = new IrqLine[IRQS];
    private volatile Runnable intrListener = () -> { };
    private boolean intr;

    public Pic8259Pair() {
        for (int i = 0; i < IRQS; i++) {
            int irq = i;
            inputs[i] = level -> setInput(irq, level);
        }
    }

    /**
     * {@code listener} runs (on the thread that caused it, outside the chip's lock) whenever INTR
     * changes, in particular when it may have risen: wake the CPU and let it call {@link
     * #interruptRequested()}. It must not block.
     */
    public void setIntrListener(Runnable listener) {
        intrListener = Objects.requireNonNull(listener);
    }

    /** The ports at {@link #MASTER_BASE}. */
    public BusDevice master() {
        return masterPorts;
    }

    /** The ports at {@link #SLAVE_BASE}. */
    public BusDevice slave() {
        return slavePorts;
    }

    /** The ELCR ports at {@link #ELCR_BASE}: bit n of the first is IRQ n, of the second IRQ 8+n. */
    public BusDevice elcr() {
        return elcrPorts;
    }

    /** Registers the master, the slave and the ELCR at their PC ports. */
    public void registerOn(PortIoBus pio) {
        pio.register(MASTER_BASE, PORTS, masterPorts);
        pio.register(SLAVE_BASE, PORTS, slavePorts);
        pio.register(ELCR_BASE, PORTS, elcrPorts);
    }

    /**
     * The input for ISA IRQ {@code irq} (0-15). IRQ 2 is the cascade: setting its line does
     * nothing. Throws IllegalArgumentException for other numbers.
     */
    public IrqLine input(int irq) {
        if (irq < 0 || irq >= IRQS) {
            throw new IllegalArgumentException("no IRQ " + irq + " on the 8259 pair");
        }
        return inputs[irq];
    }

    /** The master's INT output: the CPU should run an INTA cycle ({@link #acknowledge()}). */
    public synchronized boolean interruptRequested() {
        return intr;
    }

    /**
     * The INTA cycle: returns the vector of the highest-priority request, moving it from IRR to
     * ISR on both chips for a slave IRQ. Without a request it returns the spurious vector
     * (master base + 7, or slave base + 7 when the master's request was the cascade) and sets no
     * ISR bit. Always returns 0-255.
     */
    public int acknowledge() {
        int vector;
        boolean changed;
        synchronized (this) {
            int irq = master.pendingIrq();
            if (irq < 0) {
                vector = master.vectorBase + 7;
            } else {
                master.acknowledge(irq);
                if (irq == CASCADE_IRQ && !master.single) {
                    int s = slave.pendingIrq();
                    if (s < 0) {
                        vector = slave.vectorBase + 7;
                    } else {
                        slave.acknowledge(s);
                        vector = slave.vectorBase + s;
                    }
                } else {
                    vector = master.vectorBase + irq;
                }
            }
            changed = update();
        }
        notifyIf(changed);
        return vector & 0xFF;
    }

    private void setInput(int irq, boolean level) {
        boolean changed;
        synchronized (this) {
            if (irq == CASCADE_IRQ) {
                return;
            }
            if (irq < 8) {
                master.setInput(irq, level);
            } else {
                slave.setInput(irq - 8, level);
            }
            changed = update();
        }
        notifyIf(changed);
    }

    /** Recomputes the cascade and INTR; true if INTR changed. Caller holds the lock. */
    private boolean update() {
        master.setCascade(!master.single && slave.output());
        boolean out = master.output();
        boolean changed = out != intr;
        intr = out;
        return changed;
    }

    private void notifyIf(boolean changed) {
        if (changed) {
            intrListener.run();
        }
    }

    public synchronized Pic8259PairState state() {
        return new Pic8259PairState(master.state(), slave.state());
    }

    public void restore(Pic8259PairState s) {
        boolean changed;
        synchronized (this) {
            master.restore(s.master());
            slave.restore(s.slave());
            changed = update();
        }
        notifyIf(changed);
    }

    private final class ChipPorts implements BusDevice {
        private final boolean isMaster;

        ChipPorts(boolean isMaster) {
            this.isMaster = isMaster;
        }

        @Override
        public long read(long offset, int size) {
            if (size != 1 || offset < 0 || offset >= PORTS) {
                return 0xFF;
            }
            int v;
            boolean changed;
            synchronized (Pic8259Pair.this) {
                Pic8259 chip = isMaster ? master : slave;
                v = offset == 0 ? chip.readCommand() : chip.readData();
                changed = update(); // a poll read acknowledges
            }
            notifyIf(changed);
            return v & 0xFF;
        }

        @Override
        public void write(long offset, int size, long value) {
            if (size != 1 || offset < 0 || offset >= PORTS) {
                return;
            }
            boolean changed;
            synchronized (Pic8259Pair.this) {
                Pic8259 chip = isMaster ? master : slave;
                int v = (int) (value & 0xFF);
                if (offset == 0) {
                    chip.writeCommand(v);
                } else {
                    chip.writeData(v);
                }
                changed = update();
            }
            notifyIf(changed);
        }
    }

    private final class ElcrPorts implements BusDevice {
        @Override
        public long read(long offset, int size) {
            if (size != 1 || offset < 0 || offset >= PORTS) {
                return 0xFF;
            }
            synchronized (Pic8259Pair.this) {
                return (offset == 0 ? master.elcr : slave.elcr) & 0xFF;
            }
        }

        @Override
        public void write(long offset, int size, long value) {
            if (size != 1 || offset < 0 || offset >= PORTS) {
                return;
            }
            boolean changed;
            synchronized (Pic8259Pair.this) {
                (offset == 0 ? master : slave).setElcr((int) value);
                changed = update();
            }
            notifyIf(changed);
        }
    }
}
