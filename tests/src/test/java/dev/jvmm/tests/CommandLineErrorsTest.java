package dev.jvmm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad user input ends in exactly one line on stderr naming the problem, a non-zero exit and no
 * stack trace. None of these need an accelerator: input is checked before one is touched.
 */
class CommandLineErrorsTest {
    @TempDir
    Path dir;

    static void assertOneLineError(JvmmProcess.Result r, String mustContain) {
        assertNotEquals(0, r.exit(), r::toString);
        String err = r.stderr().strip();
        assertFalse(err.isEmpty(), r::toString);
        assertFalse(err.contains("\n"), () -> "more than one line: " + r);
        assertFalse(err.contains("Exception") || err.contains("\tat "), () -> "stack trace leaked: " + r);
        assertTrue(err.startsWith("jvmm: "), r::toString);
        assertTrue(err.contains(mustContain), () -> "expected '" + mustContain + "' in: " + r);
        assertEquals("", r.stdout(), r::toString);
    }

    @Test
    void missingKernelFileIsNamed() throws Exception {
        Path missing = dir.resolve("no-such-kernel");
        assertOneLineError(JvmmProcess.run("run", "--kernel", missing.toString()), missing + " does not exist");
    }

    @Test
    void qemuSpellingOfTheSameMistakeGivesTheSameMessage() throws Exception {
        Path missing = dir.resolve("no-such-kernel");
        assertOneLineError(JvmmProcess.run("run", "-kernel", missing.toString(), "-m", "64", "-smp", "1"),
            missing + " does not exist");
    }

    @Test
    void unreadableKernelIsReported() throws Exception {
        Path f = Files.writeString(dir.resolve("secret"), "x");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("---------"));
        // root reads anything; then the file is refused as an unknown format instead, still in one line
        JvmmProcess.Result r = JvmmProcess.run("run", "--kernel", f.toString());
        assertOneLineError(r, f.toString());
    }

    @Test
    void fileThatIsNoKernelSaysWhatWasExpected() throws Exception {
        Path f = Files.writeString(dir.resolve("notes.txt"), "this is not a kernel\n".repeat(100));
        assertOneLineError(JvmmProcess.run("run", "--kernel", f.toString()),
            "not a Multiboot ELF32 image, an ELF64 x86-64 executable or a Linux bzImage");
    }

    @Test
    void emptyKernelFileIsRefused() throws Exception {
        Path f = Files.write(dir.resolve("empty"), new byte[0]);
        assertOneLineError(JvmmProcess.run("run", "--kernel", f.toString()), f.toString());
    }

    @Test
    void directoryAsInitrdIsRefused() throws Exception {
        assertOneLineError(JvmmProcess.run("run", "--initrd", dir.toString()), "is a directory");
    }

    @Test
    void invalidMemorySize() throws Exception {
        assertOneLineError(JvmmProcess.run("run", "-m", "lots"), "invalid memory size 'lots'");
    }

    @Test
    void invalidVcpuCount() throws Exception {
        assertOneLineError(JvmmProcess.run("run", "--smp", "0"), "vCPU count");
    }

    @Test
    void unknownAcceleratorListsTheKnownOnes() throws Exception {
        assertOneLineError(JvmmProcess.run("run", "--accel", "hyperv"), "unknown accelerator 'hyperv'");
    }

    @Test
    void unknownOptionPointsToHelp() throws Exception {
        assertOneLineError(JvmmProcess.run("run", "--frobnicate"), "--help");
    }

    @Test
    void unknownDevice() throws Exception {
        assertOneLineError(JvmmProcess.run("run", "-device", "sound-blaster"), "unknown device 'sound-blaster'");
    }

    @Test
    void invalidSerialTarget() throws Exception {
        assertOneLineError(JvmmProcess.run("run", "-serial", "pty"), "invalid serial target 'pty'");
    }

    @Test
    void aDeviceNodeAsKernelIsRefusedNotReadForever() throws Exception {
        assertOneLineError(JvmmProcess.run("run", "--kernel", "/dev/zero"), "not a regular file");
    }

    @Test
    void qemuNoOpFlagsCanBeGivenTogether() throws Exception {
        Path missing = dir.resolve("k");
        // The flags themselves are accepted; the run then fails on the missing kernel, not on them.
        assertOneLineError(JvmmProcess.run("run", "-nographic", "-no-reboot", "-kernel", missing.toString()),
            "does not exist");
    }

    @Test
    void helpPrintsUsageAndSucceeds() throws Exception {
        JvmmProcess.Result r = JvmmProcess.run("run", "--help");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.stdout().contains("--kernel") && r.stdout().contains("-kernel"), r::toString);
    }
}
