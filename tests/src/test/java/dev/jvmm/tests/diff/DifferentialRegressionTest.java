package dev.jvmm.tests.diff;

import static dev.jvmm.tests.diff.Case.hex;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every mismatch the differential test has found, kept as it was found (the generator's own
 * reproducer lines), so each fixed TCG bug stays fixed.
 */
class DifferentialRegressionTest {
    static final List<Case> FOUND = List.of(
        // CMPXCHG r/m32 with a register destination writes it back (zero-extended) even when unequal.
        new Case("cmpxchg32", hex("450fb1ec"), new long[] {0x73b0fddffeafb8dL, 0x9bL, 0x20L, 0x7fffL,
            0x5f5c887adc803249L, 0x9fL, 0x6107c219f8796ddeL, 0xeba999d9971bb369L, 0x8000000000000001L, 0x1L,
            0xb40b5386cda1037aL, 0x43469526db29de5bL, 0x671a640b259bfe3bL, 0x849390fc087dff2L, 0x40L, 0x80000000L},
            0x8c3L, hex("27c849097f6a00999a7b0bbac10059ed1f8d20e65a8b9c1981a380367a8cb040edb1d3dd2de12ceb1f07642300cf1507"
                + "3c5500feef140265945fbeffd02affd2"), 0x0L),
        new Case("cmpxchg32", hex("410fb1e8"), new long[] {0x7fffffffL, 0xa90ded7c1feaff74L, 0xaL, 0x9c61a8bffbd9acabL,
            0x73L, 0x159c5a8ecf7bbe0dL, 0x37L, 0x1bL, 0xeb9b63f9bc314903L, 0x7d48aa1331d80d5dL, 0x100L,
            0x4f344d638fa3dad5L, 0xf6L, 0x4946e7f17a8197dbL, 0x1163e10dd142e1a4L, 0x12bc8fa955b07a77L}, 0x13L,
            hex("00f0a091b240d79e40ffff79a3e9ac9e086f2ad498d55e48ffd439562ab0bdae2fa98a348013a4d1d3f5df9b9d5bcd12"
                + "a610000ed94099b60f262569f9c12dc5"), 0x0L),
        // BSR/BSF r32 with a zero source leave the destination as it was, upper half included.
        new Case("bsr32", hex("440fbdce"), new long[] {0xb3L, 0x8000000000000000L, 0x80L, 0x130931a053e00673L,
            0x8000000000000001L, 0x10L, 0x8000000000000000L, 0xd62fc952f14b65e0L, 0x40edb38c7733fc67L,
            0x54c7187ad4ff73b1L, 0x20L, 0x3fL, 0x3f8bb6002cb25727L, 0x8d659c4fbb282f3bL, 0x47a11fb7d8918058L, 0xc1L},
            0x86L, hex("ff813d4028ffc6fa37bb1c76020160204e00173ffc0361bece7208e60000a55dc1253a2679893fcdd04b6bff008c650d"
                + "c94a7528bf113695fd62dbb6c43bffdb"), 0x895L),
        new Case("or64 reg,rm mem; bsf32; dec8; dec32", hex("4c0b6b00410fbccbfe4b2dff4b19"), new long[] {
            0xffffffffffffffffL, 0x449c02f030c21b29L, 0x5d6cfdc3ccee39a5L, 0xed3a1b1fc2b88573L, 0x1L,
            0xdead724149292e86L, 0xfL, 0x3f45514dcbf88ef6L, 0x7152f7675689c6b7L, 0xbdL, 0xe5L, 0x100000000L,
            0x7fffffffL, 0x5555555555555555L, 0x81a4a0177932cc75L, 0x4530d510a2706f16L}, 0x8c3L,
            hex("403fbed8eaffc7ff94153c003875f1ef9cf3ff9080973dd42028662ac3882e1cf5ffff44b29ba43f1071002f4daa88ff"
                + "ff2bdb28e7da02affffe003b81009d46"), 0x1L));

    @Test
    void everyMismatchFoundSoFarStaysFixed() throws Exception {
        List<String> m = Differential.compare(DifferentialTest.kvm(), Differential.accelerator("tcg"), FOUND);
        assertTrue(m.isEmpty(), () -> String.join("\n", m));
    }
}
