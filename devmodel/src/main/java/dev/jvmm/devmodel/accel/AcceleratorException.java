package dev.jvmm.devmodel.accel;

/** An accelerator could not create or configure a VM; the message is meant for the user. */
public final class AcceleratorException extends RuntimeException {
    public AcceleratorException(String message) {
        super(message);
    }

    public AcceleratorException(String message, Throwable cause) {
        super(message, cause);
    }
}
