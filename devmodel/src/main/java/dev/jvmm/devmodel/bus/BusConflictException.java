package dev.jvmm.devmodel.bus;

/** A registration whose range overlaps one already on the bus, or is empty or out of the bus. */
public final class BusConflictException extends RuntimeException {
    private final long base;
    private final long length;

    public BusConflictException(String bus, long base, long length, String why) {
        super(String.format("%s range 0x%x+0x%x: %s", bus, base, length, why));
        this.base = base;
        this.length = length;
    }

    public long base() {
        return base;
    }

    public long length() {
        return length;
    }
}
