package dev.jvmm.tcg;

/** x87 floating point: the D8-DF escape opcodes. */
final class X87 {
    private X87() {}

    static void execute(Exec x) {
        throw CpuFault.ud();
    }
}
