package dev.jvmm.tcg;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Guest code is hostile: whatever bytes and register values a guest runs, the interpreter may only
 * execute them or raise a guest exception, never fail with a Java exception of its own.
 */
class TcgFuzzTest {
    static final int CASES = Integer.getInteger("jvmm.fuzz.cases", 30_000);

    @Test
    void randomCodeInLongModeOnlyExecutesOrFaults() {
        fuzz(true, 0x5EED_0001L);
    }

    @Test
    void randomCodeInRealModeOnlyExecutesOrFaults() {
        fuzz(false, 0x5EED_0002L);
    }

    private static void fuzz(boolean longMode, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        try (Rig t = new Rig()) {
            for (int i = 0; i < CASES; i++) {
                if (longMode) {
                    t.longMode();
                    t.cpu.cr4 |= 0x600 | (1 << 18); // OSFXSR, OSXMMEXCPT, OSXSAVE: reach the SIMD paths too
                } else {
                    t.realMode();
                }
                byte[] code = new byte[16];
                rnd.nextBytes(code);
                for (int b = 0; b < code.length; b++) {
                    t.mem.writeByte(Rig.CODE + b, code[b]);
                }
                for (int r = 0; r < 16; r++) {
                    if (r == 4) {
                        continue;
                    }
                    // Half the registers point into RAM, the rest are anything.
                    t.cpu.r[r] = rnd.nextBoolean() ? 0x200000 + rnd.nextInt(0x100000) : rnd.nextLong();
                }
                t.cpu.setFlags(0x2 | (rnd.nextLong() & 0xCD5));
                long startRip = t.cpu.rip;
                for (int step = 0; step < 4; step++) {
                    try {
                        t.exec.step();
                    } catch (CpuFault expected) {
                        break;
                    } catch (RuntimeException | Error e) {
                        fail("case " + i + ": " + HexFormat.of().formatHex(code) + " at " + Long.toHexString(startRip)
                            + " threw " + e, e);
                    }
                    if (t.cpu.halted) {
                        break;
                    }
                }
            }
        }
    }
}
