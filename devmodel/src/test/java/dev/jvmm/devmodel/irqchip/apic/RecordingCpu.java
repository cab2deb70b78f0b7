package dev.jvmm.devmodel.irqchip.apic;

import java.util.ArrayList;
import java.util.List;

/** An {@link ApicCpu} that counts what reaches it. */
public final class RecordingCpu implements ApicCpu {
    public int wakes, inits, nmis;
    public final List<Integer> startups = new ArrayList<>();

    @Override
    public synchronized void wake() {
        wakes++;
    }

    @Override
    public synchronized void init() {
        inits++;
    }

    @Override
    public synchronized void startup(int vector) {
        startups.add(vector);
    }

    @Override
    public synchronized void nmi() {
        nmis++;
    }
}
