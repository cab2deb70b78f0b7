package dev.jvmm.devmodel.irqchip.pic;

/**
 * One 8259A. Not thread-safe: {@link Pic8259Pair} guards both chips with its lock. Priorities
 * rotate: {@code lowestPlusOne} is the IR with the highest priority (0 after initialization, so
 * IR0 is highest and IR7 lowest).
 */
final class Pic8259 {
    final int elcrMask;
    int irr, isr, imr = 0xFF, inputs, elcr;
    int vectorBase, icw3;
    /** 0 when initialized; 2, 3 or 4 when the next write to port 1 is that ICW. */
    int initStep;
    boolean icw4Needed, single, autoEoi, rotateOnAutoEoi, specialFullyNested;
    int lowestPlusOne;
    boolean readIsr, poll, specialMask;

    Pic8259(int elcrMask) {
        this.elcrMask = elcrMask;
    }

    /** An input pin changed level. Edge mode latches rising edges; level mode follows the pin. */
    void setInput(int irq, boolean level) {
        int bit = 1 << irq;
        if (level) {
            if ((elcr & bit) != 0 || (inputs & bit) == 0) {
                irr |= bit;
            }
            inputs |= bit;
        } else {
            if ((elcr & bit) != 0) {
                irr &= ~bit;
            }
            inputs &= ~bit;
        }
    }

    /** The master's IR2 follows the slave's INT output. */
    void setCascade(boolean slaveInt) {
        if (slaveInt) {
            irr |= 1 << 2;
        } else {
            irr &= ~(1 << 2);
        }
    }

    void setElcr(int value) {
        elcr = value & elcrMask;
        irr = (irr & ~elcr) | (inputs & elcr);
    }

    private int priority(int irq) {
        return (irq - lowestPlusOne) & 7;
    }

    /** The highest-priority IR among {@code mask}'s bits, or -1. */
    private int highest(int mask) {
        mask &= 0xFF;
        if (mask == 0) {
            return -1;
        }
        for (int p = 0; p < 8; p++) {
            int irq = (p + lowestPlusOne) & 7;
            if ((mask & (1 << irq)) != 0) {
                return irq;
            }
        }
        return -1;
    }

    /** The IR an INTA would serve now, or -1 when INT is low. */
    int pendingIrq() {
        int request = highest(irr & ~imr);
        if (request < 0) {
            return -1;
        }
        int inService = specialMask ? isr & ~imr : isr;
        int current = highest(inService);
        if (current >= 0 && priority(current) <= priority(request)) {
            return -1;
        }
        return request;
    }

    boolean output() {
        return pendingIrq() >= 0;
    }

    /** The INTA cycle for {@code irq}: IRR to ISR (or not, with automatic EOI). */
    void acknowledge(int irq) {
        int bit = 1 << irq;
        if ((elcr & bit) == 0) {
            irr &= ~bit; // the edge latch is consumed; a level input stays requested while asserted
        }
        if (autoEoi) {
            if (rotateOnAutoEoi) {
                lowestPlusOne = (irq + 1) & 7;
            }
        } else {
            isr |= bit;
        }
    }

    /** A poll command's read: acknowledges the highest request like an INTA. */
    int pollRead() {
        int irq = pendingIrq();
        if (irq < 0) {
            return 0;
        }
        acknowledge(irq);
        return 0x80 | irq;
    }

    void writeCommand(int v) {
        if ((v & 0x10) != 0) { // ICW1
            icw4Needed = (v & 0x01) != 0;
            single = (v & 0x02) != 0;
            // LTIM (bit 3) is ignored: on a PC's PIIX the ELCR decides edge or level per IRQ.
            initStep = 2;
            imr = 0;
            isr = 0;
            irr = inputs & elcr; // edge latches are reset: a held input needs a new rising edge
            lowestPlusOne = 0;
            specialMask = false;
            readIsr = false;
            poll = false;
            if (!icw4Needed) {
                autoEoi = false;
                rotateOnAutoEoi = false;
                specialFullyNested = false;
            }
        } else if ((v & 0x08) != 0) { // OCW3
            if ((v & 0x04) != 0) {
                poll = true;
            }
            if ((v & 0x02) != 0) {
                readIsr = (v & 0x01) != 0;
            }
            if ((v & 0x40) != 0) {
                specialMask = (v & 0x20) != 0;
            }
        } else { // OCW2
            int level = v & 7;
            switch ((v >> 5) & 7) {
                case 0 -> rotateOnAutoEoi = false;
                case 1 -> nonSpecificEoi(false);
                case 2 -> { } // no operation
                case 3 -> specificEoi(level, false);
                case 4 -> rotateOnAutoEoi = true;
                case 5 -> nonSpecificEoi(true);
                case 6 -> lowestPlusOne = (level + 1) & 7; // set priority: level becomes lowest
                default -> specificEoi(level, true);
            }
        }
    }

    private void nonSpecificEoi(boolean rotate) {
        int irq = highest(specialMask ? isr & ~imr : isr);
        if (irq >= 0) {
            specificEoi(irq, rotate);
        }
    }

    private void specificEoi(int irq, boolean rotate) {
        isr &= ~(1 << irq);
        if (rotate) {
            lowestPlusOne = (irq + 1) & 7;
        }
    }

    void writeData(int v) {
        switch (initStep) {
            case 2 -> {
                vectorBase = v & 0xF8;
                initStep = single ? (icw4Needed ? 4 : 0) : 3;
            }
            case 3 -> {
                icw3 = v;
                initStep = icw4Needed ? 4 : 0;
            }
            case 4 -> {
                autoEoi = (v & 0x02) != 0;
                specialFullyNested = (v & 0x10) != 0;
                initStep = 0;
            }
            default -> imr = v;
        }
    }

    int readCommand() {
        if (poll) {
            poll = false;
            return pollRead();
        }
        return readIsr ? isr : irr;
    }

    int readData() {
        return imr;
    }

    Pic8259State state() {
        return new Pic8259State(irr, isr, imr, inputs, elcr, vectorBase, icw3, initStep, icw4Needed, single,
            autoEoi, rotateOnAutoEoi, specialFullyNested, lowestPlusOne, readIsr, poll, specialMask);
    }

    void restore(Pic8259State s) {
        irr = s.irr() & 0xFF;
        isr = s.isr() & 0xFF;
        imr = s.imr() & 0xFF;
        inputs = s.inputLevels() & 0xFF;
        elcr = s.elcr() & elcrMask;
        vectorBase = s.vectorBase() & 0xF8;
        icw3 = s.icw3() & 0xFF;
        int step = s.initStep();
        initStep = step == 2 || step == 3 || step == 4 ? step : 0;
        icw4Needed = s.icw4Needed();
        single = s.singleMode();
        autoEoi = s.autoEoi();
        rotateOnAutoEoi = s.rotateOnAutoEoi();
        specialFullyNested = s.specialFullyNested();
        lowestPlusOne = s.priorityBase() & 7;
        readIsr = s.readIsr();
        poll = s.poll();
        specialMask = s.specialMask();
    }
}
