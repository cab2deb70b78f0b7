package dev.jvmm.tcg;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import dev.jvmm.devmodel.vcpu.Segment;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Decoded blocks are dropped when their code changes, whoever writes it. */
@Timeout(30)
class TcgCodeCacheTest {
    static Vm realModeVm(GuestMemory m, IoBuses buses, VmLifecycle lifecycle, int... code) {
        for (int i = 0; i < code.length; i++) {
            m.writeByte(0x1000 + i, code[i]);
        }
        Vm vm = new TcgAccelerator().createVm(new VmConfig(1), m, buses, lifecycle);
        vm.setVcpuState(0, vm.vcpuState(0).withBoot(new BootCpu(new long[16], 0x1000, 2, Segment.real(0, true),
            Segment.real(0, false), new DescriptorTable(0, 0xFFFF), new DescriptorTable(0, 0x3FF), 0x10, 0, 0, 0)));
        return vm;
    }

    @Test
    void anInstructionThatPatchesTheNextOneInTheSameBlockIsSeen() throws Exception {
        try (GuestMemory m = GuestMemory.pcLayout(2L << 20)) {
            IoBuses buses = IoBuses.create();
            VmLifecycle lifecycle = new VmLifecycle();
            buses.pio().register(DebugExit.PORT, 1, new DebugExit(lifecycle));
            // mov byte [0x1009], 0x42; mov dx, 0xF4; mov al, 0x00 (its immediate is at 0x1009); out dx, al
            try (Vm vm = realModeVm(m, buses, lifecycle, 0xC6, 0x06, 0x09, 0x10, 0x42, 0xBA, 0xF4, 0x00, 0xB0, 0x00,
                0xEE)) {
                vm.start();
                assertEquals(new VmStop.DebugExit(0x42), lifecycle.awaitStop(20, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void codeChangedByTheVmmWhilePausedRunsAfterResume() throws Exception {
        try (GuestMemory m = GuestMemory.pcLayout(2L << 20)) {
            IoBuses buses = IoBuses.create();
            VmLifecycle lifecycle = new VmLifecycle();
            AtomicLong seen = new AtomicLong();
            buses.pio().register(0x80, 1, new BusDevice() {
                public long read(long offset, int size) {
                    return 0;
                }

                public void write(long offset, int size, long value) {
                    seen.set(value);
                }
            });
            // 1: mov al, 0x11; out 0x80, al; jmp 1b
            try (Vm vm = realModeVm(m, buses, lifecycle, 0xB0, 0x11, 0xE6, 0x80, 0xEB, 0xFA)) {
                vm.start();
                waitFor(() -> seen.get() == 0x11);
                vm.pause();
                m.writeByte(0x1001, 0x22); // as a device's DMA or a debugger would
                vm.resume();
                waitFor(() -> seen.get() == 0x22);
                lifecycle.requestStop(new VmStop.Quit("test"));
            }
        }
    }

    static void waitFor(java.util.function.BooleanSupplier c) throws InterruptedException {
        while (!c.getAsBoolean()) {
            Thread.sleep(1);
        }
    }
}
