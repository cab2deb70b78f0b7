package dev.jvmm.devmodel.bus;

import static dev.jvmm.devmodel.bus.RecordingDevice.readOf;
import static dev.jvmm.devmodel.bus.RecordingDevice.writeOf;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PortIoBusTest {
    final PortIoBus bus = new PortIoBus();

    @Test
    void portSpaceIs64Kib() {
        assertEquals(0x10000, PortIoBus.PORTS);
    }

    @Test
    void readIsDispatchedWithOffsetRelativeToTheBase() {
        RecordingDevice d = new RecordingDevice(0x42);
        bus.register(0x3F8, 8, d);
        assertEquals(0x42, bus.read(0x3FD, 1));
        assertEquals(List.of(readOf(5, 1)), d.accesses);
    }

    @Test
    void writeIsDispatchedWithOffsetRelativeToTheBase() {
        RecordingDevice d = new RecordingDevice();
        bus.register(0x3F8, 8, d);
        bus.write(0x3F8, 1, 0x41);
        bus.write(0x3FF, 1, 0x5A);
        assertEquals(List.of(writeOf(0, 1, 0x41), writeOf(7, 1, 0x5A)), d.accesses);
        assertEquals(0, bus.unclaimedWrites());
    }

    @Test
    void accessSizesArePassedThrough() {
        RecordingDevice d = new RecordingDevice();
        bus.register(0xCF8, 8, d);
        bus.read(0xCF8, 4);
        bus.read(0xCFC, 2);
        bus.write(0xCF8, 4, 0x8000_0000L);
        assertEquals(List.of(readOf(0, 4), readOf(4, 2), writeOf(0, 4, 0x8000_0000L)), d.accesses);
    }

    @Test
    void eachRangeGoesToItsOwnDevice() {
        RecordingDevice a = new RecordingDevice(0xAA);
        RecordingDevice b = new RecordingDevice(0xBB);
        bus.register(0x60, 1, a);
        bus.register(0x64, 1, b);
        assertEquals(0xAA, bus.read(0x60, 1));
        assertEquals(0xBB, bus.read(0x64, 1));
        assertEquals(List.of(readOf(0, 1)), a.accesses);
        assertEquals(List.of(readOf(0, 1)), b.accesses);
    }

    @ParameterizedTest(name = "size {0} reads 0x{1}")
    @CsvSource({"1, FF", "2, FFFF", "4, FFFFFFFF", "8, FFFFFFFFFFFFFFFF"})
    void unclaimedReadReturnsAllOnesOfTheAccessSize(int size, String hexOnes) {
        assertEquals(Long.parseUnsignedLong(hexOnes, 16), bus.read(0x80, size));
        assertEquals(1, bus.unclaimedReads());
    }

    @Test
    void unclaimedReadsAreCounted() {
        bus.register(0x60, 1, new RecordingDevice());
        bus.read(0x61, 1);
        bus.read(0x62, 2);
        bus.read(0x60, 1); // claimed: not counted
        assertEquals(2, bus.unclaimedReads());
        assertEquals(0, bus.unclaimedWrites());
    }

    @Test
    void unclaimedWriteIsCountedAndDropped() {
        RecordingDevice d = new RecordingDevice();
        bus.register(0x70, 2, d);
        bus.write(0x72, 1, 0x12);
        bus.write(0x6F, 1, 0x34);
        assertEquals(2, bus.unclaimedWrites());
        assertEquals(0, bus.unclaimedReads());
        assertTrue(d.accesses.isEmpty(), "neighbouring device must not see the write");
    }

    @ParameterizedTest(name = "size {0}")
    @ValueSource(ints = {0, 3, 5, 16, -1})
    void invalidSizesAreTreatedAsUnclaimed(int size) {
        RecordingDevice d = new RecordingDevice(0x1234);
        bus.register(0x60, 8, d);
        bus.read(0x60, size);
        bus.write(0x60, size, 0x55);
        assertTrue(d.accesses.isEmpty(), "the device must not see an access of size " + size);
        assertEquals(1, bus.unclaimedReads());
        assertEquals(1, bus.unclaimedWrites());
    }

    @Test
    void invalidSizeReadsReturnAllOnesOfTheirWidth() {
        bus.register(0x60, 8, new RecordingDevice(0));
        assertEquals(0xFF_FFFFL, bus.read(0x60, 3));
        assertEquals(-1L, bus.read(0x60, 16));
        assertEquals(0, bus.read(0x60, 0));
    }

    @Test
    void readValueIsMaskedToTheAccessSize() {
        bus.register(0x100, 8, new RecordingDevice(0x1234_5678_9ABC_DEF0L));
        assertEquals(0xF0, bus.read(0x100, 1));
        assertEquals(0xDEF0, bus.read(0x100, 2));
        assertEquals(0x9ABC_DEF0L, bus.read(0x100, 4));
        assertEquals(0x1234_5678_9ABC_DEF0L, bus.read(0x100, 8));
    }

    @Test
    void deviceReturningMinusOneReadsAsAllOnesOfTheSize() {
        bus.register(0x100, 8, new RecordingDevice(-1L));
        assertEquals(0xFF, bus.read(0x100, 1));
        assertEquals(0xFFFF_FFFFL, bus.read(0x100, 4));
    }

    @Test
    void writtenValueIsMaskedToTheAccessSize() {
        RecordingDevice d = new RecordingDevice();
        bus.register(0x100, 8, d);
        bus.write(0x100, 1, 0x1FF);
        bus.write(0x100, 2, -1L);
        bus.write(0x100, 4, 0xAB_1234_5678L);
        assertEquals(List.of(writeOf(0, 1, 0xFF), writeOf(0, 2, 0xFFFF), writeOf(0, 4, 0x1234_5678L)), d.accesses);
    }

    // ---- registration ---------------------------------------------------------------------------

    @Test
    void partialOverlapAtTheEndIsRefused() {
        bus.register(0x60, 5, new RecordingDevice());
        BusConflictException e = assertThrows(BusConflictException.class, () -> bus.register(0x64, 2, new RecordingDevice()));
        assertEquals(0x64, e.base());
        assertEquals(2, e.length());
    }

    @Test
    void partialOverlapAtTheStartIsRefused() {
        bus.register(0x60, 5, new RecordingDevice());
        assertThrows(BusConflictException.class, () -> bus.register(0x5E, 3, new RecordingDevice()));
    }

    @Test
    void rangeContainedInAnotherIsRefused() {
        bus.register(0x60, 5, new RecordingDevice());
        assertThrows(BusConflictException.class, () -> bus.register(0x62, 1, new RecordingDevice()));
    }

    @Test
    void rangeContainingAnotherIsRefused() {
        bus.register(0x62, 1, new RecordingDevice());
        assertThrows(BusConflictException.class, () -> bus.register(0x60, 5, new RecordingDevice()));
    }

    @Test
    void identicalRangeIsRefused() {
        bus.register(0x70, 2, new RecordingDevice());
        assertThrows(BusConflictException.class, () -> bus.register(0x70, 2, new RecordingDevice()));
    }

    @Test
    void refusedRegistrationLeavesTheBusUnchanged() {
        RecordingDevice first = new RecordingDevice(1);
        RecordingDevice second = new RecordingDevice(2);
        bus.register(0x60, 5, first);
        assertThrows(BusConflictException.class, () -> bus.register(0x64, 4, second));
        assertEquals(1, bus.read(0x64, 1));
        assertEquals(0xFF, bus.read(0x65, 1), "no part of the refused range may be registered");
        assertEquals(0xFF, bus.read(0x67, 1));
        assertTrue(second.accesses.isEmpty());
    }

    @Test
    void adjacentRangesAreFine() {
        RecordingDevice a = new RecordingDevice(0xA);
        RecordingDevice b = new RecordingDevice(0xB);
        RecordingDevice c = new RecordingDevice(0xC);
        bus.register(0x60, 4, a);
        bus.register(0x64, 1, b);
        bus.register(0x5C, 4, c);
        assertEquals(0xA, bus.read(0x63, 1));
        assertEquals(0xB, bus.read(0x64, 1));
        assertEquals(0xC, bus.read(0x5F, 1));
        assertEquals(List.of(readOf(3, 1)), a.accesses);
        assertEquals(List.of(readOf(3, 1)), c.accesses);
    }

    @Test
    void emptyOrNegativeLengthIsRefused() {
        assertThrows(BusConflictException.class, () -> bus.register(0x60, 0, new RecordingDevice()));
        assertThrows(BusConflictException.class, () -> bus.register(0x60, -1, new RecordingDevice()));
    }

    @Test
    void rangesOutsideThePortSpaceAreRefused() {
        assertThrows(BusConflictException.class, () -> bus.register(-1, 2, new RecordingDevice()));
        assertThrows(BusConflictException.class, () -> bus.register(0x10000, 1, new RecordingDevice()));
        assertThrows(BusConflictException.class, () -> bus.register(0xFFFF, 2, new RecordingDevice()));
        assertThrows(BusConflictException.class, () -> bus.register(0, 0x10001, new RecordingDevice()));
    }

    @Test
    void lastAndFirstPortsCanBeRegistered() {
        RecordingDevice hi = new RecordingDevice(0x11);
        RecordingDevice lo = new RecordingDevice(0x22);
        bus.register(0xFFFF, 1, hi);
        bus.register(0, 1, lo);
        assertEquals(0x11, bus.read(0xFFFF, 1));
        assertEquals(0x22, bus.read(0, 1));
    }

    @Test
    void wholePortSpaceCanBeOneRange() {
        RecordingDevice d = new RecordingDevice(7);
        bus.register(0, 0x10000, d);
        assertEquals(7, bus.read(0xFFFF, 1));
        assertEquals(List.of(readOf(0xFFFF, 1)), d.accesses);
    }

    @Test
    void outOfRangePortsAreUnclaimed() {
        RecordingDevice d = new RecordingDevice(0);
        bus.register(0, 0x10000, d);
        assertEquals(0xFF, bus.read(-1, 1));
        assertEquals(0xFFFF, bus.read(0x10000, 2));
        assertEquals(0xFF, bus.read(Long.MIN_VALUE, 1));
        assertEquals(0xFF, bus.read(0x1_0000_0060L, 1), "must not wrap to port 0x60");
        bus.write(-1, 1, 0);
        bus.write(0x10000, 1, 0);
        bus.write(0x1_0000_0060L, 1, 0);
        assertTrue(d.accesses.isEmpty());
        assertEquals(4, bus.unclaimedReads());
        assertEquals(3, bus.unclaimedWrites());
    }

    // ---- unregister -----------------------------------------------------------------------------

    @Test
    void unregisterRemovesTheWholeRange() {
        RecordingDevice d = new RecordingDevice(0);
        bus.register(0x3F8, 8, d);
        assertTrue(bus.unregister(0x3F8));
        for (long p = 0x3F8; p < 0x400; p++) {
            assertEquals(0xFF, bus.read(p, 1));
        }
        assertTrue(d.accesses.isEmpty());
        assertEquals(8, bus.unclaimedReads());
    }

    @Test
    void unregisterTwiceReportsNothingTheSecondTime() {
        bus.register(0x3F8, 8, new RecordingDevice());
        assertTrue(bus.unregister(0x3F8));
        assertFalse(bus.unregister(0x3F8));
    }

    @Test
    void unregisterNeedsTheExactBase() {
        RecordingDevice d = new RecordingDevice(5);
        bus.register(0x3F8, 8, d);
        assertFalse(bus.unregister(0x3F9));
        assertFalse(bus.unregister(0x3F7));
        assertEquals(5, bus.read(0x3F9, 1), "range still registered");
    }

    @Test
    void unregisterOfUnknownOrOutOfRangeBaseIsFalse() {
        assertFalse(bus.unregister(0x80));
        assertFalse(bus.unregister(-1));
        assertFalse(bus.unregister(0x10000));
    }

    @Test
    void unregisteredRangeCanBeRegisteredAgain() {
        bus.register(0x60, 5, new RecordingDevice(1));
        bus.unregister(0x60);
        RecordingDevice d = new RecordingDevice(2);
        bus.register(0x62, 5, d);
        assertEquals(2, bus.read(0x62, 1));
        assertEquals(0xFF, bus.read(0x60, 1));
    }

    @Test
    void unregisterLeavesOtherRangesAlone() {
        bus.register(0x60, 1, new RecordingDevice(1));
        bus.register(0x61, 1, new RecordingDevice(2));
        bus.unregister(0x60);
        assertEquals(2, bus.read(0x61, 1));
    }

    @Test
    void allOnesHelperCoversEveryValidSize() {
        assertEquals(0xFFL, IoBus.allOnes(1));
        assertEquals(0xFFFFL, IoBus.allOnes(2));
        assertEquals(0xFFFF_FFFFL, IoBus.allOnes(4));
        assertEquals(-1L, IoBus.allOnes(8));
    }

    @Test
    void ioBusesCreatesTwoSeparateBuses() {
        IoBuses buses = IoBuses.create();
        buses.pio().register(0x1000, 1, new RecordingDevice(3));
        assertEquals(3, buses.pio().read(0x1000, 1));
        assertEquals(0xFF, buses.mmio().read(0x1000, 1));
    }

    @Test
    void lengthThatOverflowsBasePlusLengthIsRefused() {
        // base + length wraps to a negative long: must be refused, not silently accepted as empty.
        assertThrows(BusConflictException.class, () -> bus.register(1, Long.MAX_VALUE, new RecordingDevice()));
        assertThrows(BusConflictException.class, () -> bus.register(0x60, Long.MAX_VALUE - 0x10, new RecordingDevice()));
    }
}
