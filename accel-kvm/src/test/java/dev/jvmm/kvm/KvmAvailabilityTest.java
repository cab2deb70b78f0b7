package dev.jvmm.kvm;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmm.devmodel.accel.AcceleratorException;
import dev.jvmm.devmodel.accel.Availability;
import dev.jvmm.devmodel.accel.VmConfig;
import dev.jvmm.devmodel.accel.VmLifecycle;
import dev.jvmm.devmodel.bus.IoBuses;
import dev.jvmm.devmodel.memory.GuestMemory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a user without a usable /dev/kvm is told; runs everywhere, needs no KVM. */
class KvmAvailabilityTest {
    @Test
    void missingDeviceNodeIsNamedInTheReason(@TempDir Path dir) {
        String node = dir.resolve("kvm").toString();
        Availability a = new KvmAccelerator(node).availability();
        assertFalse(a.available());
        assertTrue(a.reason().contains(node + " does not exist"), a.reason());
    }

    @Test
    void aNodeThatIsNotKvmIsRefusedWithTheErrnoText(@TempDir Path dir) throws Exception {
        Path notKvm = Files.writeString(dir.resolve("kvm"), "");
        Availability a = new KvmAccelerator(notKvm.toString()).availability();
        assertFalse(a.available());
        // KVM_GET_API_VERSION on a regular file: ENOTTY
        assertTrue(a.reason().contains("KVM_GET_API_VERSION") || a.reason().contains("ioctl"), a.reason());
    }

    @Test
    void unreadableNodeIsReportedAsAPermissionProblemWhenNotRoot(@TempDir Path dir) throws Exception {
        Path node = Files.writeString(dir.resolve("kvm"), "");
        Files.setPosixFilePermissions(node, PosixFilePermissions.fromString("---------"));
        Availability a = new KvmAccelerator(node.toString()).availability();
        assertFalse(a.available());
        boolean root = "root".equals(System.getProperty("user.name"));
        assertTrue(root || a.reason().contains("no permission to open " + node), a.reason());
    }

    @Test
    void creatingAVmWithoutKvmThrowsTheReasonNotACrash(@TempDir Path dir) {
        String node = dir.resolve("kvm").toString();
        try (GuestMemory m = GuestMemory.pcLayout(2L << 20)) {
            AcceleratorException e = assertThrows(AcceleratorException.class, () ->
                new KvmAccelerator(node).createVm(new VmConfig(1), m, IoBuses.create(), new VmLifecycle()));
            assertTrue(e.getMessage().contains(node), e.getMessage());
        }
    }
}
