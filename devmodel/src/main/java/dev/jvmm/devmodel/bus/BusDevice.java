package dev.jvmm.devmodel.bus;

/**
 * A device's window on an I/O bus. Offsets are relative to the start of the range the device
 * was registered at; sizes are 1, 2, 4 or 8 bytes. Values arrive from and return to the guest,
 * so implementations must accept any offset, size and value without throwing.
 */
public interface BusDevice {
    long read(long offset, int size);

    void write(long offset, int size, long value);
}
