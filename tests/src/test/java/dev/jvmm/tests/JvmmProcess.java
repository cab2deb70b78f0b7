package dev.jvmm.tests;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starts the real jvmm process, as a user's shell would, and collects what it printed. */
final class JvmmProcess {
    private JvmmProcess() {}

    record Result(int exit, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    static Result run(String... args) throws IOException, InterruptedException {
        return run(120, args);
    }

    static Result run(int timeoutSeconds, String... args) throws IOException, InterruptedException {
        return runWithInput(timeoutSeconds, new byte[0], args);
    }

    /** Runs jvmm with {@code input} on its standard input, then end of file. */
    static Result runWithInput(int timeoutSeconds, byte[] input, String... args) throws IOException, InterruptedException {
        String cp = Files.readString(Path.of(System.getProperty("jvmm.classpath.file"))).trim();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", cp, "dev.jvmm.vmm.Main"));
        cmd.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        try (var stdin = p.getOutputStream()) {
            stdin.write(input);
        } catch (IOException e) {
            // the process may already have exited
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread to = drain(p.getInputStream(), out);
        Thread te = drain(p.getErrorStream(), err);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            to.join();
            te.join();
            throw new AssertionError("jvmm " + String.join(" ", args) + " did not finish in " + timeoutSeconds
                + " s; stdout so far:\n" + out.toString(StandardCharsets.UTF_8) + "\nstderr:\n"
                + err.toString(StandardCharsets.UTF_8));
        }
        to.join();
        te.join();
        return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Thread drain(InputStream in, ByteArrayOutputStream to) {
        Thread t = new Thread(() -> {
            try {
                in.transferTo(to);
            } catch (IOException e) {
                // process gone
            }
        });
        t.start();
        return t;
    }
}
