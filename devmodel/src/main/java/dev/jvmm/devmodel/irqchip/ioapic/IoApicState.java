package dev.jvmm.devmodel.irqchip.ioapic;

/**
 * An IOAPIC's registers: its ID (0-15), the register select, the 24 redirection entries (64 bits
 * each, delivery status and remote IRR included) and the current input levels (bit n is pin n).
 */
public record IoApicState(int id, int ioregsel, long[] redirection, int pinLevels) {
    public IoApicState {
        if (redirection.length != IoApic.PINS) {
            throw new IllegalArgumentException("an IOAPIC has " + IoApic.PINS + " redirection entries");
        }
        redirection = redirection.clone();
    }

    @Override
    public long[] redirection() {
        return redirection.clone();
    }
}
