package dev.jvmm.kvm;

import dev.jvmm.devmodel.accel.Accelerator;
import dev.jvmm.devmodel.accel.AcceleratorException;
import dev.jvmm.devmodel.accel.Availability;
import dev.jvmm.devmodel.accel.Vm;
import dev.jvmm.devmodel.accel.VmConfig;
import dev.jvmm.devmodel.accel.VmLifecycle;
import dev.jvmm.devmodel.bus.IoBuses;
import dev.jvmm.devmodel.memory.GuestMemory;
import dev.jvmm.ffi.LibC;
import dev.jvmm.ffi.NativeException;
import dev.jvmm.ffi.kvm.KvmConstants;
import java.nio.file.Files;
import java.nio.file.Path;

/** Hardware virtualization through /dev/kvm. */
public final class KvmAccelerator implements Accelerator {
    private final String device;

    public KvmAccelerator() {
        this(Kvm.DEVICE);
    }

    /** An accelerator on another device node, so tests can see what users without /dev/kvm see. */
    KvmAccelerator(String device) {
        this.device = device;
    }

    @Override
    public String name() {
        return "kvm";
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Availability availability() {
        Path dev = Path.of(device);
        if (!Files.exists(dev)) {
            return Availability.no(device + " does not exist (no KVM module loaded, or no hardware virtualization)");
        }
        try (Kvm kvm = Kvm.open(device)) {
            if (kvm.checkExtension(KvmConstants.KVM_CAP_IRQCHIP) == 0
                || kvm.checkExtension(KvmConstants.KVM_CAP_USER_MEMORY) == 0
                || kvm.checkExtension(KvmConstants.KVM_CAP_IMMEDIATE_EXIT) == 0) {
                // jvmm's pause and stop rely on immediate_exit to leave KVM_RUN without a race
                return Availability.no("KVM lacks the in-kernel irqchip, user memory or immediate-exit capability");
            }
            return Availability.yes();
        } catch (NativeException e) {
            if (e.errno() == LibC.EACCES || e.errno() == LibC.EPERM) {
                return Availability.no("no permission to open " + device
                    + " (add yourself to its group, e.g. 'kvm', or run as root)");
            }
            return Availability.no("cannot open " + device + ": " + e.getMessage());
        } catch (RuntimeException e) {
            return Availability.no("KVM unusable: " + e.getMessage());
        }
    }

    @Override
    public Vm createVm(VmConfig config, GuestMemory memory, IoBuses buses, VmLifecycle lifecycle) {
        Availability a = availability();
        if (!a.available()) {
            throw new AcceleratorException("KVM is not available: " + a.reason());
        }
        try {
            return KvmVm.create(device, config, memory, buses, lifecycle);
        } catch (NativeException e) {
            throw new AcceleratorException("KVM could not create the VM: " + e.getMessage(), e);
        }
    }
}
