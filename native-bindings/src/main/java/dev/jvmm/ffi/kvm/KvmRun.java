package dev.jvmm.ffi.kvm;

import dev.jvmm.ffi.StructLayout;

/** struct kvm_run, the page shared with KVM per vCPU; the exit union starts at offset 32. */
public final class KvmRun {
    private KvmRun() {}

    public static final int REQUEST_INTERRUPT_WINDOW = 0, IMMEDIATE_EXIT = 1, EXIT_REASON = 8,
        READY_FOR_INTERRUPT_INJECTION = 12, IF_FLAG = 13, FLAGS = 14, CR8 = 16, APIC_BASE = 24;
    // union: io
    public static final int IO_DIRECTION = 32, IO_SIZE = 33, IO_PORT = 34, IO_COUNT = 36, IO_DATA_OFFSET = 40;
    // union: mmio
    public static final int MMIO_PHYS_ADDR = 32, MMIO_DATA = 40, MMIO_LEN = 48, MMIO_IS_WRITE = 52;
    // union: fail_entry, ex, internal, system_event
    public static final int FAIL_ENTRY_REASON = 32, FAIL_ENTRY_CPU = 40;
    public static final int EX_EXCEPTION = 32, EX_ERROR_CODE = 36;
    public static final int INTERNAL_SUBERROR = 32, INTERNAL_NDATA = 36, INTERNAL_DATA = 40;
    public static final int SYSTEM_EVENT_TYPE = 32;
    public static final int KVM_VALID_REGS = 288, KVM_DIRTY_REGS = 296, S = 304;

    public static final StructLayout LAYOUT = StructLayout.of("struct kvm_run", 2352)
        .field("request_interrupt_window", REQUEST_INTERRUPT_WINDOW).field("immediate_exit", IMMEDIATE_EXIT)
        .field("exit_reason", EXIT_REASON).field("ready_for_interrupt_injection", READY_FOR_INTERRUPT_INJECTION)
        .field("if_flag", IF_FLAG).field("flags", FLAGS).field("cr8", CR8).field("apic_base", APIC_BASE)
        .field("io.direction", IO_DIRECTION).field("io.size", IO_SIZE).field("io.port", IO_PORT)
        .field("io.count", IO_COUNT).field("io.data_offset", IO_DATA_OFFSET)
        .field("mmio.phys_addr", MMIO_PHYS_ADDR).field("mmio.data", MMIO_DATA).field("mmio.len", MMIO_LEN)
        .field("mmio.is_write", MMIO_IS_WRITE)
        .field("fail_entry.hardware_entry_failure_reason", FAIL_ENTRY_REASON).field("fail_entry.cpu", FAIL_ENTRY_CPU)
        .field("ex.exception", EX_EXCEPTION).field("ex.error_code", EX_ERROR_CODE)
        .field("internal.suberror", INTERNAL_SUBERROR).field("internal.ndata", INTERNAL_NDATA)
        .field("internal.data", INTERNAL_DATA).field("system_event.type", SYSTEM_EVENT_TYPE)
        .field("kvm_valid_regs", KVM_VALID_REGS).field("kvm_dirty_regs", KVM_DIRTY_REGS).field("s", S).build();
}
