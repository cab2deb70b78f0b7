package dev.jvmm.devmodel.memory;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The PC layout with more than 3 GiB: RAM below the PCI hole [3 GiB, 4 GiB) and the rest from
 * 4 GiB. The mappings are NORESERVE, so only the pages the tests touch are ever backed.
 */
class GuestMemoryPcLayoutTest {
    static final long GIB = 1L << 30;
    static final long SIZE = 4 * GIB + 64L * 4096; // 3 GiB low + 1 GiB and 64 pages high
    static final long HOLE = 0xC000_0000L;
    static final long FOUR_GIB = 0x1_0000_0000L;

    static GuestMemory mem;

    @BeforeAll
    static void map() {
        mem = GuestMemory.pcLayout(SIZE);
    }

    @AfterAll
    static void unmap() {
        mem.close();
    }

    static void assertOutside(long gpa, org.junit.jupiter.api.function.Executable access) {
        assertEquals(gpa, assertThrows(GuestMemoryException.class, access).gpa());
    }

    @Test
    void constantsMatchThePcMemoryMap() {
        assertEquals(HOLE, GuestMemory.PCI_HOLE_START);
        assertEquals(FOUR_GIB, GuestMemory.FOUR_GIB);
    }

    @Test
    void splitsAtThreeGibAndResumesAtFourGib() {
        List<MemoryRegion> rs = mem.regions();
        assertEquals(2, rs.size());
        assertEquals(0, rs.get(0).gpa());
        assertEquals(HOLE, rs.get(0).size());
        assertEquals(FOUR_GIB, rs.get(1).gpa());
        assertEquals(SIZE - HOLE, rs.get(1).size());
        assertEquals(SIZE, mem.totalSize(), "the hole does not eat RAM: it is relocated above 4 GiB");
        assertNotEquals(rs.get(0).slot(), rs.get(1).slot());
    }

    @Test
    void pciHoleIsNotRam() {
        for (long gpa : new long[] {HOLE, HOLE + 0x1000, 0xFEC0_0000L, 0xFEE0_0000L, FOUR_GIB - 1}) {
            assertFalse(mem.isRam(gpa, 1), Long.toHexString(gpa));
            assertOutside(gpa, () -> mem.readByte(gpa));
            assertOutside(gpa, () -> mem.writeInt(gpa, 0));
        }
    }

    @Test
    void accessesStraddlingTheHoleEdgesThrow() {
        assertOutside(HOLE - 2, () -> mem.readInt(HOLE - 2));
        assertOutside(HOLE - 1, () -> mem.writeShort(HOLE - 1, 0));
        assertOutside(FOUR_GIB - 4, () -> mem.readLong(FOUR_GIB - 4));
        assertOutside(HOLE - 8, () -> mem.read(HOLE - 8, 16));
    }

    @Test
    void ramRightBelowTheHoleAndAtFourGibWorks() {
        mem.writeLong(HOLE - 8, 0x0123_4567_89AB_CDEFL);
        assertEquals(0x0123_4567_89AB_CDEFL, mem.readLong(HOLE - 8));
        mem.writeLong(FOUR_GIB, 0x7766_5544_3322_1100L);
        assertEquals(0x7766_5544_3322_1100L, mem.readLong(FOUR_GIB));
        assertEquals((byte) 0x00, mem.readByte(FOUR_GIB));
        assertEquals((byte) 0x77, mem.readByte(FOUR_GIB + 7));
        assertEquals(mem.regions().get(1).hostAddress(), mem.hostAddress(FOUR_GIB, 8));
    }

    @Test
    void endOfRamAboveFourGibIsEnforced() {
        long end = FOUR_GIB + (SIZE - HOLE);
        mem.writeByte(end - 1, 0x11);
        assertEquals((byte) 0x11, mem.readByte(end - 1));
        assertOutside(end, () -> mem.readByte(end));
        assertOutside(end - 2, () -> mem.readInt(end - 2));
    }

    @Test
    void writesAboveFourGibDirtyPagesOfTheHighRegion() {
        MemoryRegion lowRegion = mem.regions().get(0);
        MemoryRegion highRegion = mem.regions().get(1);
        lowRegion.fetchAndClearVmmDirty();
        highRegion.fetchAndClearVmmDirty();
        mem.writeByte(FOUR_GIB + 3 * 4096 + 5, 1);
        long[] high = highRegion.fetchAndClearVmmDirty();
        assertEquals(1L << 3, high[0]);
        for (int i = 1; i < high.length; i++) {
            assertEquals(0, high[i]);
        }
        for (long w : lowRegion.fetchAndClearVmmDirty()) {
            assertEquals(0, w);
        }
    }

    @Test
    void failedWriteIntoTheHoleDirtiesNothing() {
        MemoryRegion lowRegion = mem.regions().get(0);
        lowRegion.fetchAndClearVmmDirty();
        assertThrows(GuestMemoryException.class, () -> mem.writeLong(HOLE - 4, 0));
        for (long w : lowRegion.fetchAndClearVmmDirty()) {
            assertEquals(0, w);
        }
    }

    @Test
    void smallLayoutHasOneRegionAndNoHighRam() {
        try (GuestMemory m = GuestMemory.pcLayout(16L << 20)) {
            assertEquals(1, m.regions().size());
            assertEquals(16L << 20, m.regions().get(0).size());
            assertFalse(m.isRam(FOUR_GIB, 1));
        }
    }

    @Test
    void exactlyThreeGibFitsBelowTheHole() {
        try (GuestMemory m = GuestMemory.pcLayout(HOLE)) {
            assertEquals(1, m.regions().size());
            assertEquals(HOLE, m.regions().get(0).end());
        }
    }

    @Test
    void onePageMoreThanThreeGibGoesToFourGib() {
        try (GuestMemory m = GuestMemory.pcLayout(HOLE + 4096)) {
            assertEquals(2, m.regions().size());
            assertEquals(FOUR_GIB, m.regions().get(1).gpa());
            assertEquals(4096, m.regions().get(1).size());
        }
    }

    @Test
    void layoutSizeMustBeAtLeastOneMibAndPageAligned() {
        assertThrows(IllegalArgumentException.class, () -> GuestMemory.pcLayout((1L << 20) - 4096));
        assertThrows(IllegalArgumentException.class, () -> GuestMemory.pcLayout((16L << 20) + 1));
        assertThrows(IllegalArgumentException.class, () -> GuestMemory.pcLayout(0));
        assertThrows(IllegalArgumentException.class, () -> GuestMemory.pcLayout(-4096));
    }
}
