package dev.jvmm.tcg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Instructions the differential test cannot cover here, with expectations from the SDM. */
class TcgInstructionTest {
    @Test
    void popcntCountsBitsAndSetsZfOnlyForZero() {
        try (Rig t = new Rig().longMode()) {
            t.code(0xF3, 0x48, 0x0F, 0xB8, 0xC1, 0xF3, 0x48, 0x0F, 0xB8, 0xD3); // popcnt rax,rcx; popcnt rdx,rbx
            t.cpu.r[1] = 0xF0F0_0000_0000_0001L;
            t.cpu.r[3] = 0;
            t.cpu.setFlags(0x2 | Cpu.CF | Cpu.OF | Cpu.SF);
            assertNull(t.step());
            assertEquals(9, t.cpu.r[0]);
            assertEquals(0, t.cpu.getFlags() & Cpu.STATUS, "all status flags cleared for a non-zero source");
            assertNull(t.step());
            assertEquals(0, t.cpu.r[2]);
            assertEquals(Cpu.ZF, t.cpu.getFlags() & Cpu.STATUS);
        }
    }

    @Test
    void lzcntAndTzcntOfZeroGiveTheWidthAndSetCf() {
        try (Rig t = new Rig().longMode()) {
            t.code(0xF3, 0x0F, 0xBD, 0xC1, 0xF3, 0x66, 0x0F, 0xBC, 0xD1); // lzcnt eax,ecx; tzcnt dx,cx (66 after F3)
            t.cpu.r[1] = 0;
            assertNull(t.step());
            assertEquals(32, t.cpu.r[0]);
            assertTrue((t.cpu.getFlags() & Cpu.CF) != 0);
            t.cpu.r[1] = 0x8;
            assertNull(t.step());
            assertEquals(3, t.cpu.r[2] & 0xFFFF);
            assertFalse((t.cpu.getFlags() & Cpu.CF) != 0);
        }
    }

    @Test
    void repMovsbBackwardsWithDfCopiesFromTheEnd() {
        try (Rig t = new Rig().longMode()) {
            t.code(0xFD, 0xF3, 0xA4); // std; rep movsb
            t.mem.write(0x200000, new byte[] {1, 2, 3, 4});
            t.cpu.r[6] = 0x200003; // RSI at the last byte
            t.cpu.r[7] = 0x300003;
            t.cpu.r[1] = 4;
            assertNull(t.step());
            assertNull(t.step());
            assertEquals(0, t.cpu.r[1]);
            assertEquals(0x1FFFFFL, t.cpu.r[6]);
            assertEquals(0x2FFFFFL, t.cpu.r[7]);
            assertEquals(0x04030201, t.mem.readInt(0x300000));
        }
    }

    @Test
    void repeCmpsbStopsAtTheFirstDifference() {
        try (Rig t = new Rig().longMode()) {
            t.code(0xF3, 0xA6); // repe cmpsb
            t.mem.write(0x200000, "abcX".getBytes());
            t.mem.write(0x300000, "abcY".getBytes());
            t.cpu.r[6] = 0x200000;
            t.cpu.r[7] = 0x300000;
            t.cpu.r[1] = 10;
            assertNull(t.step());
            assertEquals(6, t.cpu.r[1], "stops after comparing the 4th byte");
            assertEquals(0x200004, t.cpu.r[6]);
            assertFalse((t.cpu.getFlags() & Cpu.ZF) != 0);
            assertTrue((t.cpu.getFlags() & Cpu.CF) != 0, "'X' < 'Y'");
        }
    }

    @Test
    void divideOverflowRaisesDeAndLeavesRegistersAlone() {
        try (Rig t = new Rig().longMode()) {
            t.code(0xF7, 0xF1); // div ecx
            t.cpu.r[0] = 0;
            t.cpu.r[2] = 5; // EDX:EAX = 5 << 32
            t.cpu.r[1] = 2; // quotient would not fit in 32 bits
            CpuFault f = t.step();
            assertNotNull(f);
            assertEquals(CpuFault.DE, f.vector);
            assertEquals(Rig.CODE, t.cpu.rip, "a fault leaves RIP on the instruction");
            assertEquals(5, t.cpu.r[2]);
        }
    }

