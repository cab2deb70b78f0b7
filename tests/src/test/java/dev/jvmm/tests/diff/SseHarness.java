package dev.jvmm.tests.diff;

import dev.jvmm.devmodel.accel.Accelerator;
import dev.jvmm.devmodel.boot.BootPlan;
import dev.jvmm.devmodel.boot.KernelLoader;
import dev.jvmm.devmodel.memory.GuestMemory;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link Harness} with the SSE state: per case, XMM0-15 are loaded from the case's input block
 * with MOVDQU, MXCSR with LDMXCSR and MM0-7 with MOVQ, then the flags and GPRs as the plain harness
 * does; after the instruction, the GPRs, flags, MXCSR (STMXCSR), XMM0-15 (MOVDQU) and MM0-7 (MOVQ)
 * are stored to the case's result slot. The program first sets CR4.OSFXSR and CR4.OSXMMEXCPT (it runs at CPL 0).
 */
public final class SseHarness {
    static final long CODE = Harness.CODE;
    static final long INPUT = 0x1000000;
    static final long RESULTS = 0x2000000;
    static final long STACK_TOP = Harness.STACK_TOP;
    static final int STRIDE = 512;
    /** Offsets in an input block: XMM0-15, MXCSR, the data block RBX points at, MM0-7. */
    static final int IN_XMM = 0, IN_MXCSR = 256, IN_DATA = 320, IN_MM = 400;
    /** Offsets in a result slot. */
    static final int OUT_GPR = 0, OUT_FLAGS = 128, OUT_RAN = 136, OUT_MXCSR = 144, OUT_XMM = 160, OUT_MM = 416;
    static final int DATA_SIZE = 64;
    static final int RBX = 3, RSP = 4;

    /** What a case left behind. */
    public record Outcome(long[] gprs, long flags, long[] xmm, int mxcsr, long[] mm, byte[] data, boolean ran) {}

    private SseHarness() {}

    static long input(int i) {
        return INPUT + (long) i * STRIDE;
    }

    /** Runs {@code cases} on {@code accel}, MXCSR included; returns one outcome per case. */
    public static List<Outcome> run(Accelerator accel, List<SseCase> cases) throws Exception {
        return run(accel, cases, true);
    }

    /**
     * Runs {@code cases} on {@code accel}; with {@code mxcsr} false, MXCSR is neither loaded nor
     * stored (for KVM here, whose instruction emulator has no LDMXCSR/STMXCSR: see {@link SseNative}).
     */
    public static List<Outcome> run(Accelerator accel, List<SseCase> cases, boolean withMxcsr) throws Exception {
        byte[] program = program(cases, withMxcsr);
        try (GuestMemory memory = GuestMemory.pcLayout(Harness.MEMORY)) {
            BootPlan plan = KernelLoader.load(memory, "SSE differential test", Harness.Elf64.image(CODE, program), "",
                null);
            for (int i = 0; i < cases.size(); i++) {
                SseCase c = cases.get(i);
                long[] x = c.xmm();
                for (int k = 0; k < 32; k++) {
                    memory.writeLong(input(i) + IN_XMM + 8L * k, x[k]);
                }
                memory.writeInt(input(i) + IN_MXCSR, c.mxcsr());
                long[] mm = c.mm();
                for (int k = 0; k < 8; k++) {
                    memory.writeLong(input(i) + IN_MM + 8L * k, mm[k]);
                }
                memory.write(input(i) + IN_DATA, c.data());
            }
            Harness.runToEnd(accel, memory, plan);
            List<Outcome> out = new ArrayList<>();
            for (int i = 0; i < cases.size(); i++) {
                long slot = RESULTS + (long) i * STRIDE;
                long[] g = new long[16];
                for (int r = 0; r < 16; r++) {
                    g[r] = memory.readLong(slot + OUT_GPR + 8L * r);
                }
                long[] x = new long[32];
                for (int k = 0; k < 32; k++) {
                    x[k] = memory.readLong(slot + OUT_XMM + 8L * k);
                }
                long[] mm = new long[8];
                for (int k = 0; k < 8; k++) {
                    mm[k] = memory.readLong(slot + OUT_MM + 8L * k);
                }
                long flags = memory.readLong(slot + OUT_FLAGS);
                int mxcsr = memory.readInt(slot + OUT_MXCSR);
                boolean ran = memory.readLong(slot + OUT_RAN) == 0xC0FFEE00L + i;
                out.add(new Outcome(g, flags, x, mxcsr, mm, memory.read(input(i) + IN_DATA, DATA_SIZE), ran));
            }
            return out;
        }
    }

