package dev.jvmm.vmm;

/** Bad user input (a flag, a file): reported as one line with a non-zero exit. */
public final class UsageException extends Exception {
    public UsageException(String message) {
        super(message);
    }
}
