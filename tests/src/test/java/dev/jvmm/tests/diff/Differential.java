package dev.jvmm.tests.diff;

import dev.jvmm.devmodel.accel.Accelerator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;

/** Runs cases on KVM and on the TCG and describes every difference. */
public final class Differential {
    static final long STATUS = Generator.ALL;
    static final int BATCH = 500;

    private Differential() {}

    public static Accelerator accelerator(String name) {
        for (Accelerator a : ServiceLoader.load(Accelerator.class)) {
            if (a.name().equals(name)) {
                return a;
            }
        }
        throw new IllegalStateException("no accelerator " + name);
    }

    /** Compares the cases; returns one description per mismatching case (empty when all agree). */
    public static List<String> compare(Accelerator reference, Accelerator tested, List<Case> cases) throws Exception {
        return compare(reference, tested, cases, false);
    }

    /** As {@link #compare(Accelerator, Accelerator, List)}, in compatibility mode when {@code compat}. */
    public static List<String> compare(Accelerator reference, Accelerator tested, List<Case> cases, boolean compat)
        throws Exception {
        return inBatches(cases, BATCH, batch -> Harness.run(reference, batch, compat),
            batch -> Harness.run(tested, batch, compat),
            (c, ref, got) -> difference(c, ref, got, reference.name(), tested.name()));
    }

    /** Runs a batch of cases somewhere (an accelerator, the host CPU) and returns one outcome each. */
    @FunctionalInterface
    interface BatchRunner<C, O> {
        List<O> run(List<C> batch) throws Exception;
    }

    /** Describes how one case's two outcomes differ, or null when they agree. */
    @FunctionalInterface
    interface Differ<C, O> {
        String difference(C c, O reference, O tested);
    }

    /** Runs the cases batch by batch on both sides; returns one description per mismatching case. */
    static <C, O> List<String> inBatches(List<C> cases, int batchSize, BatchRunner<C, O> reference,
                                         BatchRunner<C, O> tested, Differ<C, O> differ) throws Exception {
        List<String> mismatches = new ArrayList<>();
        for (int from = 0; from < cases.size(); from += batchSize) {
            List<C> batch = cases.subList(from, Math.min(cases.size(), from + batchSize));
            List<O> ref = reference.run(batch);
            List<O> got = tested.run(batch);
            for (int i = 0; i < batch.size(); i++) {
                String d = differ.difference(batch.get(i), ref.get(i), got.get(i));
                if (d != null) {
                    mismatches.add(d);
                }
            }
        }
        return mismatches;
    }

    /** Appends whether each side ran the case to its end, and every general register that differs. */
    static void appendRanAndGprs(StringBuilder sb, boolean refRan, boolean gotRan, long[] refGprs, long[] gotGprs,
                                 String refName, String gotName) {
        if (!refRan || !gotRan) {
            sb.append(" did not run to its end (").append(refName).append(' ').append(refRan).append(", ")
                .append(gotName).append(' ').append(gotRan).append(')');
        }
        for (int r = 0; r < 16; r++) {
            if (refGprs[r] != gotGprs[r]) {
                sb.append(String.format(" r%d %s=%x %s=%x", r, refName, refGprs[r], gotName, gotGprs[r]));
            }
        }
    }

    static String difference(Case c, Harness.Outcome ref, Harness.Outcome got, String refName, String gotName) {
        StringBuilder sb = new StringBuilder();
        Differential.appendRanAndGprs(sb, ref.ran(), got.ran(), ref.gprs(), got.gprs(), refName, gotName);
        long mask = STATUS & ~c.undefinedFlags();
        if ((ref.flags() & mask) != (got.flags() & mask)) {
            sb.append(String.format(" flags(mask %x) %s=%x %s=%x", mask, refName, ref.flags() & mask, gotName,
                got.flags() & mask));
        }
        if ((ref.flags() & ~STATUS & 0xFFF) != (got.flags() & ~STATUS & 0xFFF)) {
            sb.append(String.format(" system flags %s=%x %s=%x", refName, ref.flags(), gotName, got.flags()));
        }
        if (!Arrays.equals(ref.data(), got.data())) {
            sb.append(" data differs");
        }
        return sb.length() == 0 ? null : c.description() + ":" + sb + "\n    " + c.reproducer();
    }

    /**
     * The long run: {@code Differential COUNT [SEED]} compares COUNT generated cases and prints every
     * mismatch with a line that recreates it as a regression test.
     */
    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : System.nanoTime();
        Accelerator kvm = accelerator("kvm");
        if (!kvm.availability().available()) {
            System.out.println("differential run needs KVM: " + kvm.availability().reason());
            System.exit(2);
        }
        Accelerator tcg = accelerator("tcg");
        Generator g = new Generator(seed);
        Generator g32 = new Generator(seed + 1, true);
        int done = 0, bad = 0;
        long t0 = System.nanoTime();
        while (done < count) {
            int n = Math.min(10 * BATCH, count - done);
            // One batch in four runs in 32-bit compatibility mode.
            boolean compat = (done / (10 * BATCH)) % 4 == 3;
            List<String> m = compare(kvm, tcg, (compat ? g32 : g).cases(n), compat);
            m.forEach(System.out::println);
            bad += m.size();
            done += n;
            System.out.printf("%d cases, %d mismatches (seed %d, %.0f s)%n", done, bad, seed,
                (System.nanoTime() - t0) / 1e9);
        }
        System.exit(bad == 0 ? 0 : 1);
    }
}
