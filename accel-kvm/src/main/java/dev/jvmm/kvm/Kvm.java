package dev.jvmm.kvm;

import static dev.jvmm.ffi.kvm.KvmConstants.KVM_API_VERSION;

import dev.jvmm.devmodel.accel.AcceleratorException;
import dev.jvmm.ffi.FileDescriptor;
import dev.jvmm.ffi.Native;
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
        int fd = Native.libc().open(device, LibC.O_RDWR | LibC.O_CLOEXEC);
        if (fd < 0) {
            throw Native.failure("open(" + device + ")");
        }
        Kvm kvm = new Kvm(fd); // the only owner of fd from here on
        try {
            int version = kvm.ioctl(KvmIoctl.KVM_GET_API_VERSION, 0, "KVM_GET_API_VERSION");
            if (version != KVM_API_VERSION) {
                throw new AcceleratorException("KVM API version " + version + ", expected " + KVM_API_VERSION);
            }
            return kvm;
        } catch (RuntimeException e) {
            kvm.close();
            throw e;
        }
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

    /**
     * KVM_GET_SUPPORTED_CPUID into a buffer the caller owns; grows the buffer while KVM answers E2BIG.
     */
    public NativeBuffer supportedCpuid() {
        for (int entries = KvmCpuid2.MAX_ENTRIES; ; entries *= 2) {
            NativeBuffer b = NativeBuffer.allocate(KvmCpuid2.HEADER_SIZE + (long) KvmCpuid2.ENTRY_SIZE * entries);
            b.putInt(KvmCpuid2.NENT, entries);
            int rc = Native.libc().ioctl(fd(), KvmIoctl.KVM_GET_SUPPORTED_CPUID, b.address());
            if (rc >= 0) {
                return b;
            }
            RuntimeException e = Native.failure("KVM_GET_SUPPORTED_CPUID");
            b.close();
            if (Native.lastErrno() != E2BIG || entries >= 4096) {
                throw e;
            }
        }
    }

    private static final int E2BIG = 7;

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
