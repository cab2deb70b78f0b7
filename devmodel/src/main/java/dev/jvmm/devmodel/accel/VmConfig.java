package dev.jvmm.devmodel.accel;

/** What an accelerator needs to know to create a VM. */
public record VmConfig(int vcpus) {
    public static final int MAX_VCPUS = 255;

    public VmConfig {
        if (vcpus < 1 || vcpus > MAX_VCPUS) {
            throw new IllegalArgumentException("vCPU count must be 1.." + MAX_VCPUS + ": " + vcpus);
        }
    }
}
