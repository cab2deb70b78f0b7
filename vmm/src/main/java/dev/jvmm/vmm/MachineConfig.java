package dev.jvmm.vmm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** A validated description of the machine to build: every user input checked before anything starts. */
record MachineConfig(String kernelName, byte[] kernel, String cmdline, byte[] initrd, long memoryBytes, int vcpus,
                     String accel, SerialTarget serial, boolean testDevice) {
    static final String DEMO_RESOURCE = "guests/demo.elf";
    static final int MAX_VCPUS = dev.jvmm.devmodel.accel.VmConfig.MAX_VCPUS;
    /** Kernels and initrds are read whole into the heap; beyond this they belong on a disk. */
    static final long MAX_IMAGE_BYTES = 1L << 30;

    static MachineConfig from(RunCommand c) throws UsageException {
        long mem = MemorySize.parse(c.memory);
        int vcpus = parseSmp(c.smp);
        String accel = c.enableKvm ? "kvm" : c.accel.split(",", 2)[0].trim().toLowerCase(Locale.ROOT);
        SerialTarget serial = SerialTarget.parse(c.serial);
        boolean testdev = false;
        for (String d : c.devices) {
            String name = d.split(",", 2)[0];
            if (name.equals("testdev")) {
                testdev = true;
            } else {
                throw new UsageException("unknown device '" + name + "' (this build has: testdev)");
            }
        }
        String name;
        byte[] kernel;
        if (c.kernel == null) {
            name = "embedded demo guest";
            kernel = demoGuest();
        } else {
            name = c.kernel.toString();
            kernel = readFile(c.kernel, "kernel");
        }
        byte[] initrd = c.initrd == null ? null : readFile(c.initrd, "initrd");
        return new MachineConfig(name, kernel, c.append, initrd, mem, vcpus, accel, serial, testdev);
    }

    private static int parseSmp(String s) throws UsageException {
        // QEMU allows -smp 2 and -smp cpus=2[,...]; only the count matters here.
        String v = s.split(",", 2)[0];
        if (v.startsWith("cpus=")) {
            v = v.substring(5);
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < 1 || n > MAX_VCPUS) {
                throw new UsageException("vCPU count must be 1.." + MAX_VCPUS + ": " + s);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException("invalid vCPU count '" + s + "'");
        }
    }

    static byte[] readFile(Path p, String what) throws UsageException {
        if (!Files.exists(p)) {
            throw new UsageException(what + " file " + p + " does not exist");
        }
        if (Files.isDirectory(p)) {
            throw new UsageException(what + " file " + p + " is a directory");
        }
        if (!Files.isRegularFile(p)) {
            // a device or FIFO would be read forever (/dev/zero) or block (a pipe)
            throw new UsageException(what + " file " + p + " is not a regular file");
        }
        if (!Files.isReadable(p)) {
            throw new UsageException(what + " file " + p + " is not readable (permission denied)");
        }
        try {
            long size = Files.size(p);
            if (size > MAX_IMAGE_BYTES) {
                throw new UsageException(what + " file " + p + " is too large (" + size + " bytes; at most "
                    + MAX_IMAGE_BYTES + ")");
            }
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UsageException("cannot read " + what + " file " + p + ": " + e.getMessage());
        } catch (OutOfMemoryError e) {
            throw new UsageException("not enough Java heap to read " + what + " file " + p + " (raise -Xmx)");
        }
    }

    private static byte[] demoGuest() throws UsageException {
        try (InputStream in = MachineConfig.class.getClassLoader().getResourceAsStream(DEMO_RESOURCE)) {
            if (in == null) {
                throw new UsageException("the embedded demo guest is missing from this build (" + DEMO_RESOURCE + ")");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UsageException("cannot read the embedded demo guest: " + e.getMessage());
        }
    }

    List<String> describe() {
        return List.of(kernelName, accel, Long.toString(memoryBytes >> 20) + " MiB", vcpus + " vCPU");
    }
}
