package dev.jvmm.devmodel.boot;

/**
 * Bounds-checked little-endian reads from an untrusted kernel image; every failure is a
 * {@link BootException} naming the file.
 */
final class Image {
    final String name;
    final byte[] bytes;

    Image(String name, byte[] bytes) {
        this.name = name;
        this.bytes = bytes;
    }

    int length() {
        return bytes.length;
    }

    /** Whether [off, off+len) lies inside the file; both are treated as signed and must be >= 0. */
    boolean has(long off, long len) {
        return off >= 0 && len >= 0 && off <= bytes.length && len <= bytes.length - off;
    }

    BootException error(String format, Object... args) {
        return new BootException("kernel image " + name + ": " + String.format(format, args));
    }

    private void need(long off, int len, String what) throws BootException {
        if (!has(off, len)) {
            throw error("file is truncated: %s at offset 0x%x needs %d bytes but the file has only %d",
                what, off, len, bytes.length);
        }
    }

    int u8(long off, String what) throws BootException {
        need(off, 1, what);
        return bytes[(int) off] & 0xFF;
    }

    int u16(long off, String what) throws BootException {
        need(off, 2, what);
        int o = (int) off;
        return (bytes[o] & 0xFF) | (bytes[o + 1] & 0xFF) << 8;
    }

    long u32(long off, String what) throws BootException {
        need(off, 4, what);
        return peek32(off);
    }

    /** A 64-bit field; values of 2^63 and above come back negative, compare them unsigned. */
    long u64(long off, String what) throws BootException {
        need(off, 8, what);
        return peek32(off) | peek32(off + 4) << 32;
    }

    /** An unchecked 32-bit read for scanning; the caller has checked the range. */
    long peek32(long off) {
        int o = (int) off;
        return ((bytes[o] & 0xFF) | (bytes[o + 1] & 0xFF) << 8 | (bytes[o + 2] & 0xFF) << 16
            | (long) (bytes[o + 3] & 0xFF) << 24);
    }

    /** A short human description of what the file starts with, for "found: ..." messages. */
    String sniff() {
        StringBuilder sb = new StringBuilder();
        if (bytes.length >= 4 && (bytes[0] & 0xFF) == 0x7F && bytes[1] == 'E' && bytes[2] == 'L' && bytes[3] == 'F') {
            sb.append("an ELF file, ");
        } else if (bytes.length >= 2 && (bytes[0] & 0xFF) == 0x1F && (bytes[1] & 0xFF) == 0x8B) {
            sb.append("gzip-compressed data (decompress it first), ");
        } else if (bytes.length >= 2 && bytes[0] == 'M' && bytes[1] == 'Z') {
            sb.append("a PE/COFF (MZ) file without a Linux setup header, ");
        } else if (bytes.length >= 4 && bytes[0] == 0x28 && (bytes[1] & 0xFF) == 0xB5 && bytes[2] == 0x2F
            && (bytes[3] & 0xFF) == 0xFD) {
            sb.append("zstd-compressed data (decompress it first), ");
        }
        sb.append(bytes.length).append(" bytes");
        if (bytes.length > 0) {
            sb.append(" starting");
            for (int i = 0; i < Math.min(8, bytes.length); i++) {
                sb.append(String.format(" %02x", bytes[i] & 0xFF));
            }
        }
        return sb.toString();
    }
}
