package dev.jvmm.devmodel.devices.testdev;

import dev.jvmm.devmodel.bus.BusDevice;
import java.util.ArrayDeque;

/**
 * A device for guest test programs (like QEMU's pc-testdev), attached with {@code --device testdev}:
 * a 4 KiB MMIO window that behaves as little-endian RAM for accesses of every width, and a port
 * FIFO where {@code out} appends a byte and {@code in} takes the oldest (0xFF when empty).
 */
public final class TestDevice {
    public static final long MMIO_BASE = 0xFEB0_0000L;
    public static final int MMIO_SIZE = 0x1000;
    public static final int FIFO_PORT = 0xE0;
    static final int FIFO_LIMIT = 1 << 16;

    private final byte[] scratch = new byte[MMIO_SIZE];
    private final ArrayDeque<Byte> fifo = new ArrayDeque<>();

    private final BusDevice mmio = new BusDevice() {
        @Override
        public long read(long offset, int size) {
            synchronized (TestDevice.this) {
                if (offset < 0 || offset > MMIO_SIZE - size) {
                    return -1L;
                }
                long v = 0;
                for (int i = size - 1; i >= 0; i--) {
                    v = (v << 8) | (scratch[(int) offset + i] & 0xFF);
                }
                return v;
            }
        }

        @Override
        public void write(long offset, int size, long value) {
            synchronized (TestDevice.this) {
                if (offset < 0 || offset > MMIO_SIZE - size) {
                    return;
                }
                for (int i = 0; i < size; i++) {
                    scratch[(int) offset + i] = (byte) (value >>> (8 * i));
                }
            }
        }
    };

    private final BusDevice port = new BusDevice() {
        @Override
        public long read(long offset, int size) {
            synchronized (TestDevice.this) {
                Byte b = fifo.poll();
                return b == null ? 0xFF : b & 0xFF;
            }
        }

        @Override
        public void write(long offset, int size, long value) {
            synchronized (TestDevice.this) {
                if (fifo.size() < FIFO_LIMIT) { // bounded: a guest cannot grow host memory without limit
                    fifo.add((byte) value);
                }
            }
        }
    };

    public BusDevice mmio() {
        return mmio;
    }

    public BusDevice port() {
        return port;
    }

    public synchronized TestDeviceState state() {
        byte[] f = new byte[fifo.size()];
        int i = 0;
        for (Byte b : fifo) {
            f[i++] = b;
        }
        return new TestDeviceState(scratch, f);
    }

    public synchronized void restore(TestDeviceState s) {
        byte[] sc = s.scratch();
        System.arraycopy(sc, 0, scratch, 0, Math.min(sc.length, MMIO_SIZE));
        fifo.clear();
        for (byte b : s.fifo()) {
            if (fifo.size() < FIFO_LIMIT) {
                fifo.add(b);
            }
        }
    }
}
