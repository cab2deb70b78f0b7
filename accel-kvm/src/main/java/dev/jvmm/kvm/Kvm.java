package dev.jvmm.kvm;

import static dev.jvmm.ffi.kvm.KvmConstants.KVM_API_VERSION;

import dev.jvmm.ffi.FileDescriptor;
import dev.jvmm.ffi.LibC;
import dev.jvmm.ffi.NativeBuffer;
import dev.jvmm.ffi.kvm.KvmCpuid2;
import dev.jvmm.ffi.kvm.KvmIoctl;
import dev.jvmm.ffi.kvm.KvmMsrs;

/** The open /dev/kvm: system-wide queries and VM creation. */
public final class Kvm extends FileDescriptor {
    public static final String DEVICE = "/dev/kvm";

    private Kvm(int fd) {
        super(fd, DEVICE);
    }

    /** Opens /dev/kvm and checks the API version; failure throws with the errno text. */
    public static Kvm open() {
        return open(DEVICE);
    }

    static Kvm open(String device) {
        FileDescriptor fd = FileDescriptor.open(device, LibC.O_RDWR);
        Kvm kvm = new Kvm(fd.fd());
        int version = kvm.ioctl(KvmIoctl.KVM_GET_API_VERSION, 0, "KVM_GET_API_VERSION");
        if (version != KVM_API_VERSION) {
            kvm.close();
            throw new IllegalStateException("KVM API version " + version + ", expected " + KVM_API_VERSION);
        }
        return kvm;
    }

    public int checkExtension(int capability) {
        return ioctl(KvmIoctl.KVM_CHECK_EXTENSION, capability, "KVM_CHECK_EXTENSION");
    }

    public int vcpuMmapSize() {
        return ioctl(KvmIoctl.KVM_GET_VCPU_MMAP_SIZE, 0, "KVM_GET_VCPU_MMAP_SIZE");
    }

    public VmFd createVm() {
        return new VmFd(this, ioctl(KvmIoctl.KVM_CREATE_VM, 0, "KVM_CREATE_VM"));
    }

    /** KVM_GET_SUPPORTED_CPUID into a buffer the caller owns (header plus MAX_ENTRIES entries). */
    public NativeBuffer supportedCpuid() {
        NativeBuffer b = NativeBuffer.allocate(KvmCpuid2.HEADER_SIZE + (long) KvmCpuid2.ENTRY_SIZE * KvmCpuid2.MAX_ENTRIES);
        try {
            b.putInt(KvmCpuid2.NENT, KvmCpuid2.MAX_ENTRIES);
            ioctl(KvmIoctl.KVM_GET_SUPPORTED_CPUID, b.address(), "KVM_GET_SUPPORTED_CPUID");
            return b;
        } catch (RuntimeException e) {
            b.close();
            throw e;
        }
    }

    /** The MSR indices KVM saves and restores for a vCPU (KVM_GET_MSR_INDEX_LIST). */
    public int[] msrIndexList() {
        try (NativeBuffer b = NativeBuffer.allocate(4 + 4L * 1024)) {
            b.putInt(0, 1024);
            ioctl(KvmIoctl.KVM_GET_MSR_INDEX_LIST, b.address(), "KVM_GET_MSR_INDEX_LIST");
            int n = b.getInt(0);
            int[] out = new int[n];
            for (int i = 0; i < n; i++) {
                out[i] = b.getInt(4 + 4L * i);
            }
            return out;
        }
    }

    static int msrsBufferSize(int n) {
        return KvmMsrs.HEADER_SIZE + KvmMsrs.ENTRY_SIZE * n;
    }
}
