package dev.jvmm.tests;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** The guest test programs built by tests/guests, as files a command line can name. */
final class Guests {
    private Guests() {}

    static Path image(String name) throws IOException {
        Path dir = Path.of(System.getProperty("jvmm.work"), "guests");
        Files.createDirectories(dir);
        Path file = dir.resolve(name + ".elf");
        try (InputStream in = Guests.class.getClassLoader().getResourceAsStream("guests/" + name + ".elf")) {
            if (in == null) {
                throw new IOException("guest program " + name + " was not built (guests/" + name + ".elf)");
            }
            Files.write(file, in.readAllBytes());
        }
        return file;
    }

    /** The hand-written expectation of tests/guests/expected/NAME.txt: "exit=N", "---", exact output. */
    record Expected(String exit, String output) {
        static Expected of(String name) throws IOException {
            String text = Files.readString(Path.of(System.getProperty("jvmm.guests.expected"), name + ".txt"));
            int sep = text.indexOf("\n---\n");
            if (!text.startsWith("exit=") || sep < 0) {
                throw new IOException("malformed expectation file for " + name);
            }
            return new Expected(text.substring(5, sep).trim(), text.substring(sep + 5));
        }
    }
}
