package dev.jvmm.ffi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeBindingsTest {
    @Test
    void mmapHonoursItsSixthArgument(@TempDir Path dir) throws Exception {
        // jnr-ffi#181 garbles the sixth primitive argument; map a file at a non-zero offset to see it.
        Path f = dir.resolve("data");
        byte[] content = new byte[8192];
        content[4096] = 0x5A;
        Files.write(f, content);
        try (FileDescriptor fd = FileDescriptor.open(f.toString(), LibC.O_RDONLY)) {
            long addr = Native.libc().mmap(null, 4096, LibC.PROT_READ, LibC.MAP_PRIVATE, fd.fd(), 4096);
            assertNotEquals(LibC.MAP_FAILED, addr, () -> "mmap: " + Native.strerror(Native.lastErrno()));
            try {
                assertEquals(0x5A, Native.UNSAFE.getByte(addr));
            } finally {
                Native.libc().munmap(addr, 4096);
            }
        }
    }

    @Test
    void failedCallNamesTheCallAndTheErrnoText() {
        NativeException e = assertThrows(NativeException.class,
            () -> FileDescriptor.open("/nonexistent/jvmm-test", LibC.O_RDONLY));
        assertEquals(LibC.ENOENT, e.errno());
        assertTrue(e.getMessage().contains("open(/nonexistent/jvmm-test)"), e.getMessage());
        assertTrue(e.getMessage().contains("No such file or directory"), e.getMessage());
    }

    @Test
    void eventfdWriteThenReadReturnsTheSum() {
        int efd = Native.check(Native.libc().eventfd(0, LibC.EFD_CLOEXEC), "eventfd");
        try (FileDescriptor fd = new FileDescriptor(efd, "eventfd"); NativeBuffer b = NativeBuffer.allocate(8)) {
            b.putLong(0, 3);
            assertEquals(8, Native.libc().write(fd.fd(), b.address(), 8));
            assertEquals(8, Native.libc().write(fd.fd(), b.address(), 8));
            b.putLong(0, 0);
            assertEquals(8, Native.libc().read(fd.fd(), b.address(), 8));
            assertEquals(6, b.getLong(0));
        }
    }

    @Test
    void nativeBufferRejectsOutOfRangeAccess() {
        try (NativeBuffer b = NativeBuffer.allocate(16)) {
            b.putLong(8, -1);
            assertEquals(-1, b.getLong(8));
            assertThrows(IndexOutOfBoundsException.class, () -> b.getLong(9));
            assertThrows(IndexOutOfBoundsException.class, () -> b.putByte(-1, 0));
        }
    }
}
