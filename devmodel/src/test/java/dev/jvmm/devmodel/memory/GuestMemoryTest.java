package dev.jvmm.devmodel.memory;

import static org.junit.jupiter.api.Assertions.*;

import dev.jvmm.ffi.Native;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Guest RAM made of two regions with a gap: [0x0, 1 MiB) and [2 MiB, 2 MiB + 64 KiB). */
class GuestMemoryTest {
    static final long LOW_SIZE = 1L << 20;
    static final long HIGH_BASE = 2L << 20;
    static final long HIGH_SIZE = 64L << 10;
    static final long PAGE = MemoryRegion.PAGE_SIZE;

    GuestMemory mem;

    @BeforeEach
    void map() {
        mem = GuestMemory.of(0, LOW_SIZE, HIGH_BASE, HIGH_SIZE);
    }

    @AfterEach
    void unmap() {
        mem.close();
    }

    MemoryRegion low() {
        return mem.regions().get(0);
    }

    MemoryRegion high() {
        return mem.regions().get(1);
    }

    /** The page numbers set in a dirty bitmap (one bit per page, 64 pages per word). */
    static List<Long> pages(long[] bitmap) {
        java.util.ArrayList<Long> out = new java.util.ArrayList<>();
        for (int w = 0; w < bitmap.length; w++) {
            for (int b = 0; b < 64; b++) {
                if ((bitmap[w] & (1L << b)) != 0) {
                    out.add(w * 64L + b);
                }
            }
        }
        return out;
    }

    static void assertOutside(long gpa, Executable access) {
        GuestMemoryException e = assertThrows(GuestMemoryException.class, access);
        assertEquals(gpa, e.gpa(), "exception carries the offending address");
        assertTrue(e.getMessage().contains(Long.toHexString(gpa)), e.getMessage());
    }

    void clearDirty() {
        for (MemoryRegion r : mem.regions()) {
            r.fetchAndClearVmmDirty();
        }
    }

    // ---- layout -------------------------------------------------------------------------------

    @Test
    void regionsAreSortedByAddressAndSizesAddUp() {
        GuestMemory m = GuestMemory.of(HIGH_BASE, HIGH_SIZE, 0, LOW_SIZE);
        try {
            assertEquals(0, m.regions().get(0).gpa());
            assertEquals(HIGH_BASE, m.regions().get(1).gpa());
            assertEquals(LOW_SIZE + HIGH_SIZE, m.totalSize());
            assertEquals(HIGH_BASE + HIGH_SIZE, m.regions().get(1).end());
            assertEquals(HIGH_SIZE / PAGE, m.regions().get(1).pageCount());
        } finally {
            m.close();
        }
    }

