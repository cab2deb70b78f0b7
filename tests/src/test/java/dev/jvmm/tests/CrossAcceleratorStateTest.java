package dev.jvmm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jvmm.devmodel.accel.Accelerator;
import dev.jvmm.devmodel.accel.Vm;
import dev.jvmm.devmodel.accel.VmConfig;
import dev.jvmm.devmodel.accel.VmLifecycle;
import dev.jvmm.devmodel.accel.VmStop;
import dev.jvmm.devmodel.boot.BootPlan;
import dev.jvmm.devmodel.boot.KernelLoader;
import dev.jvmm.devmodel.bus.IoBuses;
import dev.jvmm.devmodel.devices.debugexit.DebugExit;
import dev.jvmm.devmodel.memory.GuestMemory;
import dev.jvmm.devmodel.vcpu.VcpuState;
import dev.jvmm.tests.diff.Differential;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A vCPU's state moves between KVM and the TCG without loss: KVM's state loaded into the TCG reads
 * back identically, and a guest paused mid-run on KVM finishes on the TCG with the same result.
 */
class CrossAcceleratorStateTest {
    static VcpuState withoutVolatile(VcpuState s) {
        // The TSC keeps counting and the APIC timer's current count with it; everything else is state.
        TreeMap<Integer, Long> msrs = new TreeMap<>(s.msrs());
        msrs.remove(0x10);
        byte[] lapic = s.lapic();
        for (int i = 0x390; i < 0x394; i++) {
            lapic[i] = 0;
        }
        return new VcpuState(s.gprs(), s.rip(), s.rflags(), s.cs(), s.ds(), s.es(), s.fs(), s.gs(), s.ss(), s.tr(),
            s.ldt(), s.gdt(), s.idt(), s.cr0(), s.cr2(), s.cr3(), s.cr4(), s.cr8(), s.efer(), s.apicBase(), msrs,
            s.xsave(), s.xcr0(), lapic, s.events(), s.mpState(), s.pendingInterrupts());
    }

    @Test
    void kvmStateLoadedIntoTheTcgReadsBackUnchanged() throws Exception {
        Accelerators.assumeAvailable("kvm");
        Accelerator kvm = Differential.accelerator("kvm");
        Accelerator tcg = Differential.accelerator("tcg");
        try (GuestMemory m = GuestMemory.pcLayout(64L << 20)) {
            BootPlan plan = KernelLoader.load(m, "hello", java.nio.file.Files.readAllBytes(Guests.image("hello")),
                "x", null);
            VcpuState fromKvm;
            try (Vm vm = kvm.createVm(new VmConfig(1), m, IoBuses.create(), new VmLifecycle())) {
                vm.setVcpuState(0, vm.vcpuState(0).withBoot(plan.cpu()));
                fromKvm = vm.vcpuState(0);
            }
            try (Vm vm = tcg.createVm(new VmConfig(1), m, IoBuses.create(), new VmLifecycle())) {
                vm.setVcpuState(0, fromKvm);
                VcpuState back = vm.vcpuState(0);
                assertEquals(withoutVolatile(fromKvm).msrs(), withoutVolatile(back).msrs());
                assertEquals(withoutVolatile(fromKvm), withoutVolatile(back));
            }
        }
    }

    @Test
    void aGuestPausedOnKvmFinishesOnTheTcgWithTheSameResult() throws Exception {
        Accelerators.assumeAvailable("kvm");
        Accelerator kvm = Differential.accelerator("kvm");
        Accelerator tcg = Differential.accelerator("tcg");
        String rounds = "300000";
        try (GuestMemory m = GuestMemory.pcLayout(64L << 20)) {
            BootPlan plan = KernelLoader.load(m, "compute", java.nio.file.Files.readAllBytes(Guests.image("compute")),
                rounds, null);
            ByteArrayCapture out = new ByteArrayCapture();
            VcpuState mid;
            VmLifecycle first = new VmLifecycle();
            try (Vm vm = kvm.createVm(new VmConfig(1), m, buses(out, first), first)) {
                vm.setVcpuState(0, vm.vcpuState(0).withBoot(plan.cpu()));
                vm.start();
                Thread.sleep(300); // somewhere in the middle of the compute loop (seconds on this KVM)
                vm.pause();
                org.junit.jupiter.api.Assertions.assertFalse(first.isStopping(), "the guest finished on KVM already");
                mid = vm.vcpuState(0);
                org.junit.jupiter.api.Assertions.assertEquals("", out.text(), "nothing printed before the loop ends");
            }
            VmLifecycle finish = new VmLifecycle();
            try (Vm vm = tcg.createVm(new VmConfig(1), m, buses(out, finish), finish)) {
                vm.setVcpuState(0, mid);
                vm.start();
                assertEquals(new VmStop.PowerOff(), finish.awaitStop(60, TimeUnit.SECONDS));
            }
            // The checksum the same image computes start to finish on the TCG alone:
            ByteArrayCapture reference = new ByteArrayCapture();
            try (GuestMemory m2 = GuestMemory.pcLayout(64L << 20)) {
                BootPlan p2 = KernelLoader.load(m2, "compute",
                    java.nio.file.Files.readAllBytes(Guests.image("compute")), rounds, null);
                VmLifecycle l2 = new VmLifecycle();
                try (Vm vm = tcg.createVm(new VmConfig(1), m2, buses(reference, l2), l2)) {
                    vm.setVcpuState(0, vm.vcpuState(0).withBoot(p2.cpu()));
                    vm.start();
                    l2.awaitStop(60, TimeUnit.SECONDS);
                }
            }
            assertEquals(reference.text(), out.text());
        }
    }

    static final class ByteArrayCapture extends java.io.ByteArrayOutputStream {
        synchronized String text() {
            return toString(java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    static IoBuses buses(java.io.OutputStream serial, VmLifecycle lifecycle) {
        IoBuses b = IoBuses.create();
        b.pio().register(0x3F8, 8, new dev.jvmm.devmodel.devices.serial.Uart16550(serial, dev.jvmm.devmodel.irq.IrqLine.NONE));
        b.pio().register(DebugExit.PORT, DebugExit.WIDTH, new DebugExit(lifecycle));
        b.pio().register(0x600, 0xC, new dev.jvmm.devmodel.devices.acpi.AcpiPm(lifecycle, System::nanoTime));
        return b;
    }
}
