package dev.jvmm.kvm;

import static dev.jvmm.ffi.kvm.KvmConstants.*;

import dev.jvmm.ffi.Native;
import dev.jvmm.ffi.kvm.KvmRun;
import sun.misc.Unsafe;

/**
 * What KVM_RUN returned for, read from the mapped kvm_run. Port and MMIO exits, the frequent ones,
 * are flyweights over the page that each vCPU reuses, so the exit loop allocates nothing; the
 * rare exits are records.
 */
sealed interface KvmExit {
    /** A port access; {@link #dataAddress()} holds {@code count * size} bytes. */
    final class Pio implements KvmExit {
        private static final Unsafe U = Native.UNSAFE;
        private final long run;

        Pio(long run) {
            this.run = run;
        }

        boolean isOut() {
            return U.getByte(run + KvmRun.IO_DIRECTION) == KVM_EXIT_IO_OUT;
        }

        int size() {
            return U.getByte(run + KvmRun.IO_SIZE) & 0xFF;
        }

        int port() {
            return U.getShort(run + KvmRun.IO_PORT) & 0xFFFF;
        }

        int count() {
            return U.getInt(run + KvmRun.IO_COUNT);
        }

        long dataOffset() {
            return U.getLong(run + KvmRun.IO_DATA_OFFSET);
        }
    }

    /** A guest-physical access outside RAM; data lives in the 8-byte mmio.data field. */
    final class Mmio implements KvmExit {
        private static final Unsafe U = Native.UNSAFE;
        private final long run;

        Mmio(long run) {
            this.run = run;
        }

        long address() {
            return U.getLong(run + KvmRun.MMIO_PHYS_ADDR);
        }

        int length() {
            return U.getInt(run + KvmRun.MMIO_LEN);
        }

        boolean isWrite() {
            return U.getByte(run + KvmRun.MMIO_IS_WRITE) != 0;
        }

        long dataAddress() {
            return run + KvmRun.MMIO_DATA;
        }
    }

    record Halt() implements KvmExit {}

    record Shutdown() implements KvmExit {}

    record FailEntry(long hardwareReason, int cpu) implements KvmExit {}

    record InternalError(int suberror) implements KvmExit {}

    record SystemEvent(int type) implements KvmExit {}

    /** KVM_RUN was interrupted (a kick from another thread, or the interrupt window). */
    record Interrupted() implements KvmExit {}

    record Other(int reason) implements KvmExit {}
}
