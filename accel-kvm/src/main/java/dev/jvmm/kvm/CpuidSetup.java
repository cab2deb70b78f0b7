package dev.jvmm.kvm;

import dev.jvmm.devmodel.accel.AcceleratorException;
import dev.jvmm.ffi.NativeBuffer;
import dev.jvmm.ffi.kvm.KvmCpuid2;
import dev.jvmm.ffi.kvm.KvmIoctl;

/** The CPUID a vCPU sees: what KVM supports, with this vCPU's APIC id and the hypervisor bit. */
final class CpuidSetup {
    private CpuidSetup() {}

    static final int ECX_HYPERVISOR = 1 << 31;
    static final int EDX_HTT = 1 << 28;

    private static void set(NativeBuffer b, long e, int eax, int ebx, int ecx, int edx) {
        b.putInt(e + KvmCpuid2.E_EAX, eax);
        b.putInt(e + KvmCpuid2.E_EBX, ebx);
        b.putInt(e + KvmCpuid2.E_ECX, ecx);
        b.putInt(e + KvmCpuid2.E_EDX, edx);
    }

    /**
     * Copies the supported CPUID to the vCPU with this VM's topology: {@code vcpus} cores of one
     * thread each in one package, so the host's own topology does not leak into the guest.
     */
    static void apply(NativeBuffer supported, VcpuFd vcpu, int vcpus) {
        int n = supported.getInt(KvmCpuid2.NENT);
        if (KvmCpuid2.HEADER_SIZE + (long) KvmCpuid2.ENTRY_SIZE * n > vcpu.scratch.size()) {
            throw new AcceleratorException("KVM reports " + n + " CPUID entries; jvmm handles at most "
                + (vcpu.scratch.size() - KvmCpuid2.HEADER_SIZE) / KvmCpuid2.ENTRY_SIZE);
        }
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
            int index = b.getInt(e + KvmCpuid2.E_INDEX);
            if (function == 1) {
                int ebx = b.getInt(e + KvmCpuid2.E_EBX);
                // EBX[31:24] initial APIC id, [23:16] logical processors per package
                b.putInt(e + KvmCpuid2.E_EBX, (ebx & 0xFFFF) | (Math.min(vcpus, 255) << 16) | (apicId << 24));
                b.putInt(e + KvmCpuid2.E_ECX, b.getInt(e + KvmCpuid2.E_ECX) | ECX_HYPERVISOR);
                int edx = b.getInt(e + KvmCpuid2.E_EDX);
                b.putInt(e + KvmCpuid2.E_EDX, vcpus > 1 ? edx | EDX_HTT : edx & ~EDX_HTT);
            } else if (function == 4) {
                int eax = b.getInt(e + KvmCpuid2.E_EAX);
                // EAX[31:26] cores per package - 1; [25:14] threads sharing this cache - 1 (one per core)
                b.putInt(e + KvmCpuid2.E_EAX, (eax & 0x3FFF) | ((Math.min(vcpus, 64) - 1) << 26));
            } else if (function == 0xB || function == 0x1F) {
                int shift = 32 - Integer.numberOfLeadingZeros(Math.max(vcpus - 1, 0));
                switch (index) {
                    case 0 -> set(b, e, 0, 1, 0 | (1 << 8), apicId); // SMT level: one thread per core
                    case 1 -> set(b, e, shift, vcpus, 1 | (2 << 8), apicId); // core level
                    default -> set(b, e, 0, 0, index, apicId); // no further levels
                }
            }
        }
        vcpu.ioctlScratch(KvmIoctl.KVM_SET_CPUID2, "KVM_SET_CPUID2");
    }
}
