package dev.jvmm.tests.diff;

import dev.jvmm.devmodel.accel.Accelerator;
import dev.jvmm.devmodel.accel.Vm;
import dev.jvmm.devmodel.accel.VmConfig;
import dev.jvmm.devmodel.accel.VmLifecycle;
import dev.jvmm.devmodel.accel.VmStop;
import dev.jvmm.devmodel.boot.BootPlan;
import dev.jvmm.devmodel.boot.KernelLoader;
import dev.jvmm.devmodel.bus.IoBuses;
import dev.jvmm.devmodel.devices.debugexit.DebugExit;
import dev.jvmm.devmodel.memory.GuestMemory;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a batch of cases as one guest program on an accelerator and collects, for each case, the
 * registers, flags and data block afterwards. Each case is straight-line code: load the registers
 * and flags, run the instructions, store the registers and flags to a result slot. Running the same
 * program on KVM and on the TCG and comparing the slots is the differential test.
 */
public final class Harness {
    static final long CODE = 0x100000;
    static final long DATA = 0x1000000;
    static final long RESULTS = 0x2000000;
    static final long STACK_TOP = 0x3000000;
    static final int DATA_STRIDE = 64;
    static final int RESULT_STRIDE = 18 * 8;
    static final long MEMORY = 64L << 20;
    static final int RBX = 3, RSP = 4;

    /** What a case left behind. */
    public record Outcome(long[] gprs, long flags, byte[] data, boolean ran) {}

    private Harness() {}

    /** Runs {@code cases} on {@code accel}; returns one outcome per case. */
    public static List<Outcome> run(Accelerator accel, List<Case> cases) throws Exception {
        return run(accel, cases, false);
    }

    /** Runs the cases in 64-bit mode, or with {@code compat} in 32-bit compatibility mode. */
    public static List<Outcome> run(Accelerator accel, List<Case> cases, boolean compat) throws Exception {
        byte[] program = compat ? compatProgram(cases) : program(cases);
        try (GuestMemory memory = GuestMemory.pcLayout(MEMORY)) {
            BootPlan plan = KernelLoader.load(memory, "differential test", Elf64.image(CODE, program), "", null);
            for (int i = 0; i < cases.size(); i++) {
                memory.write(DATA + (long) i * DATA_STRIDE, cases.get(i).data());
            }
            runToEnd(accel, memory, plan);
            List<Outcome> out = new ArrayList<>();
            for (int i = 0; i < cases.size(); i++) {
                long slot = RESULTS + (long) i * RESULT_STRIDE;
                long[] g = new long[16];
                for (int r = 0; r < 16; r++) {
                    g[r] = memory.readLong(slot + 8L * r);
                }
                long flags = memory.readLong(slot + 16 * 8);
                boolean ran = memory.readLong(slot + 17 * 8) == 0xC0FFEE00L + i;
                out.add(new Outcome(g, flags, memory.read(DATA + (long) i * DATA_STRIDE, DATA_STRIDE), ran));
            }
            return out;
        }
    }

    /** Runs a loaded batch program on {@code accel} until it writes 0x5A to the debug-exit port. */
    static void runToEnd(Accelerator accel, GuestMemory memory, BootPlan plan) throws InterruptedException {
        IoBuses buses = IoBuses.create();
        VmLifecycle lifecycle = new VmLifecycle();
        buses.pio().register(DebugExit.PORT, DebugExit.WIDTH, new DebugExit(lifecycle));
        try (Vm vm = accel.createVm(new VmConfig(1), memory, buses, lifecycle)) {
            vm.setVcpuState(0, vm.vcpuState(0).withBoot(plan.cpu()));
            vm.start();
            VmStop stop = lifecycle.awaitStop(600, TimeUnit.SECONDS);
            if (!(stop instanceof VmStop.DebugExit d) || d.value() != 0x5A) {
                throw new IllegalStateException(accel.name() + " did not finish the batch: " + stop);
            }
        }
    }

