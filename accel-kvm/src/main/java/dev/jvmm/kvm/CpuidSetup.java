package dev.jvmm.kvm;

import dev.jvmm.ffi.NativeBuffer;
import dev.jvmm.ffi.kvm.KvmCpuid2;
import dev.jvmm.ffi.kvm.KvmIoctl;

/** The CPUID a vCPU sees: what KVM supports, with this vCPU's APIC id and the hypervisor bit. */
final class CpuidSetup {
    private CpuidSetup() {}

    static final int ECX_HYPERVISOR = 1 << 31;

    static void apply(NativeBuffer supported, VcpuFd vcpu) {
        int n = supported.getInt(KvmCpuid2.NENT);
        long size = KvmCpuid2.HEADER_SIZE + (long) KvmCpuid2.ENTRY_SIZE * n;
        NativeBuffer b = vcpu.scratch;
        b.clear();
        byte[] copy = new byte[(int) size];
        supported.getBytes(0, copy, 0, copy.length);
        b.putBytes(0, copy, 0, copy.length);
        int apicId = vcpu.index();
        for (int i = 0; i < n; i++) {
            long e = KvmCpuid2.ENTRIES + (long) KvmCpuid2.ENTRY_SIZE * i;
            int function = b.getInt(e + KvmCpuid2.E_FUNCTION);
            if (function == 1) {
                int ebx = b.getInt(e + KvmCpuid2.E_EBX);
                b.putInt(e + KvmCpuid2.E_EBX, (ebx & 0x00FF_FFFF) | (apicId << 24));
                b.putInt(e + KvmCpuid2.E_ECX, b.getInt(e + KvmCpuid2.E_ECX) | ECX_HYPERVISOR);
            } else if (function == 0xB || function == 0x1F) {
                b.putInt(e + KvmCpuid2.E_EDX, apicId); // x2APIC id
            }
        }
        vcpu.ioctlScratch(KvmIoctl.KVM_SET_CPUID2, "KVM_SET_CPUID2");
    }
}
