package dev.jvmm.tests.diff;

import dev.jvmm.devmodel.accel.Accelerator;
import java.util.Arrays;
import java.util.List;

/** Runs SSE cases on KVM and on the TCG and describes every difference. */
public final class SseDifferential {
    static final int BATCH = 500;

    private SseDifferential() {}

    /** Something that runs a batch of cases: an accelerator through {@link SseHarness}, or the host CPU. */
    public interface Runner {
        String name();

        List<SseHarness.Outcome> run(List<SseCase> batch) throws Exception;
    }

    /** An accelerator; {@code mxcsr} false leaves MXCSR out (KVM's emulator cannot load or store it). */
    public static Runner on(Accelerator a, boolean mxcsr) {
        return new Runner() {
            @Override
            public String name() {
                return a.name();
            }

            @Override
            public List<SseHarness.Outcome> run(List<SseCase> batch) throws Exception {
                return SseHarness.run(a, batch, mxcsr);
            }
        };
    }

    /** The host CPU (see {@link SseNative}). */
    public static Runner host() {
        return new Runner() {
            @Override
            public String name() {
                return "host";
            }

            @Override
            public List<SseHarness.Outcome> run(List<SseCase> batch) {
                return SseNative.run(batch);
            }
        };
    }

    /** Compares the cases; returns one description per mismatching case (empty when all agree). */
    public static List<String> compare(Runner reference, Runner tested, List<SseCase> cases) throws Exception {
        return Differential.inBatches(cases, BATCH, reference::run, tested::run,
            (c, ref, got) -> difference(c, ref, got, reference.name(), tested.name()));
    }

    static String difference(SseCase c, SseHarness.Outcome ref, SseHarness.Outcome got, String refName, String gotName) {
        StringBuilder sb = new StringBuilder();
        Differential.appendRanAndGprs(sb, ref.ran(), got.ran(), ref.gprs(), got.gprs(), refName, gotName);
        // The six status flags (the host runs at CPL 3 with IF set, the guests at CPL 0 with IF clear).
        long status = Generator.ALL;
        if ((ref.flags() & status) != (got.flags() & status)) {
            sb.append(String.format(" flags %s=%x %s=%x", refName, ref.flags() & status, gotName, got.flags() & status));
        }
        for (int x = 0; x < 16; x++) {
            long[] a = ref.xmm(), b = got.xmm();
            if (a[2 * x] != b[2 * x] || a[2 * x + 1] != b[2 * x + 1]) {
                sb.append(String.format(" xmm%d %s=%016x:%016x %s=%016x:%016x", x, refName, a[2 * x + 1], a[2 * x],
                    gotName, b[2 * x + 1], b[2 * x]));
            }
        }
        for (int m = 0; m < 8; m++) {
            if (ref.mm()[m] != got.mm()[m]) {
                sb.append(String.format(" mm%d %s=%016x %s=%016x", m, refName, ref.mm()[m], gotName, got.mm()[m]));
            }
        }
        if (ref.mxcsr() != got.mxcsr()) {
            sb.append(String.format(" mxcsr %s=%x %s=%x", refName, ref.mxcsr(), gotName, got.mxcsr()));
        }
        if (!Arrays.equals(ref.data(), got.data())) {
            sb.append(" data differs");
        }
        return sb.length() == 0 ? null
            : c.description() + String.format(" (mxcsr in %x):", c.mxcsr()) + sb + "\n    " + c.reproducer();
    }

    /**
     * {@code SseDifferential COUNT [SEED [FORM-REGEX]]} compares COUNT generated cases between the host CPU and
     * the TCG and prints every mismatch with a line that recreates it as a regression test.
     * {@code SseDifferential probe} runs each instruction form alone on KVM and lists those KVM
     * cannot run.
     */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("probe")) {
            Accelerator kvm = Differential.accelerator("kvm");
            for (SseGenerator.Form f : SseGenerator.FORMS) {
                try {
                    List<SseHarness.Outcome> o = SseHarness.run(kvm, new SseGenerator(1, List.of(f)).cases(20), false);
                    System.out.println((o.stream().allMatch(SseHarness.Outcome::ran) ? "runs: " : "did not run: ")
                        + f.name());
                } catch (Exception e) {
                    System.out.println("KVM fails " + f.name() + ": " + e.getMessage());
                }
            }
            System.exit(0);
        }
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : System.nanoTime();
        Runner tcg = on(Differential.accelerator("tcg"), true);
        Runner host = host();
        // An optional third argument: a regular expression that the instruction forms' names must match.
        List<SseGenerator.Form> forms = args.length > 2
            ? SseGenerator.FORMS.stream().filter(f -> f.name().matches(args[2])).toList() : SseGenerator.FORMS;
        SseGenerator g = new SseGenerator(seed, forms);
        int done = 0, bad = 0;
        long t0 = System.nanoTime();
        while (done < count) {
            int n = Math.min(10 * BATCH, count - done);
            List<String> m = compare(host, tcg, g.cases(n));
            m.forEach(System.out::println);
            bad += m.size();
            done += n;
            System.out.printf("%d cases, %d mismatches (seed %d, %.0f s)%n", done, bad, seed,
                (System.nanoTime() - t0) / 1e9);
        }
        System.exit(bad == 0 ? 0 : 1);
    }
}
