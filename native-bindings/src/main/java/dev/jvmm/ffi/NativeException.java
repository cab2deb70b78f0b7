package dev.jvmm.ffi;

/** A failed native call: names the call and carries errno with its text. */
public final class NativeException extends RuntimeException {
    private final String call;
    private final int errno;

    public NativeException(String call, int errno, String errnoText) {
        super(call + " failed: " + errnoText + " (errno " + errno + ")");
        this.call = call;
        this.errno = errno;
    }

    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }
}
