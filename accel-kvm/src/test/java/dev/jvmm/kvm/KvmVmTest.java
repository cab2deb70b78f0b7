package dev.jvmm.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmm.devmodel.accel.Availability;
import dev.jvmm.devmodel.accel.Vm;
import dev.jvmm.devmodel.accel.VmConfig;
import dev.jvmm.devmodel.accel.VmLifecycle;
import dev.jvmm.devmodel.accel.VmStop;
import dev.jvmm.devmodel.bus.BusDevice;
import dev.jvmm.devmodel.bus.IoBuses;
import dev.jvmm.devmodel.devices.debugexit.DebugExit;
import dev.jvmm.devmodel.memory.GuestMemory;
import dev.jvmm.devmodel.vcpu.BootCpu;
import dev.jvmm.devmodel.vcpu.DescriptorTable;
import dev.jvmm.devmodel.vcpu.MpState;
import dev.jvmm.devmodel.vcpu.Segment;
import dev.jvmm.devmodel.vcpu.VcpuState;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The KVM accelerator with tiny real-mode guests; skipped, with the reason, where /dev/kvm is unusable. */
@Timeout(60)
class KvmVmTest {
    static final long CODE = 0x1000;
    static final int RECORD_PORT = 0x80;

    GuestMemory memory;
    IoBuses buses;
    VmLifecycle lifecycle;
    final AtomicLong recorded = new AtomicLong(-1);

    @BeforeEach
    void setUp() {
        Availability a = new KvmAccelerator().availability();
        org.junit.jupiter.api.Assumptions.assumeTrue(a.available(), () -> "KVM unusable here: " + a.reason());
        memory = GuestMemory.pcLayout(2L << 20);
        buses = IoBuses.create();
        lifecycle = new VmLifecycle();
        buses.pio().register(DebugExit.PORT, DebugExit.WIDTH, new DebugExit(lifecycle));
        buses.pio().register(RECORD_PORT, 1, new BusDevice() {
            public long read(long offset, int size) {
                return 0x42;
            }

            public void write(long offset, int size, long value) {
                recorded.set(value);
            }
        });
    }

    @AfterEach
    void tearDown() {
        if (memory != null) {
            memory.close();
        }
    }

    Vm realModeVm(byte... code) {
        memory.write(CODE, code);
        Vm vm = new KvmAccelerator().createVm(new VmConfig(1), memory, buses, lifecycle);
        BootCpu real = new BootCpu(new long[16], CODE, 2, Segment.real(0, true), Segment.real(0, false),
            new DescriptorTable(0, 0xFFFF), new DescriptorTable(0, 0x3FF), 0x10, 0, 0, 0);
        vm.setVcpuState(0, vm.vcpuState(0).withBoot(real));
        return vm;
    }

