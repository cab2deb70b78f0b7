package dev.jvmm.devmodel.bus;

/** The two buses an accelerator delivers guest accesses to. */
public record IoBuses(PortIoBus pio, MmioBus mmio) {
    public static IoBuses create() {
        return new IoBuses(new PortIoBus(), new MmioBus());
    }
}
