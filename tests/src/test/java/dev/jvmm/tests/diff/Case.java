package dev.jvmm.tests.diff;

import java.util.HexFormat;

/**
 * One differential test case: instruction bytes run in 64-bit mode from a given register file,
 * flags and 64-byte data block (RBX points at it), and the flags the architecture leaves
 * undefined after them (masked when comparing).
 *
 * @param gprs 16 registers in encoding order (RSP is overwritten by the harness)
 */
public record Case(String description, byte[] code, long[] gprs, long flags, byte[] data, long undefinedFlags) {
    public Case {
        code = code.clone();
        gprs = gprs.clone();
        data = data.clone();
    }

    @Override
    public byte[] code() {
        return code.clone();
    }

    @Override
    public long[] gprs() {
        return gprs.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /** A line that recreates the case as a regression test. */
    public String reproducer() {
        StringBuilder sb = new StringBuilder("new Case(\"" + description + "\", hex(\"" + HexFormat.of().formatHex(code)
            + "\"), new long[] {");
        for (int i = 0; i < gprs.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(String.format("0x%xL", gprs[i]));
        }
        sb.append(String.format("}, 0x%xL, hex(\"%s\"), 0x%xL)", flags, HexFormat.of().formatHex(data), undefinedFlags));
        return sb.toString();
    }

    public static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }
}