    static byte[] bytes(int... b) {
        byte[] out = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = (byte) b[i];
        }
        return out;
    }

    // mov dx, 0xF4; out dx, eax
    static final int[] EXIT = {0xBA, 0xF4, 0x00, 0x66, 0xEF};

    static int[] concat(int[]... parts) {
        return java.util.Arrays.stream(parts).flatMapToInt(java.util.Arrays::stream).toArray();
    }

    @Test
    void registersSetFromJavaAreWhatTheGuestComputesWith() throws Exception {
        // mov dx, 0x80; add al, bl; out dx, al; then exit with EAX as the debug-exit value
        try (Vm vm = realModeVm(bytes(concat(new int[] {0xBA, 0x80, 0x00, 0x00, 0xD8, 0xEE}, EXIT)))) {
            VcpuState s = vm.vcpuState(0);
            long[] g = s.gprs();
            g[VcpuState.RAX] = 0x30;
            g[VcpuState.RBX] = 0x12;
            vm.setVcpuState(0, new VcpuState(g, s.rip(), s.rflags(), s.cs(), s.ds(), s.es(), s.fs(), s.gs(), s.ss(),
                s.tr(), s.ldt(), s.gdt(), s.idt(), s.cr0(), s.cr2(), s.cr3(), s.cr4(), s.cr8(), s.efer(), s.apicBase(),
                s.msrs(), s.xsave(), s.xcr0(), s.lapic(), s.events(), s.mpState(), s.pendingInterrupts()));
            vm.start();
            VmStop stop = lifecycle.awaitStop(30, TimeUnit.SECONDS);
            assertEquals(0x42, recorded.get());
            assertEquals(new VmStop.DebugExit(0x42), stop);
        }
    }

    @Test
    void portReadsReturnTheDeviceValueToTheGuest() throws Exception {
        // mov dx, 0x80; in al, dx; exit with EAX (RAX starts at 0)
        try (Vm vm = realModeVm(bytes(concat(new int[] {0xBA, 0x80, 0x00, 0xEC}, EXIT)))) {
            vm.start();
            assertEquals(new VmStop.DebugExit(0x42), lifecycle.awaitStop(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void portExitLoopAllocatesNothingPerExit() throws Exception {
        // Port 0x81 samples the vCPU thread's allocation counter from inside the exit loop itself.
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long[] marks = new long[2];
        int[] seen = new int[1];
        buses.pio().register(0x81, 1, new BusDevice() {
            public long read(long offset, int size) {
                return 0;
            }

            public void write(long offset, int size, long value) {
                marks[Math.min(seen[0]++, 1)] = mx.getCurrentThreadAllocatedBytes();
            }
        });
        int n = 20_000;
        // mov dx,0x81; out dx,al; mov ecx,n; mov dx,0x80; 1: out dx,al; dec ecx; jnz 1b; mov dx,0x81; out dx,al; exit
        try (Vm vm = realModeVm(bytes(concat(new int[] {0xBA, 0x81, 0x00, 0xEE, 0x66, 0xB9, n & 0xFF, (n >> 8) & 0xFF, 0, 0,
            0xBA, 0x80, 0x00, 0xEE, 0x66, 0x49, 0x75, 0xFB, 0xBA, 0x81, 0x00, 0xEE}, EXIT)))) {
            vm.start();
            assertInstanceOf(VmStop.DebugExit.class, lifecycle.awaitStop(30, TimeUnit.SECONDS));
        }
        assertEquals(2, seen[0]);
        // Under one byte per exit on average: one-off lazy initialisation (~1 KiB) is tolerated, a
        // per-exit allocation (16 bytes at the very least) is not.
        long allocated = marks[1] - marks[0];
        assertTrue(allocated < n, () -> allocated + " bytes allocated over " + n + " exits");
    }

    @Test
    void stateReadBackAfterSetIsIdentical() {
        try (Vm vm = realModeVm(bytes(EXIT))) {
            VcpuState first = vm.vcpuState(0);
            vm.setVcpuState(0, first);
            VcpuState second = vm.vcpuState(0);
            // The TSC keeps counting between the two reads; everything else must come back unchanged.
            assertTrue(second.msrs().get(0x10) >= first.msrs().get(0x10), "TSC went backwards");
            assertEquals(withoutTsc(first), withoutTsc(second));
            assertEquals(CODE, second.rip());
            assertEquals(MpState.RUNNABLE, second.mpState());
            assertTrue(second.msrs().containsKey(0x1A0), "MISC_ENABLE should be part of the state");
            assertTrue(second.msrs().containsKey(0x2FF), "MTRRs should be part of the state");
            assertEquals((1 << 11) | 6, second.msrs().get(0x2FF), "MTRRs enabled, write-back default");
            assertEquals(1, second.msrs().get(0x1A0) & 1, "fast strings enabled at set-up");
        }
    }

    @Test
    void pausedGuestMakesNoProgressAndResumesWhereItStopped() throws Exception {
        // 1: inc word [0x2000]; jmp 1b
        try (Vm vm = realModeVm(bytes(0xFF, 0x06, 0x00, 0x20, 0xEB, 0xFA))) {
            vm.start();
            waitUntil(() -> memory.readShort(0x2000) != 0);
            vm.pause();
            short a = memory.readShort(0x2000);
            Thread.sleep(50);
            assertEquals(a, memory.readShort(0x2000), "guest ran while paused");
            VcpuState s = vm.vcpuState(0);
            assertTrue(s.rip() == CODE || s.rip() == CODE + 4, () -> "RIP outside the loop: " + s.rip());
            vm.resume();
            waitUntil(() -> memory.readShort(0x2000) != a);
            lifecycle.requestStop(new VmStop.Quit("test"));
        }
    }

    @Test
    void vcpuHaltedWithInterruptsOffIsKickedOutWhenTheVmStops() throws Exception {
        // cli; hlt: blocks inside KVM_RUN (in-kernel LAPIC) until a signal arrives
        try (Vm vm = realModeVm(bytes(0xFA, 0xF4))) {
            vm.start();
            Thread.sleep(100);
            long t0 = System.nanoTime();
            lifecycle.requestStop(new VmStop.Quit("test"));
            vm.close();
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "vCPU thread not kicked out of KVM_RUN");
        }
    }

    @Test
    void dirtyLogReportsExactlyThePagesTheGuestWrote() throws Exception {
        // mov byte [0x3000], 1; mov byte [0x5123], 1; exit
        try (Vm vm = realModeVm(bytes(concat(new int[] {0xC6, 0x06, 0x00, 0x30, 0x01, 0xC6, 0x06, 0x23, 0x51, 0x01},
            EXIT)))) {
            var region = memory.regions().get(0);
            assertThrows(IllegalStateException.class, () -> vm.fetchAndClearDirtyLog(region));
            vm.setDirtyLogging(true);
            vm.start();
            assertInstanceOf(VmStop.DebugExit.class, lifecycle.awaitStop(30, TimeUnit.SECONDS));
            long[] bits = vm.fetchAndClearDirtyLog(region);
            assertEquals((1L << 3) | (1L << 5), bits[0], () -> "dirty pages: " + Long.toBinaryString(bits[0]));
            for (int i = 1; i < bits.length; i++) {
                assertEquals(0, bits[i]);
            }
            assertEquals(0, vm.fetchAndClearDirtyLog(region)[0], "the log is cleared by reading it");
        }
    }

    @Test
    void stateIsRefusedWhileTheVcpusRun() throws Exception {
        try (Vm vm = realModeVm(bytes(0xEB, 0xFE))) { // jmp $
            vm.start();
            assertThrows(IllegalStateException.class, () -> vm.vcpuState(0));
            vm.pause();
            assertNotNull(vm.vcpuState(0));
            lifecycle.requestStop(new VmStop.Quit("test"));
        }
    }

    @Test
    void irqChipRejectsLinesItDoesNotHave() {
        try (Vm vm = realModeVm(bytes(EXIT))) {
            assertThrows(IllegalArgumentException.class, () -> vm.irqChip().line(24));
            assertThrows(IllegalArgumentException.class, () -> vm.irqChip().line(-1));
            vm.irqChip().line(4).set(true); // a valid line is accepted by the kernel
            vm.irqChip().line(4).set(false);
        }
    }

    @Test
    void pausingTwiceThenResumingKeepsTheGuestRunning() throws Exception {
        // 1: inc word [0x2000]; jmp 1b
        try (Vm vm = realModeVm(bytes(0xFF, 0x06, 0x00, 0x20, 0xEB, 0xFA))) {
            vm.start();
            waitUntil(() -> memory.readShort(0x2000) != 0);
            vm.pause();
            vm.pause(); // idempotent: a second kick of parked vCPUs must not leave immediate_exit set
            short a = memory.readShort(0x2000);
            vm.resume();
            waitUntil(() -> memory.readShort(0x2000) != a);
            lifecycle.requestStop(new VmStop.Quit("test"));
        }
    }

    @Test
    void repeatedPauseAndResumeUnderPortIoKeepsTheGuestRunning() throws Exception {
        // 1: out 0x80, al; inc word [0x2000]; jmp 1b  -- a guest that exits to userspace constantly
        try (Vm vm = realModeVm(bytes(0xE6, 0x80, 0xFF, 0x06, 0x00, 0x20, 0xEB, 0xF8))) {
            vm.start();
            for (int i = 0; i < 200; i++) {
                vm.pause();
                short a = memory.readShort(0x2000);
                vm.resume();
                waitUntil(() -> memory.readShort(0x2000) != a);
            }
            lifecycle.requestStop(new VmStop.Quit("test"));
        }
    }

    @Test
    void pauseRightAfterAPortReadCompletesTheReadFirst() throws Exception {
        // 1: mov dx,0x80; in al,dx; mov [0x2000],al; inc word [0x2002]; jmp 1b
        // After any pause, RIP must not be on the IN with the device already read (AL stale).
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        buses.pio().unregister(RECORD_PORT);
        buses.pio().register(RECORD_PORT, 1, new BusDevice() {
            public long read(long offset, int size) {
                // A slow device widens the window in which a pause lands between the read and its completion.
                java.util.concurrent.locks.LockSupport.parkNanos(200_000);
                return reads.incrementAndGet() & 0x7F;
            }

            public void write(long offset, int size, long value) {
            }
        });
        byte[] code = bytes(0xBA, 0x80, 0x00, 0xEC, 0xA2, 0x00, 0x20, 0xFF, 0x06, 0x02, 0x20, 0xEB, 0xF3);
        long inRip = CODE + 3;
        try (Vm vm = realModeVm(code)) {
            vm.start();
            for (int i = 0; i < 300; i++) {
                vm.pause();
                VcpuState s = vm.vcpuState(0);
                int devicereads = reads.get();
                if (s.rip() == inRip) {
                    // still before the IN: its read must not have happened for this iteration yet
                    assertEquals(devicereads & 0x7F, memory.readByte(0x2000) & 0x7F,
                        "the device was read but the IN was not completed");
                } else if (s.rip() == inRip + 1) {
                    assertEquals(devicereads & 0x7F, s.gpr(VcpuState.RAX) & 0x7F, "AL misses the last read");
                }
                vm.resume();
            }
            lifecycle.requestStop(new VmStop.Quit("test"));
        }
    }

    @Test
    void closingFromAnInterruptedThreadWaitsForTheVcpusFirst() throws Exception {
        try (Vm vm = realModeVm(bytes(0xE6, 0x80, 0xEB, 0xFC))) { // 1: out 0x80, al; jmp 1b
            vm.start();
            Thread.currentThread().interrupt();
            vm.close(); // must not free kvm_run under a running vCPU thread (the JVM would crash)
            assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
        }
    }

    static VcpuState withoutTsc(VcpuState s) {
        var msrs = new java.util.TreeMap<>(s.msrs());
        msrs.remove(0x10);
        return new VcpuState(s.gprs(), s.rip(), s.rflags(), s.cs(), s.ds(), s.es(), s.fs(), s.gs(), s.ss(), s.tr(),
            s.ldt(), s.gdt(), s.idt(), s.cr0(), s.cr2(), s.cr3(), s.cr4(), s.cr8(), s.efer(), s.apicBase(), msrs,
            s.xsave(), s.xcr0(), s.lapic(), s.events(), s.mpState(), s.pendingInterrupts());
    }

    static void waitUntil(java.util.function.BooleanSupplier c) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not reached in 20 s");
            }
            Thread.sleep(1);
        }
    }
}
