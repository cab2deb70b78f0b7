package dev.jvmm.tcg;

import static org.junit.jupiter.api.Assertions.*;
import org.junit.jupiter.api.Test;

/** Bugs an independent review found, each as it was demonstrated. */
class TcgReviewRegressionTest {
    @Test
    void interruptFromUserModeReadsSupervisorOnlyTables() {
        try (Rig t = new Rig().longMode()) {
            long idt = 0x300000, gdt = 0x301000, tss = 0x302000;
            for (long p : new long[] {idt, gdt, tss}) t.mem.writeLong(t.pte(p), p | 3); // supervisor
            // GDT: 0x10 = 64-bit code DPL0, 0x18 data, 0x2B user code
            t.mem.writeLong(gdt + 0x10, 0x00AF9B000000FFFFL);
            t.mem.writeLong(gdt + 0x18, 0x00CF93000000FFFFL);
            t.mem.writeLong(gdt + 0x28, 0x00AFFB000000FFFFL);
            t.cpu.gdtBase = gdt; t.cpu.gdtLimit = 0xFFF;
            // IDT vector 0x20 -> 0x10:0x150000 interrupt gate
            long off = 0x150000;
            long lo = (off & 0xFFFF) | (0x10L << 16) | (0x8EL << 40) | ((off >>> 16) & 0xFFFF) << 48;
            t.mem.writeLong(idt + 0x20 * 16, lo);
            t.mem.writeLong(idt + 0x20 * 16 + 8, 0);
            t.cpu.idtBase = idt; t.cpu.idtLimit = 0xFFF;
            t.mem.writeLong(tss + 4, 0x90000); // RSP0
            t.cpu.tr.set(0x40, tss, 0x67, 0xB | Seg.A_P);
            t.cpu.cs.set(0x2B, 0, 0xFFFFFFFFL, 0xB | Seg.A_S | Seg.A_P | (3 << 5) | Seg.A_L | Seg.A_G);
            t.cpu.ss.set(0x23, 0, 0xFFFFFFFFL, 0x3 | Seg.A_S | Seg.A_P | (3 << 5) | Seg.A_DB | Seg.A_G);
            t.cpu.flushTlb(true);
            CpuFault f = null;
            try { t.sys.deliver(0x20, false, 0, Rig.CODE, false, false); } catch (CpuFault e) { f = e; }
            assertNull(f, () -> "fault " + " cr2=" + Long.toHexString(t.cpu.cr2));
            assertEquals(off, t.cpu.rip);
        }
    }

    @Test
    void invlpgDropsAWholeLargePageTranslation() {
        try (Rig t = new Rig().longMode()) {
            // PD entry 1 (0x200000..0x3FFFFF) -> 2MB page at 0x400000
            t.mem.writeLong(Rig.PD + 8, 0x400000 | 0x87);
            t.mem.writeLong(0x401000, 0x1111);
            t.mem.writeLong(0x601000, 0x2222);
            t.cpu.flushTlb(true);
            assertEquals(0x1111, t.cpu.readLinear(0x201000, 8, Cpu.ACC_READ));
            t.mem.writeLong(Rig.PD + 8, 0x600000 | 0x87);
            t.cpu.invlpg(0x200000); // invalidates the whole 2MB translation on hardware
            assertEquals(0x2222, t.cpu.readLinear(0x201000, 8, Cpu.ACC_READ));
        }
    }

    @Test
    void xchgOnAChangingMmioRegisterReadsOnceAndFinishes() throws Exception {
        try (Rig t = new Rig().longMode()) {
            long[] ctr = {0};
            t.buses.mmio().register(0xFED00000L, 0x1000, new dev.jvmm.devmodel.bus.BusDevice() {
                public long read(long o, int s) { return ctr[0]++; }
                public void write(long o, int s, long v) { }
            });
            // map linear 0x200000 -> 0xFED00000 (PT entry)
            t.mem.writeLong(t.pte(0x200000), 0xFED00000L | 3);
            t.code(0x48, 0x87, 0x04, 0x25, 0x00, 0x00, 0x20, 0x00); // xchg [0x200000], rax
            Thread th = new Thread(() -> t.step());
            th.setDaemon(true);
            th.start();
            th.join(2000);
            assertFalse(th.isAlive(), "xchg on MMIO spins forever; reads=" + ctr[0]);
            assertEquals(1, ctr[0], "a device register is read exactly once by XCHG");
        }
    }
}
