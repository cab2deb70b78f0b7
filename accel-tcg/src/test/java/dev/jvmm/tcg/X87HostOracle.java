package dev.jvmm.tcg;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs x87 instructions on the host's real FPU as an oracle: a small C helper (compiled with the
 * host's gcc) executes, for each case, FNINIT; FLDCW; pushes of the operands; the instruction
 * under test with [RBX] pointing at a 32-byte memory block; FNSAVE; and reports the saved state,
 * the memory block, RAX and RFLAGS. Available only on x86-64 Linux with gcc.
 */
final class X87HostOracle {
    /** One case; the layout of {@link #REC} bytes shared with the helper. */
    static final int REC = 256;
    static final int MEM = 0, CW = 32, FLAGS_IN = 40, A = 48, B = 64, FLAGS_OUT = 80, RAX_OUT = 88, SAVE = 96,
        DEPTH = 204, LEN = 205, INSN = 206;

    private static final String C_SOURCE = """
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <sys/mman.h>
        #define REC 256
        int main(int argc, char **argv) {
            FILE *in = fopen(argv[1], "rb"); FILE *out = fopen(argv[2], "wb");
            unsigned char *code = mmap(0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            static unsigned char rec[REC] __attribute__((aligned(64)));
            while (fread(rec, 1, REC, in) == REC) {
                int n = 0;
                code[n++] = 0x53;                                      /* push rbx */
                code[n++] = 0x48; code[n++] = 0x89; code[n++] = 0xFB;  /* mov rbx, rdi */
                code[n++] = 0x48; code[n++] = 0x8B; code[n++] = 0x43; code[n++] = 40; /* mov rax,[rbx+40] */
                code[n++] = 0x50; code[n++] = 0x9D;                    /* push rax; popfq */
                code[n++] = 0xDB; code[n++] = 0xE3;                    /* fninit */
                code[n++] = 0xD9; code[n++] = 0x6B; code[n++] = 32;    /* fldcw [rbx+32] */
                int depth = rec[204];
                for (int i = 0; i < depth; i++) {
                    code[n++] = 0xDB; code[n++] = 0x6B; code[n++] = i == depth - 1 ? 48 : 64; /* fld tword */
                }
                for (int i = 0; i < rec[205]; i++) code[n++] = rec[206 + i];
                code[n++] = 0x48; code[n++] = 0x89; code[n++] = 0x43; code[n++] = 88; /* mov [rbx+88],rax */
                code[n++] = 0xDD; code[n++] = 0x73; code[n++] = 96;    /* fnsave [rbx+96] */
                code[n++] = 0x9C; code[n++] = 0x58;                    /* pushfq; pop rax */
                code[n++] = 0x48; code[n++] = 0x89; code[n++] = 0x43; code[n++] = 80; /* mov [rbx+80],rax */
                code[n++] = 0xDB; code[n++] = 0xE3;                    /* fninit */
                code[n++] = 0x5B; code[n++] = 0xC3;                    /* pop rbx; ret */
                ((void (*)(unsigned char *)) code)(rec);
                fwrite(rec, 1, REC, out);
            }
            fclose(out);
            return 0;
        }
        """;

    private static Path helper;
    private static boolean tried;

    /** The compiled helper, or null when the host cannot provide one. */
    static synchronized Path helper() {
        if (tried) {
            return helper;
        }
        tried = true;
        String arch = System.getProperty("os.arch");
        if (!System.getProperty("os.name").toLowerCase().contains("linux")
            || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return null;
        }
        try {
            Path dir = Files.createTempDirectory("x87oracle");
            Path src = dir.resolve("oracle.c");
            Path exe = dir.resolve("oracle");
            dir.toFile().deleteOnExit(); // deleted last: registered first
            src.toFile().deleteOnExit();
            exe.toFile().deleteOnExit();
            Files.writeString(src, C_SOURCE);
            Process p = new ProcessBuilder("gcc", "-O1", "-o", exe.toString(), src.toString())
                .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return null;
            }
            helper = exe;
        } catch (IOException | InterruptedException e) {
            return null;
        }
        return helper;
    }

    /** Runs the records through the host FPU; returns the completed records. */
    static byte[] run(byte[] records) throws IOException, InterruptedException {
        Path dir = helper().getParent();
        Path in = Files.createTempFile(dir, "in", ".bin");
        Path out = Files.createTempFile(dir, "out", ".bin");
        Files.write(in, records);
        Process p = new ProcessBuilder(List.of(helper().toString(), in.toString(), out.toString()))
            .redirectErrorStream(true).start();
        String msg = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("oracle failed: " + p.exitValue() + " " + msg);
        }
        byte[] r = Files.readAllBytes(out);
        Files.delete(in);
        Files.delete(out);
        return r;
    }

    static ByteBuffer le(byte[] b) {
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    }

    private X87HostOracle() {}
}
