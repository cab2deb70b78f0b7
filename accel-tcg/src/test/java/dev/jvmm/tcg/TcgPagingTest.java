package dev.jvmm.tcg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** 4-level paging: error codes, CR2, accessed and dirty bits, NX, U/S, WP and INVLPG (SDM vol. 3, 4.7). */
class TcgPagingTest {
    static final long DATA = 0x200000;
    // mov rax, [DATA]  and  mov [DATA], rax  (absolute disp32)
    static final int[] LOAD = {0x48, 0x8B, 0x04, 0x25, 0x00, 0x00, 0x20, 0x00};
    static final int[] STORE = {0x48, 0x89, 0x04, 0x25, 0x00, 0x00, 0x20, 0x00};

    @Test
    void readOfANotPresentPageFaultsWithCodeZeroAndCr2() {
        try (Rig t = new Rig().longMode()) {
            t.mem.writeLong(t.pte(DATA), 0);
            t.code(LOAD);
            CpuFault f = t.step();
            assertNotNull(f);
            assertEquals(CpuFault.PF, f.vector);
            assertEquals(0, f.errorCode);
            assertEquals(DATA, t.cpu.cr2);
            assertEquals(Rig.CODE, t.cpu.rip);
        }
    }

    @Test
    void writeToAReadOnlyPageWithWpFaultsWithPresentAndWrite() {
        try (Rig t = new Rig().longMode()) {
            t.mem.writeLong(t.pte(DATA), DATA | 5); // present, user, read-only
            t.code(STORE);
            CpuFault f = t.step();
            assertEquals(CpuFault.PF, f.vector);
            assertEquals(0x3, f.errorCode);
        }
    }

    @Test
    void supervisorWriteToAReadOnlyPageSucceedsWhenWpIsClear() {
        try (Rig t = new Rig().longMode()) {
            t.mem.writeLong(t.pte(DATA), DATA | 5);
            t.cpu.cr0 &= ~(1L << 16);
            t.code(STORE);
            t.cpu.r[0] = 42;
            assertNull(t.step());
            assertEquals(42, t.mem.readLong(DATA));
        }
    }

    @Test
    void userAccessToASupervisorPageFaultsWithTheUserBit() {
        try (Rig t = new Rig().longMode()) {
            t.mem.writeLong(t.pte(DATA), DATA | 3); // present, writable, supervisor
            t.code(LOAD);
            t.cpu.cs.selector |= 3; // CPL 3
            CpuFault f = t.step();
            assertEquals(CpuFault.PF, f.vector);
            assertEquals(0x5, f.errorCode);
        }
    }

    @Test
    void fetchFromANoExecutePageFaultsWithTheInstructionBit() {
        try (Rig t = new Rig().longMode()) {
            t.mem.writeLong(t.pte(Rig.CODE), Rig.CODE | 7 | (1L << 63));
            t.code(0x90);
            CpuFault f = t.step();
            assertEquals(CpuFault.PF, f.vector);
            assertEquals(0x11, f.errorCode);
            assertEquals(Rig.CODE, t.cpu.cr2);
        }
    }

    @Test
    void accessSetsTheAccessedBitAndAWriteTheDirtyBit() {
        try (Rig t = new Rig().longMode()) {
            t.code(LOAD);
            assertNull(t.step());
            long pte = t.mem.readLong(t.pte(DATA));
            assertTrue((pte & 0x20) != 0, "accessed");
            assertEquals(0, pte & 0x40, "not dirty after a read");
            t.cpu.rip = Rig.CODE;
            t.code(STORE);
            assertNull(t.step());
            assertTrue((t.mem.readLong(t.pte(DATA)) & 0x40) != 0, "dirty after a write");
        }
    }

    @Test
    void aChangedPteTakesEffectOnlyAfterInvlpg() {
        try (Rig t = new Rig().longMode()) {
            t.mem.writeLong(0x500000, 0x1111);
            t.mem.writeLong(DATA, 0x2222);
            t.code(LOAD);
            assertNull(t.step());
            assertEquals(0x2222, t.cpu.r[0]);
            t.mem.writeLong(t.pte(DATA), 0x500000 | 7); // remap without telling the TLB
            t.cpu.rip = Rig.CODE;
            assertNull(t.step());
            assertEquals(0x2222, t.cpu.r[0], "the TLB still holds the old translation");
            t.cpu.invlpg(DATA);
            t.cpu.rip = Rig.CODE;
            assertNull(t.step());
            assertEquals(0x1111, t.cpu.r[0]);
        }
    }

    @Test
    void nonCanonicalAddressIsAGeneralProtectionFault() {
        try (Rig t = new Rig().longMode()) {
            t.code(0x48, 0x8B, 0x00); // mov rax, [rax]
            t.cpu.r[0] = 0x0000_8000_0000_0000L;
            CpuFault f = t.step();
            assertEquals(CpuFault.GP, f.vector);
        }
    }
}
