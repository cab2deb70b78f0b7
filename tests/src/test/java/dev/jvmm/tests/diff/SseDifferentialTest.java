package dev.jvmm.tests.diff;

import static dev.jvmm.tests.diff.SseCase.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmm.devmodel.accel.Accelerator;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The TCG's SSE against real CPUs: generated cases with a fixed seed and count, and every mismatch
 * found so far. KVM is the oracle for the instruction forms its emulator can run here (the moves:
 * see {@link SseNative}); the host CPU, running the same cases natively, for all of them.
 */
class SseDifferentialTest {
    static final long SEED = 0x5353_4532L; // "SSE2"
    static final int COUNT = 100_000;
    static final int KVM_COUNT = 1000;
    /** The forms this machine's KVM can run (probed with {@code SseDifferential probe}): the moves. */
    static final List<String> KVM_FORMS = List.of("movups", "movupd", "movups st", "movupd st", "movaps", "movapd",
        "movaps st", "movapd st", "movntps", "movntpd", "movdqa", "movdqu", "movdqa st", "movdqu st", "movntdq",
        "movnti");

    /**
     * Mismatches the differential test found; each was a TCG bug, now fixed. The first found were
     * CVTPS2DQ of a denormal with DAZ set (rounded up to 1 under RC=up, and to -1 with a precision
     * flag under RC=down: DAZ applies to the conversions to integer too), reduced to these cases.
     */
    static final List<SseCase> FOUND = List.of(
        // cvtps2dq xmm0, xmm1; DAZ, RC=up: +denormal, -denormal, 1.5, -2.5 -> 0, 0, 2, -2
        new SseCase("cvtps2dq DAZ RU", hex("660f5bc1"), new long[16], 0x2,
            xmm(1, 0x8000_0001_0000_0001L, 0xC020_0000_3FC0_0000L), 0x5FC0, new byte[64]),
        // cvtps2dq xmm7, xmm9 (REX.W); DAZ, RC=down: -denormal -> 0, no precision flag
        new SseCase("cvtps2dq DAZ RD", hex("66490f5bf9"), new long[16], 0x2,
            xmm(9, 0x0000_0006_8000_0010L, 0x0000_0000_807F_FFFFL), 0x3FC0, new byte[64]),
        // cvttss2si / cvtsd2si of denormals with and without DAZ
        new SseCase("cvtss2si DAZ RU", hex("f30f2dc2"), new long[16], 0x2, xmm(2, 0x0000_0000_0000_0003L, 0), 0x5FC0,
            new byte[64]),
        new SseCase("cvtsd2si RU", hex("f2480f2dc2"), new long[16], 0x2, xmm(2, 0x0000_0000_0000_0003L, 0), 0x5F80,
            new byte[64]));

    /** XMM state with XMMn = (lo, hi) and the other registers zero. */
    static long[] xmm(int n, long lo, long hi) {
        long[] x = new long[32];
        x[2 * n] = lo;
        x[2 * n + 1] = hi;
        return x;
    }

    static SseDifferential.Runner tcg() {
        Accelerator tcg = Differential.accelerator("tcg");
        // LDMXCSR/STMXCSR belong to the XSAVE-image code (XState); until it keeps MXCSR in the CPU field
        // the SSE unit reads, the TCG cannot be given a rounding mode, and the comparison means nothing.
        long[] x = new long[32];
        x[0] = Double.doubleToRawLongBits(-1.5);
        SseCase probe = new SseCase("cvtsd2si eax, xmm0", hex("f20f2dc0"), new long[16], 0x2, x, 0x3F80, new byte[64]);
        try {
            SseHarness.Outcome o = SseHarness.run(tcg, List.of(probe)).get(0);
            Assumptions.assumeTrue(o.ran() && o.gprs()[0] == 0xFFFF_FFFEL,
                "the TCG's LDMXCSR does not reach the SSE unit's MXCSR yet");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return SseDifferential.on(tcg, true);
    }

    static SseDifferential.Runner host() {
        Assumptions.assumeTrue(SseNative.available(), "the host CPU oracle needs x86-64 Linux");
        return SseDifferential.host();
    }

    @Test
    void tcgAgreesWithTheHostCpuOnGeneratedSseInstructions() throws Exception {
        SseDifferential.Runner host = host();
        List<SseCase> cases = new SseGenerator(SEED).cases(COUNT);
        List<String> mismatches = SseDifferential.compare(host, tcg(), cases);
        assertTrue(mismatches.isEmpty(), () -> mismatches.size() + " of " + COUNT + " cases differ:\n"
            + String.join("\n", mismatches.subList(0, Math.min(20, mismatches.size()))));
    }

    @Test
    void tcgAgreesWithKvmOnTheMovesKvmCanRun() throws Exception {
        Accelerator kvm = DifferentialTest.kvm();
        List<SseGenerator.Form> forms = SseGenerator.FORMS.stream().filter(f -> KVM_FORMS.contains(f.name())).toList();
        assertEquals(KVM_FORMS.size(), forms.size());
        List<SseCase> cases = new SseGenerator(SEED, forms).cases(KVM_COUNT);
        List<String> mismatches = SseDifferential.compare(SseDifferential.on(kvm, false),
            SseDifferential.on(Differential.accelerator("tcg"), false), cases);
        assertTrue(mismatches.isEmpty(), () -> mismatches.size() + " of " + KVM_COUNT + " cases differ:\n"
            + String.join("\n", mismatches.subList(0, Math.min(20, mismatches.size()))));
    }

    @Test
    void everySseMismatchFoundSoFarStaysFixed() throws Exception {
        SseDifferential.Runner host = host();
        List<String> m = SseDifferential.compare(host, tcg(), FOUND);
        assertTrue(m.isEmpty(), () -> String.join("\n", m));
    }

    @Test
    void theHarnessesLoadAndStoreTheSseState() throws Exception {
        // paddd xmm0, xmm1 from known values: the sum must come back in XMM0, and MXCSR as loaded.
        long[] x = new long[32];
        x[0] = 0x0000_0001_0000_0002L;
        x[1] = 5;
        x[2] = 0x0000_0010_0000_0020L;
        x[3] = 7;
        SseCase c = new SseCase("paddd xmm0, xmm1", hex("660ffec1"), new long[16], 0x2, x, 0x3F80, new byte[64]);
        for (SseDifferential.Runner r : List.of(host(), tcg())) {
            SseHarness.Outcome o = r.run(List.of(c)).get(0);
            assertTrue(o.ran(), r.name());
            assertEquals(0x0000_0011_0000_0022L, o.xmm()[0], r.name());
            assertEquals(12, o.xmm()[1], r.name());
            assertEquals(0x3F80, o.mxcsr(), r.name());
        }
        // And a difference is seen when there is one.
        SseHarness.Outcome a = host().run(List.of(c)).get(0);
        x[2] = 0x0000_0010_0000_0021L;
        SseCase c2 = new SseCase("paddd xmm0, xmm1", hex("660ffec1"), new long[16], 0x2, x, 0x3F80, new byte[64]);
        SseHarness.Outcome b = host().run(List.of(c2)).get(0);
        String d = SseDifferential.difference(c, a, b, "a", "b");
        assertTrue(d != null && d.contains("xmm0"), () -> "difference not seen: " + d);
    }
}
