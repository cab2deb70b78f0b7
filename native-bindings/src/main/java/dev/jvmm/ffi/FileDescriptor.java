package dev.jvmm.ffi;

/** Owns one file descriptor; {@link #close()} closes it exactly once. */
public class FileDescriptor implements AutoCloseable {
    private final int fd;
    private final String what;
    private boolean closed;

    public FileDescriptor(int fd, String what) {
        if (fd < 0) {
            throw new IllegalArgumentException("invalid descriptor " + fd + " for " + what);
        }
        this.fd = fd;
        this.what = what;
    }

    /** Opens {@code path}; failure throws {@link NativeException} naming the path. */
    public static FileDescriptor open(String path, int flags) {
        int fd = Native.libc().open(path, flags | LibC.O_CLOEXEC);
        if (fd < 0) {
            throw Native.failure("open(" + path + ")");
        }
        return new FileDescriptor(fd, path);
    }

    public final int fd() {
        if (closed) {
            throw new IllegalStateException(what + " is closed");
        }
        return fd;
    }

    /** ioctl with an integer or pointer argument; a negative return throws, naming {@code call}. */
    public final int ioctl(long request, long arg, String call) {
        int rc = Native.libc().ioctl(fd(), request, arg);
        if (rc < 0) {
            throw Native.failure(call);
        }
        return rc;
    }

    public final String what() {
        return what;
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Native.libc().close(fd);
        }
    }
}
