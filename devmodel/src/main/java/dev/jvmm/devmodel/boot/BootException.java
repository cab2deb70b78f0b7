package dev.jvmm.devmodel.boot;

/**
 * A kernel image, initrd or command line that cannot be booted. The message is meant for the
 * person starting the VM: it names the file and says what is wrong with it and what was expected.
 */
public final class BootException extends Exception {
    private static final long serialVersionUID = 1L;

    public BootException(String message) {
        super(message);
    }

    public BootException(String message, Throwable cause) {
        super(message, cause);
    }
}
