package dev.jvmm.devmodel.vcpu;

/**
 * The boot processor's registers as a loader's boot protocol prescribes them; everything not
 * named here keeps the accelerator's reset value (see {@link VcpuState#withBoot}).
 */
public record BootCpu(long[] gprs, long rip, long rflags, Segment code, Segment data, DescriptorTable gdt,
                      DescriptorTable idt, long cr0, long cr3, long cr4, long efer) {
    public BootCpu {
        if (gprs.length != VcpuState.GPR_COUNT) {
            throw new IllegalArgumentException("need 16 general registers");
        }
        gprs = gprs.clone();
    }

    @Override
    public long[] gprs() {
        return gprs.clone();
    }
}
