package dev.jvmm.kvm;

import dev.jvmm.ffi.FileDescriptor;
import dev.jvmm.ffi.LibC;
import dev.jvmm.ffi.Native;
import dev.jvmm.ffi.NativeBuffer;
import dev.jvmm.ffi.kvm.KvmIoctl;
import dev.jvmm.ffi.kvm.KvmRun;

/**
 * A KVM vCPU file descriptor and its mapped kvm_run page. The struct buffers used by the state
 * ioctls are allocated once and owned here; only the vCPU's own thread (or anyone while it is
 * parked) may use them.
 */
public final class VcpuFd extends FileDescriptor {
    private final int index;
    private final long runAddress;
    private final int runSize;
    final NativeBuffer scratch;
    private boolean released;
    /**
     * Large enough for every struct argument: kvm_xsave (4 KiB) and a kvm_cpuid2 of up to 512
     * entries (8 bytes + 512 * 40).
     */
    static final int SCRATCH_SIZE = 8 + 512 * 40;

    VcpuFd(VmFd vm, int fd, int index, int mmapSize) {
        super(fd, "KVM vCPU " + index);
        this.index = index;
        this.runSize = mmapSize;
        long addr = Native.libc().mmap(null, mmapSize, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, fd, 0);
        if (addr == LibC.MAP_FAILED) {
            RuntimeException e = Native.failure("mmap(kvm_run of vCPU " + index + ")");
            Native.libc().close(fd); // never handed out, so nobody else will close it
            throw e;
        }
        this.runAddress = addr;
        try {
            this.scratch = NativeBuffer.allocate(SCRATCH_SIZE);
        } catch (RuntimeException | Error e) {
            Native.libc().munmap(addr, mmapSize);
            Native.libc().close(fd);
            throw e;
        }
    }

    public int index() {
        return index;
    }

    /** Host address of this vCPU's struct kvm_run. */
    public long runAddress() {
        return runAddress;
    }

    /** KVM_RUN; returns 0, or -errno when interrupted (EINTR/EAGAIN) so the loop can decide. */
    public int run() {
        int rc = Native.libc().ioctl(fd(), KvmIoctl.KVM_RUN, 0);
        if (rc < 0) {
            int errno = Native.lastErrno();
            if (errno == LibC.EINTR || errno == LibC.EAGAIN) {
                return -errno;
            }
            throw Native.failure("KVM_RUN on vCPU " + index);
        }
        return rc;
    }

    public void setImmediateExit(boolean on) {
        Native.UNSAFE.putByteVolatile(null, runAddress + KvmRun.IMMEDIATE_EXIT, (byte) (on ? 1 : 0));
    }

    /** ioctl with the scratch buffer as its argument. */
    void ioctlScratch(long request, String call) {
        ioctl(request, scratch.address(), call + " on vCPU " + index);
    }

    @Override
    public synchronized void close() {
        if (released) {
            return; // munmap twice could unmap whatever reused the address
        }
        released = true;
        Native.libc().munmap(runAddress, runSize);
        scratch.close();
        super.close();
    }

}
