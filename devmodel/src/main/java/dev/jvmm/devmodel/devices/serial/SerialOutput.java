package dev.jvmm.devmodel.devices.serial;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

/**
 * Decouples the guest's serial output from the host's sink: the UART (on a vCPU thread) only
 * copies into a bounded buffer, and a writer thread owned by this object drains it. A stalled
 * terminal or pipe can then never stall a vCPU; if the buffer fills, bytes are dropped and counted.
 */
public final class SerialOutput extends OutputStream {
    static final int CAPACITY = 1 << 16;

    private final OutputStream sink;
    private final byte[] ring = new byte[CAPACITY];
    private int head;
    private int count;
    private long dropped;
    private boolean closing;
    private final Thread writer;

    public SerialOutput(OutputStream sink, String name) {
        this.sink = sink;
        this.writer = new Thread(this::drain, name);
        this.writer.setDaemon(true);
        this.writer.start();
    }

    @Override
    public synchronized void write(int b) {
        if (count == CAPACITY) {
            dropped++;
            return;
        }
        ring[(head + count) % CAPACITY] = (byte) b;
        count++;
        notifyAll();
    }

    /** Bytes lost because the sink could not keep up. */
    public synchronized long dropped() {
        return dropped;
    }

    private void drain() {
        byte[] chunk = new byte[4096];
        while (true) {
            int n;
            synchronized (this) {
                while (count == 0 && !closing) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (count == 0) {
                    notifyAll();
                    return;
                }
                n = Math.min(Math.min(count, chunk.length), CAPACITY - head);
                System.arraycopy(ring, head, chunk, 0, n);
            }
            try {
                sink.write(chunk, 0, n);
                sink.flush();
            } catch (IOException e) {
                // The sink is gone (closed terminal or pipe): keep consuming so the guest never waits.
            }
            synchronized (this) {
                head = (head + n) % CAPACITY;
                count -= n;
                notifyAll();
            }
        }
    }

    /** Waits (bounded) until everything written so far reached the sink. */
    @Override
    public void flush() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        synchronized (this) {
            while (count > 0 && writer.isAlive()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Flushes what is buffered, then stops the writer thread. The sink itself stays open. */
    @Override
    public void close() {
        flush();
        synchronized (this) {
            closing = true;
            notifyAll();
        }
        try {
            writer.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
