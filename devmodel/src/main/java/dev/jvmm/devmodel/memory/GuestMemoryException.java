package dev.jvmm.devmodel.memory;

/** An access to guest-physical memory outside the guest's RAM; carries the offending range. */
public final class GuestMemoryException extends RuntimeException {
    private final long gpa;
    private final long length;

    public GuestMemoryException(long gpa, long length) {
        super(String.format("guest-physical range 0x%x+0x%x is not RAM", gpa, length));
        this.gpa = gpa;
        this.length = length;
    }

    public long gpa() {
        return gpa;
    }

    public long length() {
        return length;
    }
}
