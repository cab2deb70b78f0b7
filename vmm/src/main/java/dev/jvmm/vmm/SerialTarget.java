package dev.jvmm.vmm;

import java.nio.file.Path;

/** Where the first serial port goes: {@code stdio}, {@code file:PATH} or {@code none}. */
sealed interface SerialTarget {
    record Stdio() implements SerialTarget {}

    record File(Path path) implements SerialTarget {}

    record None() implements SerialTarget {}

    static SerialTarget parse(String spec) throws UsageException {
        if (spec.equals("stdio") || spec.equals("mon:stdio")) {
            return new Stdio();
        }
        if (spec.equals("none") || spec.equals("null")) {
            return new None();
        }
        if (spec.startsWith("file:") && spec.length() > 5) {
            return new File(Path.of(spec.substring(5)));
        }
        throw new UsageException("invalid serial target '" + spec + "' (expected stdio, file:PATH or none)");
    }
}
