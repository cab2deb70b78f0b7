package dev.jvmm.tests.diff;

import java.util.HexFormat;

/**
 * One SSE differential case: instruction bytes run in 64-bit mode from a given register file,
 * flags, XMM0-15, MXCSR, MM0-7 and 64-byte data block (RBX points at it, 16-byte aligned).
 *
 * @param gprs 16 registers in encoding order (RSP and RBX are overwritten by the harness)
 * @param xmm 32 longs: xmm[2*i] the low half of XMMi, xmm[2*i+1] the high half
 * @param mm MM0-7
 */
public record SseCase(String description, byte[] code, long[] gprs, long flags, long[] xmm, int mxcsr, long[] mm,
                      byte[] data) {
    public SseCase {
        code = code.clone();
        gprs = gprs.clone();
        xmm = xmm.clone();
        mm = mm.clone();
        data = data.clone();
    }

    /** A case with MM0-7 zero. */
    public SseCase(String description, byte[] code, long[] gprs, long flags, long[] xmm, int mxcsr, byte[] data) {
        this(description, code, gprs, flags, xmm, mxcsr, new long[8], data);
    }

    @Override
    public long[] mm() {
        return mm.clone();
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
    public long[] xmm() {
        return xmm.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /** A line that recreates the case as a regression test. */
    public String reproducer() {
        StringBuilder sb = new StringBuilder("new SseCase(\"" + description + "\", hex(\"" + HexFormat.of().formatHex(code)
            + "\"), new long[] {");
        for (int i = 0; i < gprs.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(String.format("0x%xL", gprs[i]));
        }
        sb.append(String.format("}, 0x%xL, new long[] {", flags));
        for (int i = 0; i < xmm.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(String.format("0x%xL", xmm[i]));
        }
        sb.append(String.format("}, 0x%x, new long[] {", mxcsr));
        for (int i = 0; i < mm.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(String.format("0x%xL", mm[i]));
        }
        sb.append(String.format("}, hex(\"%s\"))", HexFormat.of().formatHex(data)));
        return sb.toString();
    }

    public static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }
}