    @Test
    void overlappingRegionsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> GuestMemory.of(0, 2 * PAGE, PAGE, PAGE));
    }

    @Test
    void unalignedRegionIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> GuestMemory.of(0x800, PAGE));
        assertThrows(IllegalArgumentException.class, () -> GuestMemory.of(0, PAGE + 1));
        assertThrows(IllegalArgumentException.class, () -> GuestMemory.of(0, 0));
    }

    @Test
    void isRamAndRegionForCoverWholeRangesOnly() {
        assertTrue(mem.isRam(0, LOW_SIZE));
        assertFalse(mem.isRam(0, LOW_SIZE + 1));
        assertSame(high(), mem.regionFor(HIGH_BASE + 0x10, 0x20));
        assertNull(mem.regionFor(LOW_SIZE, 1));
        assertNull(mem.regionFor(LOW_SIZE - 1, HIGH_BASE)); // spans the gap
    }

    // ---- typed accesses -----------------------------------------------------------------------

    @Test
    void intWriteIsLittleEndianInMemory() {
        mem.writeInt(0x100, 0x11223344);
        assertEquals((byte) 0x44, mem.readByte(0x100));
        assertEquals((byte) 0x33, mem.readByte(0x101));
        assertEquals((byte) 0x22, mem.readByte(0x102));
        assertEquals((byte) 0x11, mem.readByte(0x103));
        assertEquals((short) 0x3344, mem.readShort(0x100));
        assertEquals((short) 0x1122, mem.readShort(0x102));
        assertEquals(0x11223344, mem.readInt(0x100));
    }

    @Test
    void longWriteIsLittleEndianAndRoundTrips() {
        mem.writeLong(0x200, 0x8877_6655_4433_2211L);
        assertArrayEquals(new byte[] {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, (byte) 0x88}, mem.read(0x200, 8));
        assertEquals(0x8877_6655_4433_2211L, mem.readLong(0x200));
        assertEquals(0x4433_2211, mem.readInt(0x200));
        assertEquals(0x8877_6655, mem.readInt(0x204));
    }

    @Test
    void shortAndByteWritesKeepOnlyTheirLowBits() {
        mem.writeLong(0x300, 0);
        mem.writeShort(0x300, 0xABCD_1234);
        mem.writeByte(0x302, 0x1FE);
        assertEquals(0x00FE_1234L, mem.readLong(0x300));
    }

    @Test
    void unalignedAccessesRoundTrip() {
        mem.writeLong(0x401, 0x0102_0304_0506_0708L);
        assertEquals(0x0102_0304_0506_0708L, mem.readLong(0x401));
        assertEquals((byte) 0x08, mem.readByte(0x401));
        assertEquals((byte) 0x01, mem.readByte(0x408));
        mem.writeInt(0x0FFE, 0xCAFEBABE); // crosses a page boundary
        assertEquals(0xCAFEBABE, mem.readInt(0x0FFE));
    }

    @Test
    void byteArraysRoundTripWithOffsets() {
        byte[] src = {9, 8, 7, 6, 5, 4};
        mem.write(HIGH_BASE + 0x10, src, 2, 3);
        byte[] dst = new byte[5];
        mem.read(HIGH_BASE + 0x10, dst, 1, 3);
        assertArrayEquals(new byte[] {0, 7, 6, 5, 0}, dst);
        mem.write(0x20, src);
        assertArrayEquals(src, mem.read(0x20, src.length));
    }

    @Test
    void fillSetsEveryByteOfTheRange() {
        mem.fill(0x1000, 0x2000, (byte) 0xA5);
        assertEquals((byte) 0xA5, mem.readByte(0x1000));
        assertEquals((byte) 0xA5, mem.readByte(0x2FFF));
        assertEquals((byte) 0, mem.readByte(0x0FFF));
        assertEquals((byte) 0, mem.readByte(0x3000));
    }

    @Test
    void regionsAreIndependentMemory() {
        mem.writeLong(0, 0x1111_1111_1111_1111L);
        mem.writeLong(HIGH_BASE, 0x2222_2222_2222_2222L);
        assertEquals(0x1111_1111_1111_1111L, mem.readLong(0));
        assertEquals(0x2222_2222_2222_2222L, mem.readLong(HIGH_BASE));
    }

    @Test
    void lastBytesOfEachRegionAreAccessible() {
        mem.writeLong(LOW_SIZE - 8, -2L);
        assertEquals(-2L, mem.readLong(LOW_SIZE - 8));
        mem.writeByte(HIGH_BASE + HIGH_SIZE - 1, 0x7E);
        assertEquals((byte) 0x7E, mem.readByte(HIGH_BASE + HIGH_SIZE - 1));
    }

    // ---- accesses outside RAM -----------------------------------------------------------------

    @ParameterizedTest(name = "gpa 0x{0}")
    @ValueSource(longs = {LOW_SIZE, LOW_SIZE + 0x800, HIGH_BASE - 1, HIGH_BASE + HIGH_SIZE, 1L << 40,
        Long.MAX_VALUE, -1L, Long.MIN_VALUE, 0xFFFF_FFFF_FFFF_F000L})
    void everyTypedAccessOutsideRamThrowsWithTheAddress(long gpa) {
        assertOutside(gpa, () -> mem.readByte(gpa));
        assertOutside(gpa, () -> mem.readShort(gpa));
        assertOutside(gpa, () -> mem.readInt(gpa));
        assertOutside(gpa, () -> mem.readLong(gpa));
        assertOutside(gpa, () -> mem.writeByte(gpa, 1));
        assertOutside(gpa, () -> mem.writeShort(gpa, 1));
        assertOutside(gpa, () -> mem.writeInt(gpa, 1));
        assertOutside(gpa, () -> mem.writeLong(gpa, 1));
        assertOutside(gpa, () -> mem.read(gpa, 1));
        assertOutside(gpa, () -> mem.write(gpa, new byte[1]));
        assertOutside(gpa, () -> mem.fill(gpa, 1, (byte) 0));
        assertOutside(gpa, () -> mem.hostAddress(gpa, 1));
    }

    @Test
    void accessStraddlingTheEndOfARegionThrows() {
        assertOutside(LOW_SIZE - 1, () -> mem.readShort(LOW_SIZE - 1));
        assertOutside(LOW_SIZE - 2, () -> mem.readInt(LOW_SIZE - 2));
        assertOutside(LOW_SIZE - 7, () -> mem.readLong(LOW_SIZE - 7));
        assertOutside(LOW_SIZE - 4, () -> mem.writeLong(LOW_SIZE - 4, 0));
        assertOutside(HIGH_BASE + HIGH_SIZE - 1, () -> mem.writeShort(HIGH_BASE + HIGH_SIZE - 1, 0));
        assertOutside(LOW_SIZE - 4, () -> mem.read(LOW_SIZE - 4, 8));
        assertOutside(LOW_SIZE - 4, () -> mem.write(LOW_SIZE - 4, new byte[8]));
        assertOutside(LOW_SIZE - 4, () -> mem.fill(LOW_SIZE - 4, 8, (byte) 1));
    }

    @Test
    void accessStraddlingTheStartOfARegionThrows() {
        assertOutside(HIGH_BASE - 1, () -> mem.readShort(HIGH_BASE - 1));
        assertOutside(HIGH_BASE - 4, () -> mem.writeLong(HIGH_BASE - 4, 0));
    }

    @Test
    void rangeSpanningTwoRegionsAndTheGapThrows() {
        assertOutside(LOW_SIZE - PAGE, () -> mem.read(LOW_SIZE - PAGE, (int) (HIGH_BASE - LOW_SIZE + 2 * PAGE)));
    }

    @Test
    void failedWriteStraddlingTheEndChangesNothing() {
        mem.writeInt(LOW_SIZE - 4, 0x01020304);
        assertThrows(GuestMemoryException.class, () -> mem.writeLong(LOW_SIZE - 4, -1L));
        assertEquals(0x01020304, mem.readInt(LOW_SIZE - 4));
    }

    @Test
    void hugeLengthsAreRefused() {
        GuestMemoryException e = assertThrows(GuestMemoryException.class, () -> mem.fill(0, Long.MAX_VALUE, (byte) 0));
        assertEquals(0, e.gpa());
        assertEquals(Long.MAX_VALUE, e.length());
        assertOutside(0x1000, () -> mem.hostAddress(0x1000, Long.MAX_VALUE));
        assertOutside(0x1000, () -> mem.hostAddress(0x1000, LOW_SIZE)); // one page too many
        assertFalse(mem.isRam(0, -1L >>> 1));
        // gpa + len overflows to a small number: must not wrap into RAM.
        assertOutside(LOW_SIZE - 8, () -> mem.hostAddress(LOW_SIZE - 8, Long.MAX_VALUE - 4));
        assertOutside(Long.MAX_VALUE - 4, () -> mem.hostAddress(Long.MAX_VALUE - 4, 16));
    }

    @Test
    void negativeLengthsAreRefused() {
        GuestMemoryException e = assertThrows(GuestMemoryException.class, () -> mem.fill(0x1000, -1, (byte) 0));
        assertEquals(0x1000, e.gpa());
        assertEquals(-1, e.length());
        assertOutside(0x1000, () -> mem.hostAddress(0x1000, -8));
        assertOutside(0x1000, () -> mem.hostAddress(0x1000, Long.MIN_VALUE));
        assertFalse(mem.isRam(0x1000, -1));
        assertThrows(IndexOutOfBoundsException.class, () -> mem.read(0x1000, new byte[8], 0, -1));
        assertThrows(IndexOutOfBoundsException.class, () -> mem.write(0x1000, new byte[8], 0, -1));
        assertEquals(0, mem.readByte(0x0FFF), "nothing written below the range");
    }

    @Test
    void arrayBoundsAreCheckedBeforeTouchingGuestMemory() {
        assertThrows(IndexOutOfBoundsException.class, () -> mem.write(0, new byte[4], 2, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> mem.read(0, new byte[4], 3, 2));
        assertEquals(0, mem.readInt(0));
    }

    // ---- host addresses -----------------------------------------------------------------------

    @Test
    void hostAddressPointsAtTheGuestBytes() {
        long h = mem.hostAddress(HIGH_BASE + 0x123, 4);
        assertEquals(high().hostAddress() + 0x123, h);
        mem.writeInt(HIGH_BASE + 0x123, 0x5566_7788);
        assertEquals(0x5566_7788, Native.UNSAFE.getInt(h));
        Native.UNSAFE.putByte(mem.hostAddress(0x10, 1), (byte) 0x3C);
        assertEquals((byte) 0x3C, mem.readByte(0x10));
    }

    @Test
    void hostAddressAcceptsExactlyTheRegion() {
        assertEquals(low().hostAddress(), mem.hostAddress(0, LOW_SIZE));
        assertEquals(high().hostAddress() + HIGH_SIZE - 1, mem.hostAddress(HIGH_BASE + HIGH_SIZE - 1, 1));
        assertOutside(HIGH_BASE, () -> mem.hostAddress(HIGH_BASE, HIGH_SIZE + 1));
        assertOutside(HIGH_BASE - PAGE, () -> mem.hostAddress(HIGH_BASE - PAGE, 2 * PAGE));
    }

    // ---- VMM dirty bitmap ---------------------------------------------------------------------

    @Test
    void freshMemoryHasNoDirtyPages() {
        assertEquals(List.of(), pages(low().fetchAndClearVmmDirty()));
        assertEquals(List.of(), pages(high().fetchAndClearVmmDirty()));
    }

    @Test
    void writeMarksExactlyItsPageDirty() {
        mem.writeByte(5 * PAGE + 7, 1);
        mem.writeLong(70 * PAGE, 1); // page 70 lives in the second word of the bitmap
        assertEquals(List.of(5L, 70L), pages(low().fetchAndClearVmmDirty()));
        assertEquals(List.of(), pages(high().fetchAndClearVmmDirty()));
    }

    @Test
    void writeStraddlingTwoPagesMarksBoth() {
        mem.writeInt(3 * PAGE - 2, 0x12345678);
        assertEquals(List.of(2L, 3L), pages(low().fetchAndClearVmmDirty()));
        mem.writeLong(64 * PAGE - 4, 0); // straddles pages 63 and 64: across a bitmap word
        assertEquals(List.of(63L, 64L), pages(low().fetchAndClearVmmDirty()));
    }

    @Test
    void writesAreDirtiedInTheRegionTheyHitRelativeToItsBase() {
        mem.writeShort(HIGH_BASE + 2 * PAGE, 1);
        assertEquals(List.of(2L), pages(high().fetchAndClearVmmDirty()));
        assertEquals(List.of(), pages(low().fetchAndClearVmmDirty()));
    }

    @Test
    void everyWriteKindDirties() {
        mem.writeByte(1 * PAGE, 1);
        mem.writeShort(2 * PAGE, 1);
        mem.writeInt(3 * PAGE, 1);
        mem.writeLong(4 * PAGE, 1);
        mem.write(6 * PAGE + 100, new byte[10]);
        mem.fill(8 * PAGE + 1, 2 * PAGE, (byte) 0); // pages 8, 9 and 10
        mem.markDirty(12 * PAGE, 1);
        assertEquals(List.of(1L, 2L, 3L, 4L, 6L, 8L, 9L, 10L, 12L), pages(low().fetchAndClearVmmDirty()));
    }

    @Test
    void fetchAndClearClears() {
        mem.writeByte(0, 1);
        assertEquals(List.of(0L), pages(low().fetchAndClearVmmDirty()));
        assertEquals(List.of(), pages(low().fetchAndClearVmmDirty()));
        mem.writeByte(0, 2);
        assertEquals(List.of(0L), pages(low().fetchAndClearVmmDirty()), "a page written again is dirty again");
    }

    @Test
    void bitmapHasOneBitPerPage() {
        assertEquals(LOW_SIZE / PAGE / 64, low().fetchAndClearVmmDirty().length);
        assertEquals(1, high().fetchAndClearVmmDirty().length); // 16 pages round up to one word
    }

    @Test
    void readsDoNotDirty() {
        mem.writeLong(PAGE, 1);
        clearDirty();
        mem.readByte(PAGE);
        mem.readShort(PAGE);
        mem.readInt(PAGE);
        mem.readLong(PAGE);
        mem.read(0, (int) (4 * PAGE));
        mem.hostAddress(0, LOW_SIZE);
        mem.isRam(0, PAGE);
        assertEquals(List.of(), pages(low().fetchAndClearVmmDirty()));
    }

    @Test
    void failedWritesDoNotDirty() {
        assertThrows(GuestMemoryException.class, () -> mem.writeLong(LOW_SIZE - 4, 0));
        assertThrows(GuestMemoryException.class, () -> mem.fill(HIGH_BASE - PAGE, 2 * PAGE, (byte) 0));
        mem.markDirty(LOW_SIZE - 4, 8); // not RAM: ignored
        assertEquals(List.of(), pages(low().fetchAndClearVmmDirty()));
        assertEquals(List.of(), pages(high().fetchAndClearVmmDirty()));
    }

    @Test
    void emptyWriteDirtiesNothing() {
        mem.write(PAGE, new byte[0]);
        mem.fill(PAGE, 0, (byte) 1);
        assertEquals(List.of(), pages(low().fetchAndClearVmmDirty()));
    }

    @Test
    void lastPageOfARegionCanBeDirtied() {
        mem.writeByte(LOW_SIZE - 1, 1);
        assertEquals(List.of(LOW_SIZE / PAGE - 1), pages(low().fetchAndClearVmmDirty()));
    }

    // ---- close --------------------------------------------------------------------------------

    @Test
    void closeIsIdempotent() {
        GuestMemory m = GuestMemory.of(0, PAGE);
        m.close();
        assertDoesNotThrow(m::close);
    }

    @Test
    void accessAfterCloseFailsInsteadOfTouchingUnmappedMemory() {
        GuestMemory m = GuestMemory.of(0, PAGE);
        m.writeInt(0, 1);
        m.close();
        assertThrows(IllegalStateException.class, () -> m.readInt(0));
        assertThrows(IllegalStateException.class, () -> m.writeInt(0, 2));
        assertThrows(IllegalStateException.class, () -> m.hostAddress(0, 1));
    }
}
