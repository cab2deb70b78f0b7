package dev.jvmm.devmodel.boot;

import static dev.jvmm.devmodel.boot.TestImages.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.jvmm.devmodel.memory.GuestMemory;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Mutated and truncated images: the loader may succeed or throw BootException, nothing else. */
class KernelLoaderFuzzTest {
    private static final int ITERATIONS = Integer.getInteger("jvmm.fuzz.iterations", 2000);
    private static final long SEED = Long.getLong("jvmm.fuzz.seed", 0x5EEDL);
    private static final long[] WORDS = {0, 1, -1, 0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL, Long.MIN_VALUE,
        Long.MAX_VALUE, 0xFFFF, 0x8000, 0x100000, 0x3FFF000, 0x4000000, 0x1000};
    private static final byte[] INTERESTING = {0, 1, (byte) 0x7F, (byte) 0x80, (byte) 0xFF, (byte) 0xFE, 0x10, 0x40};

    @Test
    void mutatedImagesOnlyEverFailWithBootException() {
        byte[][] seeds = {
            multibootElf32(0x3, 0x100010, new Seg(0x100000, pattern(0x1800, 1), 0x3000),
                new Seg(0x200000, pattern(0x100, 2), 0x100)),
            elf64(0x1000000, new Seg(0x1000000, pattern(0x2000, 5), 0x2000), new Seg(0x1200000, pattern(0x80, 6), 0x1000)),
            bzImage(),
        };
        Random rnd = new Random(SEED);
        int ok = 0;
        int refused = 0;
        try (GuestMemory m = GuestMemory.pcLayout(64L << 20)) {
            for (int it = 0; it < ITERATIONS; it++) {
                byte[] img = seeds[it % seeds.length].clone();
                int mutations = 1 + rnd.nextInt(8);
                StringBuilder log = new StringBuilder();
                for (int k = 0; k < mutations; k++) {
                    // Headers are where the interesting bugs live: aim there most of the time.
                    int pos = rnd.nextInt(4) != 0 ? rnd.nextInt(Math.min(img.length, 0x300)) : rnd.nextInt(img.length);
                    if (rnd.nextInt(3) == 0) {
                        // A whole little-endian field at once: reaches the overflow cases single bytes miss.
                        int width = 1 << (1 + rnd.nextInt(3));
                        pos &= ~(width - 1);
                        long v = WORDS[rnd.nextInt(WORDS.length)];
                        for (int i = 0; i < width && pos + i < img.length; i++) {
                            img[pos + i] = (byte) (v >>> (8 * i));
                        }
                        log.append(String.format(" [0x%x..+%d]=0x%x", pos, width, v));
                    } else {
                        byte v = rnd.nextBoolean() ? INTERESTING[rnd.nextInt(INTERESTING.length)] : (byte) rnd.nextInt(256);
                        img[pos] = v;
                        log.append(String.format(" [0x%x]=0x%02x", pos, v & 0xFF));
                    }
                }
                if (rnd.nextInt(4) == 0) {
                    int len = rnd.nextInt(img.length + 1);
                    img = Arrays.copyOf(img, len);
                    log.append(" truncated to ").append(len);
                }
                byte[] initrd = switch (rnd.nextInt(3)) {
                    case 0 -> null;
                    case 1 -> new byte[rnd.nextInt(0x3000)];
                    default -> new byte[0];
                };
                String cmdline = "x".repeat(rnd.nextInt(3) == 0 ? rnd.nextInt(5000) : rnd.nextInt(40));
                try {
                    BootPlan plan = KernelLoader.load(m, "fuzz", img, cmdline, initrd);
                    assertNotNull(plan.cpu());
                    ok++;
                } catch (BootException e) {
                    assertNotNull(e.getMessage());
                    assertTrue(e.getMessage().startsWith("kernel image fuzz: "), e.getMessage());
                    refused++;
                } catch (Throwable t) {
                    fail("iteration " + it + " (seed image " + it % seeds.length + "," + log + ") threw " + t, t);
                }
            }
        }
        assertEquals(ITERATIONS, ok + refused);
        System.out.println("fuzz: " + ok + " loaded, " + refused + " refused");
        assertTrue(ok > 0 && refused > 0, "ok=" + ok + " refused=" + refused);
    }
}
