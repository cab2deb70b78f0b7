package dev.jvmm.tests.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmm.devmodel.accel.Accelerator;
import dev.jvmm.devmodel.accel.Availability;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The TCG against KVM on generated instructions, with a fixed seed and a bounded count. */
class DifferentialTest {
    static final long SEED = 0x6A766D6DL; // "jvmm"
    static final int COUNT = 3000;

    static Accelerator kvm() {
        Accelerator kvm = Differential.accelerator("kvm");
        Availability a = kvm.availability();
        Assumptions.assumeTrue(a.available(), () -> "the differential test needs KVM as its oracle: " + a.reason());
        return kvm;
    }

    @Test
    void tcgAgreesWithKvmOnGeneratedInstructions() throws Exception {
        Accelerator kvm = kvm();
        List<Case> cases = new Generator(SEED).cases(COUNT);
        List<String> mismatches = Differential.compare(kvm, Differential.accelerator("tcg"), cases);
        assertTrue(mismatches.isEmpty(), () -> mismatches.size() + " of " + COUNT + " cases differ:\n"
            + String.join("\n", mismatches.subList(0, Math.min(20, mismatches.size()))));
    }

    @Test
    void tcgAgreesWithKvmInCompatibilityMode() throws Exception {
        Accelerator kvm = kvm();
        List<Case> cases = new Generator(SEED + 1, true).cases(COUNT / 2);
        List<String> mismatches = Differential.compare(kvm, Differential.accelerator("tcg"), cases, true);
        assertTrue(mismatches.isEmpty(), () -> mismatches.size() + " of " + cases.size() + " 32-bit cases differ:\n"
            + String.join("\n", mismatches.subList(0, Math.min(20, mismatches.size()))));
    }

    @Test
    void theHarnessSeesADifferenceWhenThereIsOne() throws Exception {
        // Guard against a harness that compares nothing: add rax, rcx from two different RCX values
        // must be reported as a difference in RAX.
        Accelerator kvm = kvm();
        long[] g = new long[16];
        g[1] = 5;
        Case a = new Case("add rax, rcx", Case.hex("4801c8"), g, 0x2, new byte[Harness.DATA_STRIDE], 0);
        g[1] = 6;
        Case b = new Case("add rax, rcx", Case.hex("4801c8"), g, 0x2, new byte[Harness.DATA_STRIDE], 0);
        Harness.Outcome ra = Harness.run(kvm, List.of(a)).get(0);
        Harness.Outcome rb = Harness.run(kvm, List.of(b)).get(0);
        assertTrue(ra.ran() && rb.ran());
        assertEquals(5, ra.gprs()[0]);
        String d = Differential.difference(a, ra, rb, "a", "b");
        assertTrue(d != null && d.contains("r0 a=5 b=6"), () -> "difference not seen: " + d);
    }
}
