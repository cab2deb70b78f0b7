package dev.jvmm.devmodel.bus;

import static dev.jvmm.devmodel.bus.RecordingDevice.readOf;
import static dev.jvmm.devmodel.bus.RecordingDevice.writeOf;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MmioBusTest {
    static final long TOP_PAGE = 0xFFFF_FFFF_FFFF_F000L;
    static final long IOAPIC = 0xFEC0_0000L;
    static final long LAPIC = 0xFEE0_0000L;

    final MmioBus bus = new MmioBus();

    @Test
    void readIsDispatchedWithOffsetRelativeToTheBase() {
        RecordingDevice d = new RecordingDevice(0x1234);
        bus.register(IOAPIC, 0x1000, d);
        assertEquals(0x1234, bus.read(IOAPIC + 0x10, 4));
        assertEquals(List.of(readOf(0x10, 4)), d.accesses);
    }

    @Test
    void writeIsDispatchedWithOffsetRelativeToTheBase() {
        RecordingDevice d = new RecordingDevice();
        bus.register(LAPIC, 0x1000, d);
        bus.write(LAPIC + 0xB0, 4, 0);
        bus.write(LAPIC + 0xFF8, 8, 0x0102_0304_0506_0708L);
        assertEquals(List.of(writeOf(0xB0, 4, 0), writeOf(0xFF8, 8, 0x0102_0304_0506_0708L)), d.accesses);
    }

    @Test
    void firstAndLastByteOfARangeAreClaimedAndNeighboursAreNot() {
        RecordingDevice d = new RecordingDevice(0);
        bus.register(0x1000, 0x100, d);
        bus.read(0x1000, 1);
        bus.read(0x10FF, 1);
        assertEquals(0xFF, bus.read(0x0FFF, 1));
        assertEquals(0xFF, bus.read(0x1100, 1));
        assertEquals(List.of(readOf(0, 1), readOf(0xFF, 1)), d.accesses);
        assertEquals(2, bus.unclaimedReads());
    }

    @Test
    void lookupFindsTheRightDeviceAmongManyRegisteredInAnyOrder() {
        List<Long> bases = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            bases.add(0x1000_0000L + i * 0x3000L); // 0x1000 gaps between 0x2000 ranges
        }
        Collections.shuffle(bases, new Random(42));
        List<RecordingDevice> devices = new ArrayList<>();
        for (long b : bases) {
            RecordingDevice d = new RecordingDevice(b);
            devices.add(d);
            bus.register(b, 0x2000, d);
        }
        for (long b : bases) {
            assertEquals(b, bus.read(b, 8));
            assertEquals(b, bus.read(b + 0x1FFF, 8));
            assertEquals(-1L, bus.read(b + 0x2000, 8), "gap after 0x" + Long.toHexString(b));
        }
        for (RecordingDevice d : devices) {
            assertEquals(List.of(readOf(0, 8), readOf(0x1FFF, 8)), d.accesses);
        }
    }

    @ParameterizedTest(name = "size {0} reads 0x{1}")
    @CsvSource({"1, FF", "2, FFFF", "4, FFFFFFFF", "8, FFFFFFFFFFFFFFFF"})
    void unclaimedReadReturnsAllOnesOfTheAccessSize(int size, String hexOnes) {
        bus.register(IOAPIC, 0x1000, new RecordingDevice(0));
        assertEquals(Long.parseUnsignedLong(hexOnes, 16), bus.read(0xD000_0000L, size));
        assertEquals(1, bus.unclaimedReads());
    }

    @Test
    void unclaimedWriteIsCountedAndDropped() {
        RecordingDevice d = new RecordingDevice();
        bus.register(IOAPIC, 0x1000, d);
        bus.write(IOAPIC + 0x1000, 4, 1);
        bus.write(IOAPIC - 4, 4, 1);
        assertEquals(2, bus.unclaimedWrites());
        assertTrue(d.accesses.isEmpty());
    }

    @Test
    void emptyBusIsAllUnclaimed() {
        assertEquals(0xFFFF_FFFFL, bus.read(0, 4));
        bus.write(0, 4, 0);
        assertEquals(1, bus.unclaimedReads());
        assertEquals(1, bus.unclaimedWrites());
    }

    @ParameterizedTest(name = "size {0}")
    @ValueSource(ints = {0, 3, 6, 16, -8})
    void invalidSizesAreTreatedAsUnclaimed(int size) {
        RecordingDevice d = new RecordingDevice(0);
        bus.register(IOAPIC, 0x1000, d);
        bus.read(IOAPIC, size);
        bus.write(IOAPIC, size, 0);
        assertTrue(d.accesses.isEmpty());
        assertEquals(1, bus.unclaimedReads());
        assertEquals(1, bus.unclaimedWrites());
    }

    @Test
    void readValueIsMaskedToTheAccessSize() {
        bus.register(IOAPIC, 0x1000, new RecordingDevice(0x8877_6655_4433_2211L));
        assertEquals(0x11, bus.read(IOAPIC, 1));
        assertEquals(0x2211, bus.read(IOAPIC, 2));
        assertEquals(0x4433_2211L, bus.read(IOAPIC, 4));
        assertEquals(0x8877_6655_4433_2211L, bus.read(IOAPIC, 8));
    }

    @Test
    void writtenValueIsMaskedToTheAccessSize() {
        RecordingDevice d = new RecordingDevice();
        bus.register(IOAPIC, 0x1000, d);
        bus.write(IOAPIC, 1, -1L);
        bus.write(IOAPIC, 4, 0x1_2345_6789L);
        assertEquals(List.of(writeOf(0, 1, 0xFF), writeOf(0, 4, 0x2345_6789L)), d.accesses);
    }

    // ---- the top of the 64-bit space ------------------------------------------------------------

    @Test
    void rangeEndingAtTwoToTheSixtyFourWorks() {
        RecordingDevice d = new RecordingDevice(0x77);
        bus.register(TOP_PAGE, 0x1000, d);
        assertEquals(0x77, bus.read(0xFFFF_FFFF_FFFF_FFF8L, 8));
        assertEquals(0x77, bus.read(-1L, 1));
        assertEquals(0x77, bus.read(TOP_PAGE, 4));
        assertEquals(List.of(readOf(0xFF8, 8), readOf(0xFFF, 1), readOf(0, 4)), d.accesses);
        assertEquals(0xFF, bus.read(TOP_PAGE - 1, 1));
    }

    @Test
    void highAddressesAreOrderedUnsigned() {
        RecordingDevice low = new RecordingDevice(1);
        RecordingDevice mid = new RecordingDevice(2);
        RecordingDevice high = new RecordingDevice(3);
        bus.register(TOP_PAGE, 0x1000, high);
        bus.register(0x1000, 0x1000, low);
        bus.register(0x8000_0000_0000_0000L, 0x1000, mid);
        assertEquals(1, bus.read(0x1800, 1));
        assertEquals(2, bus.read(0x8000_0000_0000_0800L, 1));
        assertEquals(3, bus.read(TOP_PAGE + 0x800, 1));
        assertEquals(0xFF, bus.read(0x7FFF_FFFF_FFFF_FFFFL, 1));
        assertEquals(0xFF, bus.read(0x8000_0000_0000_1000L, 1));
        assertEquals(0xFF, bus.read(0, 1));
    }

    @Test
    void overlapNearTheTopIsRefused() {
        bus.register(TOP_PAGE, 0x1000, new RecordingDevice());
        assertThrows(BusConflictException.class, () -> bus.register(0xFFFF_FFFF_FFFF_F800L, 0x800, new RecordingDevice()));
        assertThrows(BusConflictException.class, () -> bus.register(TOP_PAGE - 0x1000, 0x1001, new RecordingDevice()));
        assertDoesNotThrow(() -> bus.register(TOP_PAGE - 0x1000, 0x1000, new RecordingDevice()));
    }

    @Test
    void highRangeDoesNotConflictWithLowRanges() {
        bus.register(0, 0x1000, new RecordingDevice());
        assertDoesNotThrow(() -> bus.register(TOP_PAGE, 0x1000, new RecordingDevice()));
    }

    // ---- registration ---------------------------------------------------------------------------

    @Test
    void partialOverlapAtTheEndIsRefused() {
        bus.register(IOAPIC, 0x1000, new RecordingDevice());
        BusConflictException e = assertThrows(BusConflictException.class,
            () -> bus.register(IOAPIC + 0xFFF, 0x10, new RecordingDevice()));
        assertEquals(IOAPIC + 0xFFF, e.base());
        assertEquals(0x10, e.length());
    }

    @Test
    void partialOverlapAtTheStartIsRefused() {
        bus.register(IOAPIC, 0x1000, new RecordingDevice());
        assertThrows(BusConflictException.class, () -> bus.register(IOAPIC - 0x10, 0x11, new RecordingDevice()));
    }

    @Test
    void containmentIsRefusedBothWays() {
        bus.register(IOAPIC, 0x1000, new RecordingDevice());
        assertThrows(BusConflictException.class, () -> bus.register(IOAPIC + 0x10, 0x10, new RecordingDevice()));
        assertThrows(BusConflictException.class, () -> bus.register(IOAPIC - 0x1000, 0x3000, new RecordingDevice()));
        assertThrows(BusConflictException.class, () -> bus.register(IOAPIC, 0x1000, new RecordingDevice()));
    }

    @Test
    void refusedRegistrationLeavesTheBusUnchanged() {
        RecordingDevice first = new RecordingDevice(1);
        RecordingDevice second = new RecordingDevice(2);
        bus.register(IOAPIC, 0x1000, first);
        assertThrows(BusConflictException.class, () -> bus.register(IOAPIC + 0x800, 0x1000, second));
        assertEquals(1, bus.read(IOAPIC + 0x800, 1));
        assertEquals(0xFF, bus.read(IOAPIC + 0x1000, 1));
        assertTrue(second.accesses.isEmpty());
    }

    @Test
    void adjacentRangesAreFine() {
        RecordingDevice a = new RecordingDevice(0xA);
        RecordingDevice b = new RecordingDevice(0xB);
        RecordingDevice c = new RecordingDevice(0xC);
        bus.register(IOAPIC, 0x1000, a);
        bus.register(IOAPIC + 0x1000, 0x1000, b);
        bus.register(IOAPIC - 0x1000, 0x1000, c);
        assertEquals(0xA, bus.read(IOAPIC + 0xFFF, 1));
        assertEquals(0xB, bus.read(IOAPIC + 0x1000, 1));
        assertEquals(0xC, bus.read(IOAPIC - 1, 1));
        assertEquals(List.of(readOf(0, 1)), b.accesses);
        assertEquals(List.of(readOf(0xFFF, 1)), c.accesses);
    }

    @Test
    void emptyOrNegativeLengthIsRefused() {
        assertThrows(BusConflictException.class, () -> bus.register(IOAPIC, 0, new RecordingDevice()));
        assertThrows(BusConflictException.class, () -> bus.register(IOAPIC, -0x1000, new RecordingDevice()));
    }

    // ---- unregister -----------------------------------------------------------------------------

    @Test
    void unregisterRemovesTheRange() {
        RecordingDevice d = new RecordingDevice(0);
        bus.register(IOAPIC, 0x1000, d);
        assertTrue(bus.unregister(IOAPIC));
        assertEquals(0xFFFF_FFFFL, bus.read(IOAPIC, 4));
        assertTrue(d.accesses.isEmpty());
        assertFalse(bus.unregister(IOAPIC));
    }

    @Test
    void unregisterNeedsTheExactBase() {
        bus.register(IOAPIC, 0x1000, new RecordingDevice(9));
        assertFalse(bus.unregister(IOAPIC + 0x10));
        assertEquals(9, bus.read(IOAPIC + 0x10, 1));
    }

    @Test
    void unregisterKeepsTheOtherRangesFindable() {
        RecordingDevice[] ds = new RecordingDevice[5];
        for (int i = 0; i < ds.length; i++) {
            ds[i] = new RecordingDevice(i);
            bus.register(0x1000L * (i + 1), 0x1000, ds[i]);
        }
        assertTrue(bus.unregister(0x3000));
        assertEquals(0, bus.read(0x1000, 1));
        assertEquals(1, bus.read(0x2000, 1));
        assertEquals(0xFF, bus.read(0x3000, 1));
        assertEquals(3, bus.read(0x4000, 1));
        assertEquals(4, bus.read(0x5FFF, 1));
    }

    @Test
    void freedRangeCanBeTakenByANewDevice() {
        bus.register(IOAPIC, 0x1000, new RecordingDevice(1));
        bus.unregister(IOAPIC);
        bus.register(IOAPIC + 0x800, 0x1000, new RecordingDevice(2));
        assertEquals(2, bus.read(IOAPIC + 0x800, 1));
        assertEquals(0xFF, bus.read(IOAPIC, 1));
    }

    @Test
    void rangeWrappingPastTwoToTheSixtyFourIsRefused() {
        // [TOP_PAGE, TOP_PAGE + 0x2000) would wrap around to [0, 0x1000).
        bus.register(0, 0x1000, new RecordingDevice());
        assertThrows(BusConflictException.class, () -> bus.register(TOP_PAGE, 0x2000, new RecordingDevice()));
        assertThrows(BusConflictException.class, () -> bus.register(-1L, 2, new RecordingDevice()));
    }

    @Test
    void rangeCrossingTwoToTheSixtyThreeIsAccepted() {
        RecordingDevice d = new RecordingDevice(0x5A);
        bus.register(0x7FFF_FFFF_FFFF_F000L, 0x2000, d);
        assertEquals(0x5A, bus.read(0x8000_0000_0000_0000L, 1));
        assertEquals(List.of(readOf(0x1000, 1)), d.accesses);
    }

    // ---- registration ---------------------------------------------------------------------------
}
