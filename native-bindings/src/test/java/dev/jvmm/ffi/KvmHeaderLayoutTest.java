package dev.jvmm.ffi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmm.ffi.kvm.KvmConstants;
import dev.jvmm.ffi.kvm.KvmIoctl;
import dev.jvmm.ffi.kvm.KvmLayouts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles a C program against the kernel's linux/kvm.h that prints sizeof, offsetof, the ioctl
 * numbers and the constants jvmm hard-codes, and compares each with the Java side.
 */
class KvmHeaderLayoutTest {
    @TempDir
    static Path dir;
    static Map<String, Long> fromC;

    @BeforeAll
    static void compileAndRun() throws Exception {
        StringBuilder c = new StringBuilder("#include <stdio.h>\n#include <stddef.h>\n#include <linux/kvm.h>\nint main(void){\n");
        for (StructLayout l : KvmLayouts.all()) {
            c.append(String.format("printf(\"%s#size %%zu\\n\", sizeof(%s));%n", l.cType(), l.cType()));
            for (String f : l.fields().keySet()) {
                c.append(String.format("printf(\"%s#%s %%zu\\n\", offsetof(%s, %s));%n", l.cType(), f, l.cType(), f));
            }
        }
        for (String name : KvmIoctl.all().keySet()) {
            c.append(String.format("printf(\"ioctl#%s %%lu\\n\", (unsigned long)%s);%n", name, name));
        }
        for (String name : KvmConstants.all().keySet()) {
            c.append(String.format("printf(\"const#%s %%ld\\n\", (long)%s);%n", name, name));
        }
        c.append("return 0;}\n");
        Path src = dir.resolve("layout.c");
        Path exe = dir.resolve("layout");
        Files.writeString(src, c);
        run(List.of("gcc", "-o", exe.toString(), src.toString()));
        fromC = new TreeMap<>();
        for (String line : run(List.of(exe.toString())).split("\n")) {
            int sp = line.lastIndexOf(' ');
            fromC.put(line.substring(0, sp), Long.parseLong(line.substring(sp + 1)));
        }
    }

    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), () -> String.join(" ", cmd) + " failed:\n" + out);
        return out;
    }

    @Test
    void everyStructureSizeAndFieldOffsetMatchesTheKernelHeader() {
        List<String> mismatches = new ArrayList<>();
        int checked = 0;
        for (StructLayout l : KvmLayouts.all()) {
            checked += compare(l.cType() + "#size", l.size(), mismatches);
            for (var f : l.fields().entrySet()) {
                checked += compare(l.cType() + "#" + f.getKey(), f.getValue(), mismatches);
            }
        }
        assertTrue(mismatches.isEmpty(), "layout mismatches: " + mismatches);
        assertTrue(checked > 150, "only " + checked + " values compared");
    }

    @Test
    void ioctlNumbersMatchTheKernelHeader() {
        List<String> mismatches = new ArrayList<>();
        KvmIoctl.all().forEach((k, v) -> compare("ioctl#" + k, v, mismatches));
        assertTrue(mismatches.isEmpty(), "ioctl mismatches: " + mismatches);
    }

    @Test
    void constantsMatchTheKernelHeader() {
        List<String> mismatches = new ArrayList<>();
        KvmConstants.all().forEach((k, v) -> compare("const#" + k, v, mismatches));
        assertTrue(mismatches.isEmpty(), "constant mismatches: " + mismatches);
    }

    private static int compare(String key, long javaValue, List<String> mismatches) {
        Long c = fromC.get(key);
        if (c == null || c != javaValue) {
            mismatches.add(key + ": java " + javaValue + ", C " + c);
        }
        return 1;
    }
}
