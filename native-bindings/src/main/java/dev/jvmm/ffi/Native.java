package dev.jvmm.ffi;

import java.lang.reflect.Field;
import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Runtime;
import sun.misc.Unsafe;

/**
 * The loaded libc and raw access to native memory. Both are immutable once the class is
 * initialised; nothing here is mutable global state.
 */
public final class Native {
    private static final LibC LIBC;
    private static final Runtime RUNTIME;
    /** Raw native memory access: the fastest off-heap path on Java 17 (see tcg-notes). */
    public static final Unsafe UNSAFE;

    static {
        LIBC = LibraryLoader.create(LibC.class).option(LibraryOption.SaveError, true).load("c");
        RUNTIME = Runtime.getRuntime(LIBC);
        try {
            Field f = Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            UNSAFE = (Unsafe) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Native() {}

    public static LibC libc() {
        return LIBC;
    }

    /** errno of the last native call made by this thread. */
    public static int lastErrno() {
        return RUNTIME.getLastError();
    }

    public static String strerror(int errno) {
        return LIBC.strerror(errno);
    }

    /** Throws {@link NativeException} naming {@code call} when {@code rc} is negative. */
    public static int check(int rc, String call) {
        if (rc < 0) {
            throw failure(call);
        }
        return rc;
    }

    public static long check(long rc, String call) {
        if (rc < 0) {
            throw failure(call);
        }
        return rc;
    }

    public static NativeException failure(String call) {
        int errno = lastErrno();
        return new NativeException(call, errno, strerror(errno));
    }
}
