package dev.jvmm.tests.diff;

import com.kenai.jffi.CallContext;
import com.kenai.jffi.CallingConvention;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.MemoryIO;
import com.kenai.jffi.PageManager;
import com.kenai.jffi.Type;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The host CPU as the oracle for SSE cases. This machine's nested KVM runs guest code through its
 * instruction emulator, which knows only the SSE moves (MOVUPS/MOVAPS/MOVDQU/MOVDQA, their PD
 * forms, MOVNTPS/PD/DQ, MOVNTI) and not even LDMXCSR; every other SSE instruction fails with "KVM
 * could not emulate an instruction". The SSE instructions are all usable at CPL 3, so the same
 * case runs here natively instead: a generated function loads XMM0-15, MXCSR, the flags and the
 * GPRs (and MM0-7, after saving the JVM's x87 state with FXSAVE and an FNINIT) from a block in
 * host memory, runs the instruction and stores them back, then restores the JVM's x87 state,
 * MXCSR and callee-saved registers. Cases must not fault (the generator keeps aligned
 * operands aligned and every access in the data block; exceptions stay masked).
 */
final class SseNative {
    private SseNative() {}

    // Block layout (one page per case run, reused).
    static final int IN_XMM = 0, IN_MXCSR = 256, SAVED_MXCSR = 264, SAVED_RSP = 272, IN_FLAGS = 280, IN_GPR = 288,
        DATA = 448, IN_MM = 576, OUT_GPR = 1024, OUT_FLAGS = 1152, OUT_MXCSR = 1160, OUT_XMM = 1168, OUT_MM = 1424,
        RSP_AT = 2048, SAVED_X87 = 3072;
    static final int RBX = 3, RSP = 4;

    static boolean available() {
        String arch = System.getProperty("os.arch");
        return (arch.equals("amd64") || arch.equals("x86_64")) && System.getProperty("os.name").startsWith("Linux");
    }

    /** Runs the cases on the host CPU; the outcomes use the guest harness's addresses for RBX (and copies of it). */
    static List<SseHarness.Outcome> run(List<SseCase> cases) {
        PageManager pm = PageManager.getInstance();
        MemoryIO io = MemoryIO.getInstance();
        long block = pm.allocatePages(1, PageManager.PROT_READ | PageManager.PROT_WRITE);
        long code = pm.allocatePages(1, PageManager.PROT_READ | PageManager.PROT_WRITE | PageManager.PROT_EXEC);
        CallContext ctx = CallContext.getCallContext(Type.VOID, new Type[] {Type.POINTER}, CallingConvention.DEFAULT,
            false);
        try {
            List<SseHarness.Outcome> out = new ArrayList<>();
            for (int i = 0; i < cases.size(); i++) {
                SseCase c = cases.get(i);
                io.setMemory(block, 4096, (byte) 0);
                long[] x = c.xmm();
                for (int k = 0; k < 32; k++) {
                    io.putLong(block + IN_XMM + 8L * k, x[k]);
                }
                io.putInt(block + IN_MXCSR, c.mxcsr());
                long[] mm = c.mm();
                for (int k = 0; k < 8; k++) {
                    io.putLong(block + IN_MM + 8L * k, mm[k]);
                }
                io.putLong(block + IN_FLAGS, c.flags());
                long[] g = c.gprs();
                g[RBX] = block + DATA;
                for (int r = 0; r < 16; r++) {
                    io.putLong(block + IN_GPR + 8L * r, g[r]);
                }
                byte[] data = c.data();
                io.putByteArray(block + DATA, data, 0, data.length);
                byte[] fn = function(c.code());
                if (fn.length > 4096) {
                    throw new IllegalStateException("case code too long");
                }
                io.putByteArray(code, fn, 0, fn.length);
                Invoker.getInstance().invokeL1(ctx, code, block);
                long guestData = SseHarness.input(i) + SseHarness.IN_DATA;
                long[] og = new long[16];
                for (int r = 0; r < 16; r++) {
                    og[r] = io.getLong(block + OUT_GPR + 8L * r);
                    if (og[r] == block + DATA) {
                        og[r] = guestData; // RBX, and RDI where a case copied it
                    }
                }
                og[RSP] = SseHarness.STACK_TOP;
                long[] ox = new long[32];
                for (int k = 0; k < 32; k++) {
                    ox[k] = io.getLong(block + OUT_XMM + 8L * k);
                }
                long[] om = new long[8];
                for (int k = 0; k < 8; k++) {
                    om[k] = io.getLong(block + OUT_MM + 8L * k);
                }
                byte[] od = new byte[SseHarness.DATA_SIZE];
                for (int k = 0; k < od.length; k++) {
                    od[k] = (byte) io.getInt(block + DATA + k);
                }
                out.add(new SseHarness.Outcome(og, io.getLong(block + OUT_FLAGS), ox, io.getInt(block + OUT_MXCSR), om, od,
                    true));
            }
            return out;
        } finally {
            pm.freePages(code, 1);
            pm.freePages(block, 1);
        }
    }

    /** void f(block): the case between a load and a store of the whole state. */
    static byte[] function(byte[] caseCode) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {0x53, 0x55, 0x41, 0x54, 0x41, 0x55, 0x41, 0x56, 0x41, 0x57}); // push rbx..r15
        b.writeBytes(new byte[] {0x48, (byte) 0x89, (byte) 0xA7}); // mov [rdi + SAVED_RSP], rsp
        le32(b, SAVED_RSP);
        b.writeBytes(new byte[] {0x0F, (byte) 0xAE, (byte) 0x9F}); // stmxcsr [rdi + SAVED_MXCSR]
        le32(b, SAVED_MXCSR);
        b.writeBytes(new byte[] {0x48, (byte) 0x8D, (byte) 0xA7}); // lea rsp, [rdi + RSP_AT]
        le32(b, RSP_AT);
        rspOp(b, -1, 0, new int[] {0x0F, 0xAE}, 0, SAVED_X87); // fxsave: the JVM's x87 state
        b.writeBytes(new byte[] {(byte) 0xDB, (byte) 0xE3}); // fninit
        rspOp(b, -1, 0, new int[] {0x0F, 0xAE}, 2, IN_MXCSR); // ldmxcsr
        for (int x = 0; x < 16; x++) {
            rspOp(b, 0xF3, 0, new int[] {0x0F, 0x6F}, x, IN_XMM + 16 * x); // movdqu xmm, [rsp + d]
        }
        for (int m = 0; m < 8; m++) {
            rspOp(b, -1, 0, new int[] {0x0F, 0x6F}, m, IN_MM + 8 * m); // movq mm, [rsp + d]
        }
        rspOp(b, -1, 0, new int[] {0xFF}, 6, IN_FLAGS); // push qword [rsp + d]
        b.write(0x9D); // popfq
        for (int r = 0; r < 16; r++) {
            if (r != RSP) {
                rspOp(b, -1, 8, new int[] {0x8B}, r, IN_GPR + 8 * r); // mov r, [rsp + d]
            }
        }
        b.writeBytes(caseCode);
        for (int r = 0; r < 16; r++) {
            if (r != RSP) {
                rspOp(b, -1, 8, new int[] {0x89}, r, OUT_GPR + 8 * r); // mov [rsp + d], r
            }
        }
        b.write(0x9C); // pushfq
        b.write(0x58); // pop rax
        rspOp(b, -1, 8, new int[] {0x89}, 0, OUT_FLAGS);
        rspOp(b, -1, 0, new int[] {0x0F, 0xAE}, 3, OUT_MXCSR); // stmxcsr
        for (int x = 0; x < 16; x++) {
            rspOp(b, 0xF3, 0, new int[] {0x0F, 0x7F}, x, OUT_XMM + 16 * x); // movdqu [rsp + d], xmm
        }
        for (int m = 0; m < 8; m++) {
            rspOp(b, -1, 0, new int[] {0x0F, 0x7F}, m, OUT_MM + 8 * m); // movq [rsp + d], mm
        }
        rspOp(b, -1, 0, new int[] {0x0F, 0xAE}, 1, SAVED_X87); // fxrstor: the JVM's x87 state back
        rspOp(b, -1, 0, new int[] {0x0F, 0xAE}, 2, SAVED_MXCSR); // ldmxcsr: the JVM's MXCSR back
        b.write(0xFC); // cld
        rspOp(b, -1, 8, new int[] {0x8B}, RSP, SAVED_RSP); // mov rsp, [rsp + d]
        b.writeBytes(new byte[] {0x41, 0x5F, 0x41, 0x5E, 0x41, 0x5D, 0x41, 0x5C, 0x5D, 0x5B, (byte) 0xC3});
        return b.toByteArray();
    }

    /** [prefix] [REX] opcode ModRM(10, reg, SIB) SIB(rsp) disp32, with the block offset turned into [rsp + d]. */
    private static void rspOp(ByteArrayOutputStream b, int prefix, int rexW, int[] opcode, int reg, int offset) {
        if (prefix >= 0) {
            b.write(prefix);
        }
        int rex = rexW | ((reg >> 3) << 2);
        if (rex != 0) {
            b.write(0x40 | rex);
        }
        for (int o : opcode) {
            b.write(o);
        }
        b.write(0x80 | ((reg & 7) << 3) | 4);
        b.write(0x24);
        le32(b, offset - RSP_AT);
    }

    private static void le32(ByteArrayOutputStream b, int v) {
        b.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
    }
}
