package dev.jvmm.devmodel.irqchip.pic;

import java.util.Objects;

/** Both 8259As of a PC, for save and restore. */
public record Pic8259PairState(Pic8259State master, Pic8259State slave) {
    public Pic8259PairState {
        Objects.requireNonNull(master);
        Objects.requireNonNull(slave);
    }
}
