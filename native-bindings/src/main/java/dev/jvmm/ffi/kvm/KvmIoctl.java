package dev.jvmm.ffi.kvm;

/**
 * KVM ioctl request numbers, computed as the kernel's _IO/_IOR/_IOW/_IOWR macros do
 * (asm-generic/ioctl.h) from the type 0xAE, the command number and the argument size.
 */
public final class KvmIoctl {
    private KvmIoctl() {}

    private static final int KVMIO = 0xAE;
    private static final int NONE = 0, WRITE = 1, READ = 2;

    private static long ioc(int dir, int nr, long size) {
        return ((long) dir << 30) | (size << 16) | ((long) KVMIO << 8) | nr;
    }

    private static long io(int nr) { return ioc(NONE, nr, 0); }
    private static long ior(int nr, long size) { return ioc(READ, nr, size); }
    private static long iow(int nr, long size) { return ioc(WRITE, nr, size); }
    private static long iowr(int nr, long size) { return ioc(READ | WRITE, nr, size); }

    // /dev/kvm
    public static final long KVM_GET_API_VERSION = io(0x00);
    public static final long KVM_CREATE_VM = io(0x01);
    public static final long KVM_GET_MSR_INDEX_LIST = iowr(0x02, KvmMsrs.LIST_LAYOUT.size());
    public static final long KVM_CHECK_EXTENSION = io(0x03);
    public static final long KVM_GET_VCPU_MMAP_SIZE = io(0x04);
    public static final long KVM_GET_SUPPORTED_CPUID = iowr(0x05, KvmCpuid2.HEADER_SIZE);
    // VM
    public static final long KVM_CREATE_VCPU = io(0x41);
    public static final long KVM_GET_DIRTY_LOG = iow(0x42, KvmDirtyLog.LAYOUT.size());
    public static final long KVM_SET_USER_MEMORY_REGION = iow(0x46, KvmUserspaceMemoryRegion.LAYOUT.size());
    public static final long KVM_SET_TSS_ADDR = io(0x47);
    public static final long KVM_SET_IDENTITY_MAP_ADDR = iow(0x48, 8);
    public static final long KVM_CREATE_IRQCHIP = io(0x60);
    public static final long KVM_IRQ_LINE = iow(0x61, KvmIrqLevel.LAYOUT.size());
    public static final long KVM_GET_IRQCHIP = iowr(0x62, KvmIrqchip.LAYOUT.size());
    public static final long KVM_SET_IRQCHIP = ior(0x63, KvmIrqchip.LAYOUT.size());
    public static final long KVM_CREATE_PIT2 = iow(0x77, KvmPitConfig.LAYOUT.size());
    public static final long KVM_SET_CLOCK = iow(0x7b, KvmClockData.LAYOUT.size());
    public static final long KVM_GET_CLOCK = ior(0x7c, KvmClockData.LAYOUT.size());
    public static final long KVM_GET_PIT2 = ior(0x9f, KvmPitState2.LAYOUT.size());
    public static final long KVM_SET_PIT2 = iow(0xa0, KvmPitState2.LAYOUT.size());
    // vCPU
    public static final long KVM_RUN = io(0x80);
    public static final long KVM_GET_REGS = ior(0x81, KvmRegs.LAYOUT.size());
    public static final long KVM_SET_REGS = iow(0x82, KvmRegs.LAYOUT.size());
    public static final long KVM_GET_SREGS = ior(0x83, KvmSregs.LAYOUT.size());
    public static final long KVM_SET_SREGS = iow(0x84, KvmSregs.LAYOUT.size());
    public static final long KVM_GET_MSRS = iowr(0x88, KvmMsrs.HEADER_SIZE);
    public static final long KVM_SET_MSRS = iow(0x89, KvmMsrs.HEADER_SIZE);
    public static final long KVM_GET_FPU = ior(0x8c, KvmFpu.LAYOUT.size());
    public static final long KVM_SET_FPU = iow(0x8d, KvmFpu.LAYOUT.size());
    public static final long KVM_GET_LAPIC = ior(0x8e, KvmLapicState.LAYOUT.size());
    public static final long KVM_SET_LAPIC = iow(0x8f, KvmLapicState.LAYOUT.size());
    public static final long KVM_SET_CPUID2 = iow(0x90, KvmCpuid2.HEADER_SIZE);
    public static final long KVM_GET_MP_STATE = ior(0x98, KvmMpState.LAYOUT.size());
    public static final long KVM_SET_MP_STATE = iow(0x99, KvmMpState.LAYOUT.size());
    public static final long KVM_GET_VCPU_EVENTS = ior(0x9f, KvmVcpuEvents.LAYOUT.size());
    public static final long KVM_SET_VCPU_EVENTS = iow(0xa0, KvmVcpuEvents.LAYOUT.size());
    public static final long KVM_GET_XSAVE = ior(0xa4, KvmXsave.LAYOUT.size());
    public static final long KVM_SET_XSAVE = iow(0xa5, KvmXsave.LAYOUT.size());
    public static final long KVM_GET_XCRS = ior(0xa6, KvmXcrs.LAYOUT.size());
    public static final long KVM_SET_XCRS = iow(0xa7, KvmXcrs.LAYOUT.size());
    public static final long KVM_SET_TSC_KHZ = io(0xa2);
    public static final long KVM_GET_TSC_KHZ = io(0xa3);

    /** Every request number above by its C macro name, for the header comparison test. */
    public static java.util.Map<String, Long> all() {
        var m = new java.util.LinkedHashMap<String, Long>();
        for (var f : KvmIoctl.class.getFields()) {
            if (f.getType() == long.class) {
                try {
                    m.put(f.getName(), f.getLong(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return m;
    }
}
