package dev.jvmm.devmodel.devices.testdev;

import static org.junit.jupiter.api.Assertions.*;

import dev.jvmm.devmodel.bus.BusDevice;
import dev.jvmm.devmodel.bus.MmioBus;
import dev.jvmm.devmodel.bus.PortIoBus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TestDeviceTest {
    static final long BASE = TestDevice.MMIO_BASE;
    static final int SIZE = TestDevice.MMIO_SIZE;
    static final int PORT = TestDevice.FIFO_PORT;

    final TestDevice dev = new TestDevice();
    final MmioBus mmio = new MmioBus();
    final PortIoBus pio = new PortIoBus();

    TestDeviceTest() {
        mmio.register(BASE, SIZE, dev.mmio());
        pio.register(PORT, 1, dev.port());
    }

    static long ones(int size) {
        return size == 8 ? -1L : (1L << (8 * size)) - 1;
    }

    @Test
    void windowIsFourKibibytes() {
        assertEquals(0x1000, SIZE);
    }

    @Test
    void freshWindowReadsZero() {
        assertEquals(0, mmio.read(BASE, 8));
        assertEquals(0, mmio.read(BASE + SIZE - 8, 8));
    }

    @ParameterizedTest(name = "width {0}")
    @ValueSource(ints = {1, 2, 4, 8})
    void eachWidthRoundTripsAtAlignedOffsets(int size) {
        long v = 0xF1E2_D3C4_B5A6_9788L & ones(size);
        for (long off = 0; off < SIZE; off += 0x100) {
            mmio.write(BASE + off, size, v);
            assertEquals(v, mmio.read(BASE + off, size), "offset 0x" + Long.toHexString(off));
        }
    }

    @ParameterizedTest(name = "width {0}")
    @ValueSource(ints = {2, 4, 8})
    void eachWidthRoundTripsUnaligned(int size) {
        long v = 0x0102_0304_0506_0708L & ones(size);
        for (long off : new long[] {1, 3, 0x7FF, SIZE - size}) {
            mmio.write(BASE + off, size, v);
            assertEquals(v, mmio.read(BASE + off, size), "offset 0x" + Long.toHexString(off));
        }
    }

    @Test
    void multiByteWritesAreLittleEndian() {
        mmio.write(BASE + 3, 8, 0x1122_3344_5566_7788L);
        assertEquals(0x88, mmio.read(BASE + 3, 1));
        assertEquals(0x77, mmio.read(BASE + 4, 1));
        assertEquals(0x11, mmio.read(BASE + 10, 1));
        assertEquals(0x5566, mmio.read(BASE + 5, 2));
        assertEquals(0x5566_7788L, mmio.read(BASE + 3, 4));
        assertEquals(0x1122_3344L, mmio.read(BASE + 7, 4));
        assertEquals(0, mmio.read(BASE + 2, 1), "neighbours untouched");
        assertEquals(0, mmio.read(BASE + 11, 1));
    }

    @Test
    void narrowWriteChangesOnlyItsBytes() {
        mmio.write(BASE, 8, -1L);
        mmio.write(BASE + 2, 2, 0);
        assertEquals(0xFFFF_FFFF_0000_FFFFL, mmio.read(BASE, 8));
        mmio.write(BASE + 7, 1, 0x12);
        assertEquals(0x12FF_FFFF_0000_FFFFL, mmio.read(BASE, 8));
    }

    @Test
    void bytesWrittenSeparatelyReadAsOneWord() {
        for (int i = 0; i < 4; i++) {
            mmio.write(BASE + 0x20 + i, 1, 0xA0 + i);
        }
        assertEquals(0xA3A2_A1A0L, mmio.read(BASE + 0x20, 4));
    }

    @Test
    void lastBytesOfTheWindowAreUsable() {
        mmio.write(BASE + SIZE - 8, 8, 0x0807_0605_0403_0201L);
        assertEquals(0x08, mmio.read(BASE + SIZE - 1, 1));
        assertEquals(0x0807_0605_0403_0201L, mmio.read(BASE + SIZE - 8, 8));
    }

    @Test
    void accessCrossingTheWindowEndIsIgnoredAndReadsAllOnes() {
        mmio.write(BASE + SIZE - 4, 4, 0x4433_2211L);
        mmio.write(BASE + SIZE - 2, 4, 0xDDCC_BBAAL); // would spill two bytes past the end
        assertEquals(0x4433_2211L, mmio.read(BASE + SIZE - 4, 4), "the partial write changed nothing");
        assertEquals(0xFFFF_FFFFL, mmio.read(BASE + SIZE - 2, 4));
        assertEquals(-1L, mmio.read(BASE + SIZE - 1, 8));
    }

    @Test
    void accessPastTheWindowIsUnclaimed() {
        assertEquals(0xFF, mmio.read(BASE + SIZE, 1));
        assertEquals(1, mmio.unclaimedReads());
    }

    @Test
    void deviceIgnoresOffsetsOutsideItsWindowWhenCalledDirectly() {
        BusDevice m = dev.mmio();
        m.write(SIZE, 1, 0x55);
        m.write(-1, 1, 0x55);
        m.write(Long.MAX_VALUE, 8, 0x55);
        m.write(0x1_0000_0000L, 1, 0x55); // must not alias offset 0
        assertEquals(0, m.read(0, 8));
        assertEquals(0xFF, m.read(SIZE, 1) & 0xFF);
        assertEquals(0xFF, m.read(-1, 1) & 0xFF);
        assertEquals(0xFF, m.read(0x1_0000_0000L, 1) & 0xFF);
    }

    // ---- port FIFO --------------------------------------------------------------------------------

    @Test
    void emptyFifoReadsFf() {
        assertEquals(0xFF, pio.read(PORT, 1));
    }

    @Test
    void fifoReturnsBytesInOrderThenFf() {
        pio.write(PORT, 1, 0x01);
        pio.write(PORT, 1, 0x02);
        pio.write(PORT, 1, 0xFF);
        pio.write(PORT, 1, 0x00);
        assertEquals(0x01, pio.read(PORT, 1));
        assertEquals(0x02, pio.read(PORT, 1));
        assertEquals(0xFF, pio.read(PORT, 1));
        assertEquals(0x00, pio.read(PORT, 1));
        assertEquals(0xFF, pio.read(PORT, 1));
    }

    @Test
    void fifoStoresOnlyTheLowByte() {
        pio.write(PORT, 2, 0xABCD);
        dev.port().write(0, 1, 0x1_23);
        assertEquals(0xCD, pio.read(PORT, 1));
        assertEquals(0x23, pio.read(PORT, 1));
    }

    @Test
    void fifoIsBoundedAndKeepsTheOldestBytes() {
        int limit = TestDevice.FIFO_LIMIT;
        for (int i = 0; i < limit + 100; i++) {
            pio.write(PORT, 1, i & 0xFF);
        }
        byte[] f = dev.state().fifo();
        assertEquals(limit, f.length, "the FIFO stops growing at its limit");
        for (int i = 0; i < limit; i++) {
            assertEquals(i & 0xFF, pio.read(PORT, 1), "byte " + i);
        }
        assertEquals(0xFF, pio.read(PORT, 1), "the bytes past the limit were dropped");
    }

    @Test
    void fifoLimitIsSmallEnoughToBoundHostMemory() {
        assertTrue(TestDevice.FIFO_LIMIT > 0 && TestDevice.FIFO_LIMIT <= 1 << 20);
    }

    @Test
    void fifoAcceptsAgainAfterDraining() {
        int limit = TestDevice.FIFO_LIMIT;
        for (int i = 0; i < limit; i++) {
            pio.write(PORT, 1, 1);
        }
        pio.read(PORT, 1);
        pio.write(PORT, 1, 0x77);
        assertEquals(limit, dev.state().fifo().length);
        for (int i = 0; i < limit - 1; i++) {
            pio.read(PORT, 1);
        }
        assertEquals(0x77, pio.read(PORT, 1));
    }

    @Test
    void mmioAndFifoAreIndependent() {
        pio.write(PORT, 1, 0x42);
        assertEquals(0, mmio.read(BASE, 1));
        mmio.write(BASE, 1, 0x43);
        assertEquals(0x42, pio.read(PORT, 1));
    }

    // ---- save and restore -------------------------------------------------------------------------

    @Test
    void stateRoundTripKeepsWindowAndFifo() {
        mmio.write(BASE + 0x10, 8, 0x0123_4567_89AB_CDEFL);
        mmio.write(BASE + SIZE - 1, 1, 0x5A);
        pio.write(PORT, 1, 'a');
        pio.write(PORT, 1, 'b');

        TestDevice copy = new TestDevice();
        copy.restore(dev.state());
        assertEquals(0x0123_4567_89AB_CDEFL, copy.mmio().read(0x10, 8));
        assertEquals(0x5A, copy.mmio().read(SIZE - 1, 1));
        assertEquals('a', copy.port().read(0, 1));
        assertEquals('b', copy.port().read(0, 1));
        assertEquals(0xFF, copy.port().read(0, 1));
        assertEquals('a', pio.read(PORT, 1), "taking the state does not consume the FIFO");
    }

    @Test
    void stateHasTheWholeWindow() {
        assertEquals(SIZE, dev.state().scratch().length);
    }

    @Test
    void restoreReplacesTheFifo() {
        pio.write(PORT, 1, 1);
        dev.restore(new TestDeviceState(new byte[SIZE], new byte[] {9}));
        assertEquals(9, pio.read(PORT, 1));
        assertEquals(0xFF, pio.read(PORT, 1));
    }

    @Test
    void restoreOfAnOversizedFifoIsBounded() {
        byte[] big = new byte[TestDevice.FIFO_LIMIT + 10];
        dev.restore(new TestDeviceState(new byte[SIZE], big));
        assertEquals(TestDevice.FIFO_LIMIT, dev.state().fifo().length);
    }

    @Test
    void stateIsASnapshot() {
        mmio.write(BASE, 1, 1);
        TestDeviceState s = dev.state();
        mmio.write(BASE, 1, 2);
        s.scratch()[0] = 3;
        TestDevice copy = new TestDevice();
        copy.restore(s);
        assertEquals(1, copy.mmio().read(0, 1));
    }
}
