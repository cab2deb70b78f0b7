package dev.jvmm.kvm;

import dev.jvmm.ffi.FileDescriptor;
import dev.jvmm.ffi.NativeBuffer;
import dev.jvmm.ffi.kvm.KvmConstants;
import dev.jvmm.ffi.kvm.KvmDirtyLog;
import dev.jvmm.ffi.kvm.KvmIoctl;
import dev.jvmm.ffi.kvm.KvmIrqLevel;
import dev.jvmm.ffi.kvm.KvmPitConfig;
import dev.jvmm.ffi.kvm.KvmUserspaceMemoryRegion;

/** A KVM VM file descriptor: memory slots, the in-kernel irqchip and PIT, vCPU creation. */
public final class VmFd extends FileDescriptor {
    private final Kvm kvm;

    VmFd(Kvm kvm, int fd) {
        super(fd, "KVM VM");
        this.kvm = kvm;
    }

    public Kvm kvm() {
        return kvm;
    }

    public void setUserMemoryRegion(int slot, long gpa, long size, long hostAddress, boolean logDirty) {
        try (NativeBuffer b = NativeBuffer.allocate(KvmUserspaceMemoryRegion.LAYOUT.size())) {
            b.putInt(KvmUserspaceMemoryRegion.SLOT, slot);
            b.putInt(KvmUserspaceMemoryRegion.FLAGS, logDirty ? KvmConstants.KVM_MEM_LOG_DIRTY_PAGES : 0);
            b.putLong(KvmUserspaceMemoryRegion.GUEST_PHYS_ADDR, gpa);
            b.putLong(KvmUserspaceMemoryRegion.MEMORY_SIZE, size);
            b.putLong(KvmUserspaceMemoryRegion.USERSPACE_ADDR, hostAddress);
            ioctl(KvmIoctl.KVM_SET_USER_MEMORY_REGION, b.address(), "KVM_SET_USER_MEMORY_REGION");
        }
    }

    public void setTssAddress(long gpa) {
        ioctl(KvmIoctl.KVM_SET_TSS_ADDR, gpa, "KVM_SET_TSS_ADDR");
    }

    public void setIdentityMapAddress(long gpa) {
        try (NativeBuffer b = NativeBuffer.allocate(8)) {
            b.putLong(0, gpa);
            ioctl(KvmIoctl.KVM_SET_IDENTITY_MAP_ADDR, b.address(), "KVM_SET_IDENTITY_MAP_ADDR");
        }
    }

    public void createIrqchip() {
        ioctl(KvmIoctl.KVM_CREATE_IRQCHIP, 0, "KVM_CREATE_IRQCHIP");
    }

    public void createPit2() {
        try (NativeBuffer b = NativeBuffer.allocate(KvmPitConfig.LAYOUT.size())) {
            // Port 0x61 (speaker) is answered in the kernel rather than exiting to us.
            b.putInt(KvmPitConfig.FLAGS, KvmConstants.KVM_PIT_SPEAKER_DUMMY);
            ioctl(KvmIoctl.KVM_CREATE_PIT2, b.address(), "KVM_CREATE_PIT2");
        }
    }

    /** Sets GSI {@code gsi} to {@code level} using the caller's 8-byte scratch buffer. */
    public void irqLine(NativeBuffer scratch, int gsi, boolean level) {
        scratch.putInt(KvmIrqLevel.IRQ, gsi);
        scratch.putInt(KvmIrqLevel.LEVEL, level ? 1 : 0);
        ioctl(KvmIoctl.KVM_IRQ_LINE, scratch.address(), "KVM_IRQ_LINE");
    }

    /** Fills {@code bitmap} with slot {@code slot}'s dirty pages and clears them in KVM. */
    public void getDirtyLog(int slot, NativeBuffer bitmap) {
        try (NativeBuffer b = NativeBuffer.allocate(KvmDirtyLog.LAYOUT.size())) {
            b.putInt(KvmDirtyLog.SLOT, slot);
            b.putLong(KvmDirtyLog.DIRTY_BITMAP, bitmap.address());
            ioctl(KvmIoctl.KVM_GET_DIRTY_LOG, b.address(), "KVM_GET_DIRTY_LOG");
        }
    }

    public VcpuFd createVcpu(int index) {
        int mmapSize = kvm.vcpuMmapSize(); // asked first, so a failure here leaks no vCPU fd
        int fd = ioctl(KvmIoctl.KVM_CREATE_VCPU, index, "KVM_CREATE_VCPU(" + index + ")");
        return new VcpuFd(this, fd, index, mmapSize);
    }
}