    @Test
    void idiv64HandlesTheMostNegativeDividend() {
        try (Rig t = new Rig().longMode()) {
            t.code(0x48, 0xF7, 0xF9); // idiv rcx
            t.cpu.r[2] = -1;
            t.cpu.r[0] = Long.MIN_VALUE; // RDX:RAX = -2^63
            t.cpu.r[1] = 2;
            assertNull(t.step());
            assertEquals(Long.MIN_VALUE / 2, t.cpu.r[0]);
            assertEquals(0, t.cpu.r[2]);
            t.cpu.rip = Rig.CODE;
            t.cpu.r[2] = -1;
            t.cpu.r[0] = Long.MIN_VALUE;
            t.cpu.r[1] = -1; // +2^63 does not fit
            assertEquals(CpuFault.DE, t.step().vector);
        }
    }

    @Test
    void stiDelaysInterruptsByOneInstruction() {
        try (Rig t = new Rig().longMode()) {
            t.code(0xFB, 0x90); // sti; nop
            assertNull(t.step());
            assertTrue((t.cpu.flagsRest & Cpu.IF) != 0);
            assertTrue(t.cpu.interruptShadow > 0, "the instruction after STI runs before any interrupt");
        }
    }

    @Test
    void realModeIntPushesFlagsCsIpAndJumpsThroughTheIvt() {
        try (Rig t = new Rig().realMode()) {
            t.code(0xCD, 0x21); // int 0x21
            t.mem.writeShort(0x21 * 4, 0x1234);
            t.mem.writeShort(0x21 * 4 + 2, 0x5678);
            t.cpu.setFlags(0x2 | Cpu.IF);
            int oldCs = t.cpu.cs.selector;
            assertNull(t.step());
            assertEquals(0x5678, t.cpu.cs.selector);
            assertEquals(0x56780, t.cpu.cs.base);
            assertEquals(0x1234, t.cpu.rip);
            assertEquals(0x7FFA, t.cpu.r[4]);
            assertEquals(2, t.mem.readShort(0x7FFA), "return IP after the 2-byte INT");
            assertEquals(oldCs, t.mem.readShort(0x7FFC) & 0xFFFF);
            assertEquals(0x202, t.mem.readShort(0x7FFE) & 0xFFFF);
            assertEquals(0, t.cpu.flagsRest & Cpu.IF, "IF cleared on delivery");
        }
    }

    @Test
    void lockedIncrementIsAtomicAcrossTwoCpus() throws Exception {
        try (Rig a = new Rig().longMode()) {
            // Two CPUs on the same memory, each: lock inc qword [0x200000] 100000 times.
            Cpu other = new Cpu(1, a.mem, a.buses.mmio(), a.buses.pio());
            Object split = new Object();
            Exec[] execs = {new Exec(a.cpu, new Sys(a.cpu, split)), null};
            // second CPU shares page tables and code: copy the long-mode set-up
            other.cr3 = a.cpu.cr3;
            other.cr4 = a.cpu.cr4;
            other.efer = a.cpu.efer;
            other.cr0 = a.cpu.cr0;
            other.cs.copyFrom(a.cpu.cs);
            other.ds.copyFrom(a.cpu.ds);
            other.ss.copyFrom(a.cpu.ss);
            execs[1] = new Exec(other, new Sys(other, split));
            a.code(0xF0, 0x48, 0xFF, 0x04, 0x25, 0x00, 0x00, 0x20, 0x00); // lock inc qword [0x200000]
            Cpu[] cpus = {a.cpu, other};
            Thread[] ts = new Thread[2];
            for (int k = 0; k < 2; k++) {
                int kk = k;
                ts[k] = new Thread(() -> {
                    for (int i = 0; i < 100_000; i++) {
                        cpus[kk].rip = Rig.CODE;
                        execs[kk].step();
                    }
                });
                ts[k].start();
            }
            for (Thread th : ts) {
                th.join();
            }
            assertEquals(200_000, a.mem.readLong(0x200000));
        }
    }
}
