package dev.jvmm.tcg;

/**
 * A guest exception raised while executing an instruction. It unwinds to the execution loop,
 * which delivers it through the guest's IDT. Guest faults are architectural events, not jvmm
 * errors, so no stack trace is captured.
 */
final class CpuFault extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final int DE = 0, DB = 1, NMI = 2, BP = 3, OF = 4, BR = 5, UD = 6, NM = 7, DF = 8, TS = 10, NP = 11,
        SS = 12, GP = 13, PF = 14, MF = 16, AC = 17, MC = 18, XM = 19;

    final int vector;
    final int errorCode;
    final boolean hasErrorCode;

    private CpuFault(int vector, int errorCode, boolean hasErrorCode) {
        super(null, null, false, false);
        this.vector = vector;
        this.errorCode = errorCode;
        this.hasErrorCode = hasErrorCode;
    }

    static CpuFault of(int vector) {
        return new CpuFault(vector, 0, false);
    }

    static CpuFault withCode(int vector, int errorCode) {
        return new CpuFault(vector, errorCode, true);
    }

    static CpuFault ud() {
        return of(UD);
    }

    static CpuFault gp(int code) {
        return withCode(GP, code);
    }

    /** Whether the vector pushes an error code when delivered (Intel SDM vol. 3, table 6-1). */
    static boolean pushesErrorCode(int vector) {
        return vector == DF || vector == TS || vector == NP || vector == SS || vector == GP || vector == PF
            || vector == AC;
    }

    @Override
    public String getMessage() {
        return "guest exception " + vector + (hasErrorCode ? " error " + Integer.toHexString(errorCode) : "");
    }
}
