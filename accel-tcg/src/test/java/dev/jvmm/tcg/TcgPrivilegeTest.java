package dev.jvmm.tcg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Returns to user mode: a bad frame faults in the kernel's context; data segments are dropped. */
class TcgPrivilegeTest {
    static final long GDT = 0x301000, STACK = 0x80000;

    static Rig kernel() {
        Rig t = new Rig().longMode();
        t.mem.writeLong(GDT + 0x10, 0x00AF9B000000FFFFL); // kernel code
        t.mem.writeLong(GDT + 0x18, 0x00CF93000000FFFFL); // kernel data
        t.mem.writeLong(GDT + 0x20, 0x00CFF3000000FFFFL); // user data (DPL 3)
        t.mem.writeLong(GDT + 0x28, 0x00AFFB000000FFFFL); // user code (DPL 3)
        t.cpu.gdtBase = GDT;
        t.cpu.gdtLimit = 0xFFF;
        t.cpu.ds.set(0x18, 0, 0xFFFF_FFFFL, 0x3 | Seg.A_S | Seg.A_P | Seg.A_DB | Seg.A_G);
        return t;
    }

    /** An IRETQ frame at STACK: RIP, CS, RFLAGS, RSP, SS. */
    static void frame(Rig t, long rip, long cs, long ss) {
        long[] f = {rip, cs, 0x202, 0x7000, ss};
        for (int i = 0; i < f.length; i++) {
            t.mem.writeLong(STACK + 8L * i, f[i]);
        }
        t.cpu.r[4] = STACK;
    }

    @Test
    void iretToUserWithABadStackSegmentFaultsBeforeChangingCs() {
        try (Rig t = kernel()) {
            frame(t, 0x400000, 0x2B, 0x18); // SS = kernel data: wrong privilege
            t.code(0x48, 0xCF); // iretq
            CpuFault f = t.step();
            assertNotNull(f);
            assertEquals(CpuFault.GP, f.vector);
            assertEquals(0x10, t.cpu.cs.selector, "still in the kernel's CS");
            assertEquals(Rig.CODE, t.cpu.rip);
        }
    }

    @Test
    void iretToUserWithANullStackSegmentFaults() {
        try (Rig t = kernel()) {
            frame(t, 0x400000, 0x2B, 0x3);
            t.code(0x48, 0xCF);
            assertEquals(CpuFault.GP, t.step().vector);
        }
    }

    @Test
    void iretToANonCanonicalRipFaultsInTheKernel() {
        try (Rig t = kernel()) {
            frame(t, 0x0000_8000_0000_0000L, 0x2B, 0x23);
            t.code(0x48, 0xCF);
            assertEquals(CpuFault.GP, t.step().vector);
            assertEquals(0x10, t.cpu.cs.selector);
        }
    }

    @Test
    void iretToUserDropsKernelDataSegments() {
        try (Rig t = kernel()) {
            frame(t, 0x400000, 0x2B, 0x23);
            t.code(0x48, 0xCF);
            assertEquals(null, t.step());
            assertEquals(0x2B, t.cpu.cs.selector);
            assertEquals(3, t.cpu.cpl());
            assertEquals(0x7000, t.cpu.r[4]);
            assertTrue(t.cpu.ds.unusable, "DS held a DPL-0 segment: null after the return to CPL 3");
            assertEquals(0, t.cpu.ds.selector);
        }
    }
}
