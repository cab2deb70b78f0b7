package dev.jvmm.devmodel.devices.serial;

import dev.jvmm.devmodel.irq.IrqLine;
import java.util.ArrayList;
import java.util.List;

/** An interrupt line that remembers every level it was set to. */
final class RecordingIrqLine implements IrqLine {
    final List<Boolean> levels = new ArrayList<>();

    @Override
    public void set(boolean asserted) {
        levels.add(asserted);
    }

    boolean asserted() {
        return !levels.isEmpty() && levels.get(levels.size() - 1);
    }
}
