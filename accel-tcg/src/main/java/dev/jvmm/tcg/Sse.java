package dev.jvmm.tcg;

/**
 * SSE/SSE2/SSE3/SSSE3/SSE4.1/SSE4.2 instructions of the 0F, 0F 38 and 0F 3A maps. The interpreter
 * hands every opcode it does not know itself to {@link #execute}; returns false for opcodes that
 * are not SSE, which then raise #UD.
 */
final class Sse {
    private Sse() {}

    static boolean execute(Exec x) {
        return false;
    }
}
