package dev.jvmm.vmm;

import dev.jvmm.devmodel.accel.Accelerator;
import dev.jvmm.devmodel.accel.Vm;
import dev.jvmm.devmodel.accel.VmConfig;
import dev.jvmm.devmodel.accel.VmLifecycle;
import dev.jvmm.devmodel.accel.VmStop;
import dev.jvmm.devmodel.boot.BootException;
import dev.jvmm.devmodel.boot.BootPlan;
import dev.jvmm.devmodel.boot.KernelLoader;
import dev.jvmm.devmodel.bus.IoBuses;
import dev.jvmm.devmodel.devices.acpi.AcpiPm;
import dev.jvmm.devmodel.devices.debugexit.DebugExit;
import dev.jvmm.devmodel.devices.i8042.I8042;
import dev.jvmm.devmodel.devices.rtc.CmosRtc;
import dev.jvmm.devmodel.devices.serial.SerialInput;
import dev.jvmm.devmodel.devices.serial.SerialOutput;
import dev.jvmm.devmodel.devices.serial.Uart16550;
import dev.jvmm.devmodel.devices.testdev.TestDevice;
import dev.jvmm.devmodel.memory.GuestMemory;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A PC assembled from its parts: RAM, buses, an accelerator's VM, the legacy devices and the
 * loaded kernel. Owns every resource it creates and releases them in reverse order.
 */
final class Machine implements AutoCloseable {
    private final GuestMemory memory;
    private final VmLifecycle lifecycle;
    private final Vm vm;
    private final SerialOutput serialOut;
    private final OutputStream serialSink;
    private final SerialInput serialIn;
    private final Thread shutdownHook;
    private final CountDownLatch tornDown = new CountDownLatch(1);
    private boolean closed;

    private Machine(GuestMemory memory, VmLifecycle lifecycle, Vm vm, SerialOutput serialOut, OutputStream serialSink,
                    SerialInput serialIn) {
        this.memory = memory;
        this.lifecycle = lifecycle;
        this.vm = vm;
        this.serialOut = serialOut;
        this.serialSink = serialSink;
        this.serialIn = serialIn;
        // On SIGINT/SIGTERM: stop the VM and give the main thread a bounded time to tear down and
        // flush the guest's output before the JVM halts.
        this.shutdownHook = new Thread(() -> {
            lifecycle.requestStop(new VmStop.Quit("signal"));
            try {
                tornDown.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "jvmm-shutdown");
    }

    static Machine create(MachineConfig config) throws UsageException, BootException, IOException {
        GuestMemory memory = GuestMemory.pcLayout(config.memoryBytes());
        Vm vm = null;
        OutputStream sink = null;
        SerialOutput out = null;
        try {
            // The image is checked before any accelerator is touched, so a bad file is reported as such anywhere.
            BootPlan plan = KernelLoader.load(memory, config.kernelName(), config.kernel(), config.cmdline(),
                config.initrd());
            Accelerator accel = AcceleratorSelector.fromServiceLoader().select(config.accel());
            IoBuses buses = IoBuses.create();
            VmLifecycle lifecycle = new VmLifecycle();
            vm = accel.createVm(new VmConfig(config.vcpus()), memory, buses, lifecycle);
            sink = openSerial(config.serial());
            out = new SerialOutput(sink, "serial-output");
            Uart16550 uart = new Uart16550(out, vm.irqChip().line(Uart16550.COM1_IRQ));
            buses.pio().register(Uart16550.COM1_BASE, Uart16550.REGISTER_COUNT, uart);
            buses.pio().register(DebugExit.PORT, DebugExit.WIDTH, new DebugExit(lifecycle));
            I8042 i8042 = new I8042(lifecycle);
            buses.pio().register(I8042.DATA_PORT, 1, i8042.data());
            buses.pio().register(I8042.COMMAND_PORT, 1, i8042.command());
            buses.pio().register(CmosRtc.BASE, CmosRtc.RANGE, new CmosRtc(Clock.systemUTC()));
            buses.pio().register(AcpiPm.BASE, AcpiPm.RANGE, new AcpiPm(lifecycle, System::nanoTime));
            if (config.testDevice()) {
                TestDevice t = new TestDevice();
                buses.mmio().register(TestDevice.MMIO_BASE, TestDevice.MMIO_SIZE, t.mmio());
                buses.pio().register(TestDevice.FIFO_PORT, 1, t.port());
            }
            vm.setVcpuState(0, vm.vcpuState(0).withBoot(plan.cpu()));
            SerialInput in = config.serial() instanceof SerialTarget.Stdio ? new SerialInput(System.in, uart) : null;
            return new Machine(memory, lifecycle, vm, out, sink, in);
        } catch (Exception | Error e) {
            if (vm != null) {
                vm.close();
            }
            memory.close();
            if (out != null) {
                out.close();
            }
            closeSink(sink);
            throw e;
        }
    }

    private static OutputStream openSerial(SerialTarget t) throws UsageException {
        if (t instanceof SerialTarget.File f) {
            try {
                return new FileOutputStream(f.path().toFile());
            } catch (IOException e) {
                throw new UsageException("cannot open serial output " + f.path() + ": " + e.getMessage());
            }
        }
        if (t instanceof SerialTarget.None) {
            return OutputStream.nullOutputStream();
        }
        return new FileOutputStream(FileDescriptor.out);
    }

    private static void closeSink(OutputStream sink) {
        try {
            if (sink != null && !(sink instanceof FileOutputStream fos && fos.getFD() == FileDescriptor.out)) {
                sink.close();
            }
        } catch (IOException e) {
            // nothing left to save
        }
    }

    /** Runs the VM until it stops; returns the process exit status. */
    int run() throws InterruptedException {
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        if (serialIn != null) {
            serialIn.start();
        }
        vm.start();
        VmStop stop = lifecycle.awaitStop();
        close();
        if (stop.message() != null) {
            System.err.println("jvmm: " + stop.message());
        }
        return stop.exitStatus();
    }

    /**
     * Tears down in dependency order: no more input into the guest, then the vCPUs, then the output
     * the guest produced is flushed, then memory. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (serialIn != null) {
                serialIn.close();
            }
            vm.close();
            serialOut.close();
            closeSink(serialSink);
            memory.close();
        } finally {
            tornDown.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down: the hook is what is waiting for us
            }
        }
    }
}
