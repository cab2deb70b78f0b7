package dev.jvmm.ffi;

import java.util.Objects;

/**
 * Native memory owned by one object and freed by {@link #close()}. Accessors check the range
 * against the buffer's size, so a wrong offset fails in Java rather than corrupting the heap.
 */
public final class NativeBuffer implements AutoCloseable {
    private long address;
    private final long size;

    private NativeBuffer(long address, long size) {
        this.address = address;
        this.size = size;
    }

    /** Zero-filled native memory of {@code size} bytes. */
    public static NativeBuffer allocate(long size) {
        if (size <= 0) {
            throw new IllegalArgumentException("size " + size);
        }
        long a = Native.libc().calloc(1, size);
        if (a == 0) {
            throw new OutOfMemoryError("calloc(" + size + ")");
        }
        return new NativeBuffer(a, size);
    }

    public long address() {
        if (address == 0) {
            throw new IllegalStateException("buffer freed");
        }
        return address;
    }

    public long size() {
        return size;
    }

    private long at(long offset, int width) {
        Objects.checkFromIndexSize(offset, width, size);
        return address() + offset;
    }

    public byte getByte(long off) { return Native.UNSAFE.getByte(at(off, 1)); }
    public short getShort(long off) { return Native.UNSAFE.getShort(at(off, 2)); }
    public int getInt(long off) { return Native.UNSAFE.getInt(at(off, 4)); }
    public long getLong(long off) { return Native.UNSAFE.getLong(at(off, 8)); }
    public void putByte(long off, int v) { Native.UNSAFE.putByte(at(off, 1), (byte) v); }
    public void putShort(long off, int v) { Native.UNSAFE.putShort(at(off, 2), (short) v); }
    public void putInt(long off, int v) { Native.UNSAFE.putInt(at(off, 4), v); }
    public void putLong(long off, long v) { Native.UNSAFE.putLong(at(off, 8), v); }

    public void getBytes(long off, byte[] dst, int dstOff, int len) {
        Objects.checkFromIndexSize(dstOff, len, dst.length);
        Native.UNSAFE.copyMemory(null, at(off, len), dst, BYTE_BASE + dstOff, len);
    }

    public void putBytes(long off, byte[] src, int srcOff, int len) {
        Objects.checkFromIndexSize(srcOff, len, src.length);
        Native.UNSAFE.copyMemory(src, BYTE_BASE + srcOff, null, at(off, len), len);
    }

    public void clear() {
        Native.UNSAFE.setMemory(address(), size, (byte) 0);
    }

    private static final long BYTE_BASE = Native.UNSAFE.arrayBaseOffset(byte[].class);

    @Override
    public synchronized void close() {
        if (address != 0) {
            Native.libc().free(address);
            address = 0;
        }
    }
}