    static byte[] program(List<Case> cases) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            long slot = RESULTS + (long) i * RESULT_STRIDE;
            // mov rsp, STACK_TOP
            movImm64(b, RSP, STACK_TOP);
            // flags: mov rax, flags; push rax; popfq
            movImm64(b, 0, c.flags());
            b.write(0x50);
            b.write(0x9D);
            long[] g = c.gprs();
            g[RBX] = DATA + (long) i * DATA_STRIDE;
            for (int r = 0; r < 16; r++) {
                if (r != RSP) {
                    movImm64(b, r, g[r]);
                }
            }
            b.writeBytes(c.code());
            for (int r = 0; r < 16; r++) {
                storeAbs(b, r, slot + 8L * r);
            }
            b.write(0x9C); // pushfq
            b.write(0x58); // pop rax
            storeAbs(b, 0, slot + 16 * 8);
            movImm64(b, 0, 0xC0FFEE00L + i); // the case ran to its end
            storeAbs(b, 0, slot + 17 * 8);
        }
        // mov eax, 0x5A; out 0xF4, eax
        b.writeBytes(new byte[] {(byte) 0xB8, 0x5A, 0, 0, 0, (byte) 0xE7, (byte) 0xF4});
        return b.toByteArray();
    }

    static final int SELECTOR_CODE32 = 0x08, SELECTOR_CODE64 = 0x10;

    /**
     * Each case drops to a 32-bit code segment (compatibility mode) with a far return, runs there
     * on EAX..EDI, stores the eight registers, EFLAGS and the marker with 32-bit absolute moves,
     * and far-returns to 64-bit code for the next case.
     */
    static byte[] compatProgram(List<Case> cases) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int i = 0; i < cases.size(); i++) {
            Case c = cases.get(i);
            long slot = RESULTS + (long) i * RESULT_STRIDE;
            movImm64(b, RSP, STACK_TOP);
            // push 0x08; movabs rax, target; push rax; retfq
            int at = b.size();
            b.write(0x6A);
            b.write(SELECTOR_CODE32);
            int movAt = b.size();
            movImm64(b, 0, 0); // patched below with the 32-bit entry's address
            b.write(0x50);
            b.write(0x48);
            b.write(0xCB);
            long entry = CODE + b.size();
            byte[] sofar = b.toByteArray();
            java.nio.ByteBuffer.wrap(sofar, movAt + 2, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(entry);
            b.reset();
            b.writeBytes(sofar);
            // 32-bit code from here
            b.write(0xBC);
            putInt(b, (int) (STACK_TOP - 64)); // mov esp, imm32
            b.write(0xB8);
            putInt(b, (int) c.flags()); // mov eax, flags; push eax; popfd
            b.write(0x50);
            b.write(0x9D);
            long[] g = c.gprs();
            g[RBX] = DATA + (long) i * DATA_STRIDE;
            for (int r = 0; r < 8; r++) {
                if (r != RSP) {
                    b.write(0xB8 | r);
                    putInt(b, (int) g[r]);
                }
            }
            b.writeBytes(c.code());
            for (int r = 0; r < 8; r++) {
                b.write(0x89);
                b.write((r << 3) | 5); // mov [disp32], r32
                putInt(b, (int) (slot + 8L * r));
            }
            b.write(0x9C); // pushfd
            b.write(0x58); // pop eax
            b.write(0x89);
            b.write(0x05);
            putInt(b, (int) (slot + 16 * 8));
            b.write(0xB8);
            putInt(b, (int) (0xC0FFEE00L + i));
            b.write(0x89);
            b.write(0x05);
            putInt(b, (int) (slot + 17 * 8));
            // push 0x10; push imm32 (the 64-bit continuation); retf
            b.write(0x6A);
            b.write(SELECTOR_CODE64);
            b.write(0x68);
            long back = CODE + b.size() + 4 + 1;
            putInt(b, (int) back);
            b.write(0xCB);
        }
        b.writeBytes(new byte[] {(byte) 0xB8, 0x5A, 0, 0, 0, (byte) 0xE7, (byte) 0xF4});
        return b.toByteArray();
    }

    static void putInt(ByteArrayOutputStream b, int v) {
        b.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
    }

    /** movabs r64, imm64 */
    static void movImm64(ByteArrayOutputStream b, int reg, long v) {
        b.write(0x48 | (reg >> 3));
        b.write(0xB8 | (reg & 7));
        ByteBuffer bb = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v);
        b.writeBytes(bb.array());
    }

    /** mov [disp32], r64 (absolute, no base: SIB 0x25) */
    static void storeAbs(ByteArrayOutputStream b, int reg, long addr) {
        b.write(0x48 | ((reg >> 3) << 2));
        b.write(0x89);
        b.write(((reg & 7) << 3) | 4);
        b.write(0x25);
        ByteBuffer bb = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) addr);
        b.writeBytes(bb.array());
    }

    /** A minimal ELF64 executable with one loadable segment, for the kernel loader. */
    static final class Elf64 {
        private Elf64() {}

        static byte[] image(long loadAddress, byte[] code) {
            int headers = 64 + 56;
            ByteBuffer b = ByteBuffer.allocate(headers + code.length).order(ByteOrder.LITTLE_ENDIAN);
            b.put(new byte[] {0x7F, 'E', 'L', 'F', 2, 1, 1, 0});
            b.position(16);
            b.putShort((short) 2); // ET_EXEC
            b.putShort((short) 62); // EM_X86_64
            b.putInt(1);
            b.putLong(loadAddress); // entry
            b.putLong(64); // phoff
            b.putLong(0); // shoff
            b.putInt(0);
            b.putShort((short) 64);
            b.putShort((short) 56);
            b.putShort((short) 1);
            b.putShort((short) 64);
            b.putShort((short) 0);
            b.putShort((short) 0);
            b.putInt(1); // PT_LOAD
            b.putInt(7);
            b.putLong(headers);
            b.putLong(loadAddress);
            b.putLong(loadAddress);
            b.putLong(code.length);
            b.putLong(code.length);
            b.putLong(0x1000);
            b.put(code);
            return b.array();
        }
    }
}
