package dev.jvmm.ffi;

/**
 * The libc calls jvmm needs, bound through JNR-FFI. Pointers travel as {@code long} host
 * addresses: every buffer jvmm hands to the kernel is native memory it owns, so there is nothing
 * for JNR to marshal.
 *
 * <p>{@code mmap} has six arguments; JNR-FFI's x86 stub generator corrupts the sixth when all six
 * are primitives (jnr/jnr-ffi#181), so its address is declared as a Pointer, and
 * {@code NativeBindingsTest} checks the call with a non-zero offset.
 */
public interface LibC {
    int open(String path, int flags);

    int close(int fd);

    /** ioctl's third argument is a pointer or an integer; both travel as a 64-bit register. */
    int ioctl(int fd, long request, long arg);

    /** {@code addr} is a Pointer (pass null) so the call is not all-primitive: see jnr-ffi#181 above. */
    long mmap(jnr.ffi.Pointer addr, long length, int prot, int flags, int fd, long offset);

    int munmap(long addr, long length);

    int madvise(long addr, long length, int advice);

    int eventfd(int initval, int flags);

    long read(int fd, long buf, long count);

    long write(int fd, long buf, long count);

    int poll(long fds, long nfds, int timeoutMillis);

    long calloc(long count, long size);

    void free(long ptr);

    String strerror(int errnum);

    int getpid();

    /** The calling thread's pthread_t, so another thread can signal it. */
    long pthread_self();

    int pthread_kill(long thread, int signal);

    // Constants from <fcntl.h>, <sys/mman.h>, <sys/eventfd.h>, <poll.h> (x86-64 Linux values).
    int O_RDONLY = 0;
    int O_RDWR = 2;
    int O_CLOEXEC = 0x80000;
    int PROT_NONE = 0;
    int PROT_READ = 1;
    int PROT_WRITE = 2;
    int MAP_SHARED = 0x01;
    int MAP_PRIVATE = 0x02;
    int MAP_ANONYMOUS = 0x20;
    int MAP_NORESERVE = 0x4000;
    long MAP_FAILED = -1L;
    int MADV_DONTNEED = 4;
    int MADV_MERGEABLE = 12;
    int MADV_HUGEPAGE = 14;
    int EFD_CLOEXEC = 0x80000;
    int EFD_NONBLOCK = 0x800;
    short POLLIN = 0x1;
    int EINTR = 4;
    int EAGAIN = 11;
    int ENOENT = 2;
    int EACCES = 13;
    int EPERM = 1;
    /**
     * The signal jvmm uses to kick a vCPU thread out of KVM_RUN. HotSpot installs a handler for
     * SIGPIPE that ignores it, so delivering it only interrupts the blocking call with EINTR.
     */
    int SIGPIPE = 13;
}
