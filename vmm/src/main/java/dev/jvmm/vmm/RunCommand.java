package dev.jvmm.vmm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jvmm run}: boots a kernel (or the embedded demo guest) and runs it until it stops. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Boot a guest and run it until it powers off, resets or fails.",
        "Without --kernel, boots jvmm's embedded demo guest.",
        "QEMU's spellings (-kernel, -initrd, -append, -m, -smp, -accel, -serial, -device) are accepted."})
final class RunCommand implements Callable<Integer> {
    @Option(names = {"--kernel", "-kernel"}, paramLabel = "FILE",
        description = "Multiboot ELF32, ELF64 or Linux bzImage to boot")
    Path kernel;

    @Option(names = {"--initrd", "-initrd"}, paramLabel = "FILE", description = "initial ramdisk (Multiboot: first module)")
    Path initrd;

    @Option(names = {"--append", "-append"}, paramLabel = "CMDLINE", description = "kernel command line")
    String append = "";

    @Option(names = {"--memory", "-m"}, paramLabel = "SIZE", description = "guest RAM; a bare number is MiB (default: 128)")
    String memory = "128";

    @Option(names = {"--smp", "-smp"}, paramLabel = "N", description = "number of vCPUs (default: 1)")
    String smp = "1";

    @Option(names = {"--accel", "-accel"}, paramLabel = "NAME", description = "kvm, tcg, xen or auto (default: auto)")
    String accel = "auto";

    @Option(names = {"-enable-kvm"}, description = "QEMU's spelling of --accel kvm")
    boolean enableKvm;

    @Option(names = {"--serial", "-serial"}, paramLabel = "TARGET", description = "stdio (default), file:PATH or none")
    String serial = "stdio";

    @Option(names = {"--device", "-device"}, paramLabel = "NAME",
        description = "extra device: testdev (MMIO scratch at 0xFEB00000, FIFO port 0xE0)")
    List<String> devices = new ArrayList<>();

    @Option(names = "-nographic", hidden = true, description = "accepted for QEMU scripts: jvmm has no display")
    boolean qemuNoGraphic;

    @Option(names = "-no-reboot", hidden = true, description = "accepted for QEMU scripts: jvmm stops on reset")
    boolean qemuNoReboot;

    @Override
    public Integer call() throws Exception {
        MachineConfig config = MachineConfig.from(this);
        try (Machine machine = Machine.create(config)) {
            return machine.run();
        }
    }
}
