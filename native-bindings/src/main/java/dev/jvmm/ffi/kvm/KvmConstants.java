package dev.jvmm.ffi.kvm;

/** Constants of the KVM API (linux/kvm.h), checked against the header by a test. */
public final class KvmConstants {
    private KvmConstants() {}

    public static final int KVM_API_VERSION = 12;

    public static final int KVM_EXIT_UNKNOWN = 0;
    public static final int KVM_EXIT_EXCEPTION = 1;
    public static final int KVM_EXIT_IO = 2;
    public static final int KVM_EXIT_HYPERCALL = 3;
    public static final int KVM_EXIT_DEBUG = 4;
    public static final int KVM_EXIT_HLT = 5;
    public static final int KVM_EXIT_MMIO = 6;
    public static final int KVM_EXIT_IRQ_WINDOW_OPEN = 7;
    public static final int KVM_EXIT_SHUTDOWN = 8;
    public static final int KVM_EXIT_FAIL_ENTRY = 9;
    public static final int KVM_EXIT_INTR = 10;
    public static final int KVM_EXIT_INTERNAL_ERROR = 17;
    public static final int KVM_EXIT_SYSTEM_EVENT = 24;

    public static final int KVM_EXIT_IO_IN = 0;
    public static final int KVM_EXIT_IO_OUT = 1;

    public static final int KVM_SYSTEM_EVENT_SHUTDOWN = 1;
    public static final int KVM_SYSTEM_EVENT_RESET = 2;
    public static final int KVM_SYSTEM_EVENT_CRASH = 3;

    public static final int KVM_MP_STATE_RUNNABLE = 0;
    public static final int KVM_MP_STATE_UNINITIALIZED = 1;
    public static final int KVM_MP_STATE_INIT_RECEIVED = 2;
    public static final int KVM_MP_STATE_HALTED = 3;
    public static final int KVM_MP_STATE_SIPI_RECEIVED = 4;

    public static final int KVM_MEM_LOG_DIRTY_PAGES = 1;
    public static final int KVM_MEM_READONLY = 2;

    public static final int KVM_CAP_IRQCHIP = 0;
    public static final int KVM_CAP_HLT = 1;
    public static final int KVM_CAP_USER_MEMORY = 3;
    public static final int KVM_CAP_SET_TSS_ADDR = 4;
    public static final int KVM_CAP_EXT_CPUID = 7;
    public static final int KVM_CAP_NR_VCPUS = 9;
    public static final int KVM_CAP_NR_MEMSLOTS = 10;
    public static final int KVM_CAP_PIT2 = 33;
    public static final int KVM_CAP_VCPU_EVENTS = 41;
    public static final int KVM_CAP_XSAVE = 55;
    public static final int KVM_CAP_XCRS = 56;
    public static final int KVM_CAP_MAX_VCPUS = 66;
    public static final int KVM_CAP_IMMEDIATE_EXIT = 136;

    public static final int KVM_PIT_SPEAKER_DUMMY = 1;

    public static final int KVM_VCPUEVENT_VALID_NMI_PENDING = 0x1;
    public static final int KVM_VCPUEVENT_VALID_SIPI_VECTOR = 0x2;
    public static final int KVM_VCPUEVENT_VALID_SHADOW = 0x4;
    public static final int KVM_VCPUEVENT_VALID_SMM = 0x8;

    public static final int KVM_INTERNAL_ERROR_EMULATION = 1;
    public static final int KVM_INTERNAL_ERROR_SIMUL_EX = 2;
    public static final int KVM_INTERNAL_ERROR_DELIVERY_EV = 3;

    /** Every constant above by its C macro name, for the header comparison test. */
    public static java.util.Map<String, Long> all() {
        var m = new java.util.LinkedHashMap<String, Long>();
        for (var f : KvmConstants.class.getFields()) {
            if (f.getType() == int.class) {
                try {
                    m.put(f.getName(), (long) f.getInt(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return m;
    }
}
