package dev.jvmm.bench;

import dev.jvmm.devmodel.accel.Accelerator;
import dev.jvmm.devmodel.accel.Vm;
import dev.jvmm.devmodel.accel.VmConfig;
import dev.jvmm.devmodel.accel.VmLifecycle;
import dev.jvmm.devmodel.accel.VmStop;
import dev.jvmm.devmodel.bus.IoBuses;
import dev.jvmm.devmodel.devices.debugexit.DebugExit;
import dev.jvmm.devmodel.memory.GuestMemory;
import dev.jvmm.devmodel.vcpu.BootCpu;
import dev.jvmm.devmodel.vcpu.DescriptorTable;
import dev.jvmm.devmodel.vcpu.Segment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The cost of one port-I/O exit handled by jvmm's KVM vCPU loop in Java, beside the same guest loop
 * driven by raw ioctls from C (tests/bench/pio_exit.c) in the same run. Not a test: run
 * {@code bench/pio-exit}. Prints per-round figures, the medians and their ratio.
 */
public final class PioExitBenchmark {
    private PioExitBenchmark() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 7;
        String cBinary = args[0];
        Accelerator kvm = null;
        for (Accelerator a : ServiceLoader.load(Accelerator.class)) {
            if (a.name().equals("kvm")) {
                kvm = a;
            }
        }
        if (kvm == null || !kvm.availability().available()) {
            System.out.println("pio-exit benchmark: KVM unavailable: "
                + (kvm == null ? "not in this build" : kvm.availability().reason()));
            return;
        }
        System.out.printf("PIO exit benchmark: %d `out` exits per round, %d rounds (plus one warm-up each)%n", n, rounds);
        runJava(kvm, n);
        runC(cBinary, n);
        List<Double> java = new ArrayList<>(), c = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            // Alternate so drift in the host's load affects both sides alike.
            double j = runJava(kvm, n);
            double r = runC(cBinary, n);
            java.add(j);
            c.add(r);
            System.out.printf("  round %d: jvmm (Java) %8.0f ns/exit   C raw ioctl %8.0f ns/exit%n", i + 1, j, r);
        }
        double mj = median(java), mc = median(c);
        System.out.printf("median ns per PIO exit: jvmm %.0f, C %.0f, ratio jvmm/C %.3f (goal <= 1.10)%n", mj, mc, mj / mc);

        // The floor under every exit: one ioctl from Java (JNR) against one from C, no guest involved.
        int calls = 1_000_000;
        List<Double> ji = new ArrayList<>(), ci = new ArrayList<>();
        ioctlJava(calls);
        for (int i = 0; i < rounds; i++) {
            ji.add(ioctlJava(calls));
            ci.add(runC(cBinary, calls, "--ioctl"));
        }
        System.out.printf("median ns per bare ioctl (KVM_CHECK_EXTENSION): jvmm %.0f, C %.0f, ratio %.3f%n",
            median(ji), median(ci), median(ji) / median(ci));
    }

    static double runJava(Accelerator kvm, int n) throws Exception {
        try (GuestMemory memory = GuestMemory.pcLayout(2L << 20)) {
            memory.write(0x1000, guestLoop(n));
            IoBuses buses = IoBuses.create();
            VmLifecycle lifecycle = new VmLifecycle();
            buses.pio().register(DebugExit.PORT, DebugExit.WIDTH, new DebugExit(lifecycle));
            try (Vm vm = kvm.createVm(new VmConfig(1), memory, buses, lifecycle)) {
                BootCpu real = new BootCpu(new long[16], 0x1000, 2, Segment.real(0, true), Segment.real(0, false),
                    new DescriptorTable(0, 0xFFFF), new DescriptorTable(0, 0x3FF), 0x10, 0, 0, 0);
                vm.setVcpuState(0, vm.vcpuState(0).withBoot(real));
                long before = buses.pio().unclaimedWrites();
                long start = System.nanoTime();
                vm.start();
                VmStop stop = lifecycle.awaitStop();
                long elapsed = System.nanoTime() - start;
                long exits = buses.pio().unclaimedWrites() - before;
                if (!(stop instanceof VmStop.DebugExit) || exits != n) {
                    throw new IllegalStateException("benchmark guest went wrong: " + stop + ", " + exits + " exits");
                }
                return (double) elapsed / n;
            }
        }
    }

    static double ioctlJava(int calls) {
        try (dev.jvmm.kvm.Kvm kvm = dev.jvmm.kvm.Kvm.open()) {
            long start = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                kvm.checkExtension(dev.jvmm.ffi.kvm.KvmConstants.KVM_CAP_USER_MEMORY);
            }
            return (double) (System.nanoTime() - start) / calls;
        }
    }

    static double runC(String binary, int n, String... mode) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(binary));
        cmd.addAll(List.of(mode));
        cmd.add(Integer.toString(n));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("C reference failed");
        }
        String[] f = out.split(" ");
        if (Long.parseLong(f[0]) != n) {
            throw new IllegalStateException("C reference counted " + f[0] + " exits");
        }
        return Double.parseDouble(f[1]) / n;
    }

    /** Real-mode code identical to pio_exit.c's: N `out dx, al` to port 0x80, then `out` to 0xF4. */
    static byte[] guestLoop(int n) {
        return new byte[] {0x66, (byte) 0xB9, (byte) n, (byte) (n >> 8), (byte) (n >> 16), (byte) (n >> 24),
            (byte) 0xBA, (byte) 0x80, 0x00, (byte) 0xEE, 0x66, 0x49, 0x75, (byte) 0xFB,
            (byte) 0xBA, (byte) 0xF4, 0x00, 0x66, (byte) 0xEF, (byte) 0xF4};
    }

    static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }
}
