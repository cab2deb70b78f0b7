package dev.jvmm.tcg;

import dev.jvmm.devmodel.bus.IoBuses;
import dev.jvmm.devmodel.memory.GuestMemory;

/**
 * A software CPU over 16 MiB of RAM for unit tests. {@link #longMode()} builds 4-level page tables
 * identity-mapping the first 16 MiB with 4 KiB pages (PML4 0x1000, PDPT 0x2000, PD 0x3000, PTs
 * 0x4000..0xBFFF) so single pages can be changed; code runs at 0x100000.
 */
final class Rig implements AutoCloseable {
    static final long CODE = 0x100000, PML4 = 0x1000, PDPT = 0x2000, PD = 0x3000, PT = 0x4000;
    final GuestMemory mem = GuestMemory.pcLayout(16L << 20);
    final IoBuses buses = IoBuses.create();
    final Cpu cpu = new Cpu(0, mem, buses.mmio(), buses.pio());
    final Sys sys = new Sys(cpu, new Object());
    final Exec exec = new Exec(cpu, sys);

    Rig realMode() {
        cpu.reset();
        cpu.cs.set(0, 0, 0xFFFF, 0xB | Seg.A_S | Seg.A_P);
        cpu.rip = CODE & 0xFFFF;
        cpu.cs.base = CODE & ~0xFFFFL;
        cpu.cs.selector = (int) (CODE >> 4) & 0xF000;
        cpu.r[4] = 0x8000;
        return this;
    }

    Rig longMode() {
        cpu.reset();
        mem.writeLong(PML4, PDPT | 7);
        mem.writeLong(PDPT, PD | 7);
        for (int i = 0; i < 8; i++) {
            mem.writeLong(PD + 8L * i, (PT + 0x1000L * i) | 7);
            for (int j = 0; j < 512; j++) {
                long page = (512L * i + j) << 12;
                mem.writeLong(PT + 0x1000L * i + 8L * j, page | 7); // present, writable, user
            }
        }
        cpu.cr3 = PML4;
        cpu.cr4 = 0x20; // PAE
        cpu.efer = (1 << 8) | (1 << 10) | (1 << 11); // LME, LMA, NXE
        cpu.cr0 = 0x8001_0011L; // PG, WP, ET, PE
        cpu.cs.set(0x10, 0, 0xFFFF_FFFFL, 0xB | Seg.A_S | Seg.A_P | Seg.A_L | Seg.A_G);
        for (Seg s : new Seg[] {cpu.ds, cpu.es, cpu.ss, cpu.fs, cpu.gs}) {
            s.set(0x18, 0, 0xFFFF_FFFFL, 0x3 | Seg.A_S | Seg.A_P | Seg.A_DB | Seg.A_G);
        }
        cpu.rip = CODE;
        cpu.r[4] = 0x80000;
        cpu.flushTlb(true);
        return this;
    }

    long pte(long linear) {
        return PT + (linear >>> 12) * 8;
    }

    Rig code(int... bytes) {
        for (int i = 0; i < bytes.length; i++) {
            mem.writeByte(CODE + i, bytes[i]);
        }
        return this;
    }

    /** Executes one instruction; returns the fault it raised, or null. */
    CpuFault step() {
        try {
            exec.step();
            return null;
        } catch (CpuFault f) {
            return f;
        }
    }

    @Override
    public void close() {
        mem.close();
    }
}
