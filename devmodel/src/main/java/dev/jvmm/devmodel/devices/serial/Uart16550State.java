package dev.jvmm.devmodel.devices.serial;

/** Everything a 16550A UART holds, for save and restore. */
public record Uart16550State(int ier, int lcr, int mcr, int lsr, int msr, int scr, int dll, int dlm, int fcr,
                             boolean thrInterruptPending, byte[] rxFifo) {
    public Uart16550State {
        rxFifo = rxFifo.clone();
    }

    @Override
    public byte[] rxFifo() {
        return rxFifo.clone();
    }
}
