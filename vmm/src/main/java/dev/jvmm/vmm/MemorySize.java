package dev.jvmm.vmm;

import java.util.Locale;

/** Parses memory sizes as QEMU's -m does: a bare number is MiB; K, M, G and T suffixes (B optional). */
final class MemorySize {
    private MemorySize() {}

    static final long MIN = 2L << 20;
    static final long MAX = 1L << 40;

    static long parse(String text) throws UsageException {
        String s = text.trim().toUpperCase(Locale.ROOT);
        if (s.startsWith("SIZE=")) {
            s = s.substring(5); // QEMU also accepts -m size=128M
        }
        if (s.endsWith("IB")) {
            s = s.substring(0, s.length() - 2);
        } else if (s.endsWith("B") && s.length() > 1 && !Character.isDigit(s.charAt(s.length() - 2))) {
            s = s.substring(0, s.length() - 1);
        }
        long unit = 1L << 20;
        if (!s.isEmpty()) {
            switch (s.charAt(s.length() - 1)) {
                case 'K' -> unit = 1L << 10;
                case 'M' -> unit = 1L << 20;
                case 'G' -> unit = 1L << 30;
                case 'T' -> unit = 1L << 40;
                default -> unit = 0;
            }
            if (unit != 0) {
                s = s.substring(0, s.length() - 1);
            } else {
                unit = 1L << 20;
            }
        }
        long n;
        try {
            n = Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new UsageException("invalid memory size '" + text + "' (examples: 128, 512M, 2G)");
        }
        if (n <= 0 || n > MAX / unit) {
            throw new UsageException("memory size '" + text + "' out of range (2 MiB to 1 TiB)");
        }
        long bytes = n * unit;
        if (bytes < MIN) {
            throw new UsageException("memory size '" + text + "' is too small (at least 2 MiB)");
        }
        if ((bytes & 0xFFF) != 0) {
            throw new UsageException("memory size '" + text + "' is not a multiple of 4 KiB");
        }
        return bytes;
    }
}
