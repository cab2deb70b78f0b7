package dev.jvmm.devmodel.devices.serial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class SerialOutputTest {
    @Test
    void everyByteReachesTheSinkInOrderByClose() {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        SerialOutput out = new SerialOutput(sink, "test-serial");
        byte[] expected = new byte[200_000];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (byte) (i * 31);
        }
        for (int i = 0; i < expected.length; i++) {
            out.write(expected[i]);
            if (i % 50_000 == 0) {
                out.flush(); // keep under the buffer's capacity so nothing is dropped
            }
        }
        out.close();
        assertEquals(0, out.dropped());
        assertArrayEquals(expected, sink.toByteArray());
    }

    @Test
    @Timeout(10)
    void aStalledSinkNeverBlocksTheWriterAndLossIsCounted() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        OutputStream stalled = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                written.write(b, off, len);
            }
        };
        SerialOutput out = new SerialOutput(stalled, "test-serial");
        int total = 3 * SerialOutput.CAPACITY;
        for (int i = 0; i < total; i++) {
            out.write('x'); // returns at once even though the sink is stuck
        }
        assertTrue(out.dropped() >= total - SerialOutput.CAPACITY - 4096, () -> "dropped " + out.dropped());
        release.countDown();
        out.close();
        assertEquals(total - out.dropped(), written.size());
    }
}
