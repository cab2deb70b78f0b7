package dev.jvmm.devmodel.devices.testdev;

/** The scratch window's bytes and the port FIFO's contents. */
public record TestDeviceState(byte[] scratch, byte[] fifo) {
    public TestDeviceState {
        scratch = scratch.clone();
        fifo = fifo.clone();
    }

    @Override
    public byte[] scratch() {
        return scratch.clone();
    }

    @Override
    public byte[] fifo() {
        return fifo.clone();
    }
}