    static byte[] program(List<SseCase> cases, boolean mxcsr) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        // mov rax, cr4; or rax, 0x600 (OSFXSR | OSXMMEXCPT); mov cr4, rax
        b.writeBytes(new byte[] {0x0F, 0x20, (byte) 0xE0, 0x48, 0x0D, 0x00, 0x06, 0x00, 0x00, 0x0F, 0x22, (byte) 0xE0});
        for (int i = 0; i < cases.size(); i++) {
            SseCase c = cases.get(i);
            long in = input(i);
            long slot = RESULTS + (long) i * STRIDE;
            Harness.movImm64(b, RSP, STACK_TOP);
            if (mxcsr) {
                absolute(b, -1, new int[] {0x0F, 0xAE}, 2, in + IN_MXCSR); // ldmxcsr
            }
            for (int x = 0; x < 16; x++) {
                absolute(b, 0xF3, new int[] {0x0F, 0x6F}, x, in + IN_XMM + 16L * x); // movdqu xmm, [abs]
            }
            for (int m = 0; m < 8; m++) {
                absolute(b, -1, new int[] {0x0F, 0x6F}, m, in + IN_MM + 8L * m); // movq mm, [abs]
            }
            Harness.movImm64(b, 0, c.flags());
            b.write(0x50);
            b.write(0x9D);
            long[] g = c.gprs();
            g[RBX] = in + IN_DATA;
            for (int r = 0; r < 16; r++) {
                if (r != RSP) {
                    Harness.movImm64(b, r, g[r]);
                }
            }
            b.writeBytes(c.code());
            for (int r = 0; r < 16; r++) {
                Harness.storeAbs(b, r, slot + OUT_GPR + 8L * r);
            }
            b.write(0x9C); // pushfq
            b.write(0x58); // pop rax
            Harness.storeAbs(b, 0, slot + OUT_FLAGS);
            if (mxcsr) {
                absolute(b, -1, new int[] {0x0F, 0xAE}, 3, slot + OUT_MXCSR); // stmxcsr
            }
            for (int x = 0; x < 16; x++) {
                absolute(b, 0xF3, new int[] {0x0F, 0x7F}, x, slot + OUT_XMM + 16L * x); // movdqu [abs], xmm
            }
            for (int m = 0; m < 8; m++) {
                absolute(b, -1, new int[] {0x0F, 0x7F}, m, slot + OUT_MM + 8L * m); // movq [abs], mm
            }
            Harness.movImm64(b, 0, 0xC0FFEE00L + i);
            Harness.storeAbs(b, 0, slot + OUT_RAN);
        }
        b.writeBytes(new byte[] {(byte) 0xB8, 0x5A, 0, 0, 0, (byte) 0xE7, (byte) 0xF4});
        return b.toByteArray();
    }

    /** [prefix] [REX.R] opcode ModRM(reg, SIB) SIB(no base, no index) disp32: an absolute operand. */
    static void absolute(ByteArrayOutputStream b, int prefix, int[] opcode, int reg, long addr) {
        if (prefix >= 0) {
            b.write(prefix);
        }
        if (reg >= 8) {
            b.write(0x44);
        }
        for (int o : opcode) {
            b.write(o);
        }
        b.write(((reg & 7) << 3) | 4);
        b.write(0x25);
        b.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) addr).array());
    }
}
