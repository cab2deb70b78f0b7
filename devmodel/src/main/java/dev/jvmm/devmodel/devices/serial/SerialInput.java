package dev.jvmm.devmodel.devices.serial;

import java.io.IOException;
import java.io.InputStream;

/**
 * Feeds a UART from a host input stream on its own thread, with back-pressure: a byte that does
 * not fit in the FIFO waits until the guest has read some, so typed input is never dropped.
 */
public final class SerialInput implements AutoCloseable {
    private final Thread thread;
    private volatile boolean closed;

    public SerialInput(InputStream in, Uart16550 uart) {
        thread = new Thread(() -> pump(in, uart), "serial-input");
        thread.setDaemon(true); // blocked in read() on stdin; must not keep the process alive
    }

    public SerialInput start() {
        thread.start();
        return this;
    }

    private void pump(InputStream in, Uart16550 uart) {
        try {
            int c;
            while (!closed && (c = in.read()) >= 0) {
                while (!closed && !uart.offer((byte) c)) {
                    Thread.sleep(1); // the guest drains 16 bytes far faster than a person types
                }
            }
        } catch (IOException | InterruptedException e) {
            // Input ends with the stream or the VM.
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
