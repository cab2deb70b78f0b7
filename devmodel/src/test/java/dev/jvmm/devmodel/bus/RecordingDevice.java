package dev.jvmm.devmodel.bus;

import java.util.ArrayList;
import java.util.List;

/** A device that records every access it receives and answers reads with a fixed value. */
final class RecordingDevice implements BusDevice {
    record Access(boolean write, long offset, int size, long value) {}

    final List<Access> accesses = new ArrayList<>();
    long readValue;

    RecordingDevice() {
        this(0);
    }

    RecordingDevice(long readValue) {
        this.readValue = readValue;
    }

    static Access readOf(long offset, int size) {
        return new Access(false, offset, size, 0);
    }

    static Access writeOf(long offset, int size, long value) {
        return new Access(true, offset, size, value);
    }

    @Override
    public long read(long offset, int size) {
        accesses.add(new Access(false, offset, size, 0));
        return readValue;
    }

    @Override
    public void write(long offset, int size, long value) {
        accesses.add(new Access(true, offset, size, value));
    }
}
