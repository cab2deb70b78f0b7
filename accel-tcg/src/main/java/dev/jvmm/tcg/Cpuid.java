package dev.jvmm.tcg;

/**
 * The one CPUID model of the software CPU. It advertises what the interpreter implements, plus the
 * x87/SSE/SSE2/FXSR bits that x86-64 makes architectural (their instructions are being filled in;
 * until then they raise #UD).
 */
final class Cpuid {
    private Cpuid() {}

    static final long XCR0_SUPPORTED = 0x3; // x87 | SSE
    static final long CR4_SUPPORTED = 0x1 | 0x2 | 0x4 | 0x8 | 0x10 | 0x20 | 0x40 | 0x80 | 0x100 | 0x200 | 0x400
        | (1 << 16) | (1 << 18); // VME..OSXMMEXCPT, FSGSBASE, OSXSAVE
    static final long EFER_SUPPORTED = 1 | (1 << 8) | (1 << 10) | (1 << 11); // SCE, LME, LMA, NXE

    private static final int VENDOR_EBX = 0x756E6547, VENDOR_EDX = 0x49656E69, VENDOR_ECX = 0x6C65746E; // GenuineIntel

    static final int L1_EDX = (1 << 0) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 8) | (1 << 9) | (1 << 11)
        | (1 << 12) | (1 << 13) | (1 << 15) | (1 << 16) | (1 << 19) | (1 << 23) | (1 << 24) | (1 << 25) | (1 << 26);
    // FPU PSE TSC MSR PAE CX8 APIC SEP MTRR PGE CMOV PAT CLFSH MMX FXSR SSE SSE2
    static final int L1_ECX = (1 << 0) | (1 << 9) | (1 << 13) | (1 << 19) | (1 << 20) | (1 << 23) | (1 << 26)
        | (1 << 31);
    // SSE3 SSSE3 CX16 SSE4.1 SSE4.2 POPCNT XSAVE HYPERVISOR (SSE3's FISTTP is the x87 unit's)
    static final int X1_EDX = (1 << 11) | (1 << 20) | (1 << 27) | (1 << 29); // SYSCALL NX RDTSCP LM
    static final int X1_ECX = (1 << 0) | (1 << 5); // LAHF/SAHF in 64-bit, LZCNT

    /** Returns {EAX, EBX, ECX, EDX} for a leaf and subleaf on vCPU {@code apicId}. */
    static int[] query(int leaf, int sub, int apicId, long cr4, long xcr0) {
        switch (leaf) {
            case 0 -> {
                return new int[] {0xD, VENDOR_EBX, VENDOR_ECX, VENDOR_EDX};
            }
            case 1 -> {
                int ecx = L1_ECX | ((cr4 & (1 << 18)) != 0 ? 1 << 27 : 0); // OSXSAVE mirrors CR4
                return new int[] {0x000306A9, (apicId << 24) | (1 << 16) | (8 << 8), ecx, L1_EDX};
            }
            case 7 -> {
                return new int[] {0, 0, 0, 0}; // no structured extended features advertised yet
            }
            case 0xB -> {
                return sub == 0 ? new int[] {0, 1, 0x100, apicId} : new int[] {0, 0, sub, apicId};
            }
            case 0xD -> {
                if (sub == 0) {
                    return new int[] {(int) XCR0_SUPPORTED, xcr0Size(xcr0), 576, 0};
                }
                return new int[] {0, 0, 0, 0};
            }
            case 0x8000_0000 -> {
                return new int[] {0x8000_0008, 0, 0, 0};
            }
            case 0x8000_0001 -> {
                return new int[] {0, 0, X1_ECX, X1_EDX};
            }
            case 0x8000_0002, 0x8000_0003, 0x8000_0004 -> {
                return brand(leaf - 0x8000_0002);
            }
            case 0x8000_0008 -> {
                return new int[] {0x3028, 0, 0, 0}; // 40 physical, 48 linear address bits
            }
            default -> {
                return new int[] {0, 0, 0, 0};
            }
        }
    }

    private static int xcr0Size(long xcr0) {
        return 576; // legacy area and header; no AVX state
    }

    private static int[] brand(int part) {
        byte[] s = String.format("%-48s", "jvmm TCG x86-64").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int[] r = new int[4];
        for (int i = 0; i < 4; i++) {
            int o = part * 16 + i * 4;
            r[i] = (s[o] & 0xFF) | (s[o + 1] & 0xFF) << 8 | (s[o + 2] & 0xFF) << 16 | (s[o + 3] & 0xFF) << 24;
        }
        return r;
    }

    /** MSRs that exist on this model: reads of unset ones give 0, writes are kept. */
    static boolean knownMsr(int idx) {
        return switch (idx) {
            case 0x3A, 0x3B, 0x8B, 0xFE, 0x174, 0x175, 0x176, 0x179, 0x17A, 0x1A0, 0x277, 0x2FF, 0x6E0,
                 0xC000_0081, 0xC000_0082, 0xC000_0083, 0xC000_0084, 0xC000_0102, 0xC000_0103 -> true;
            default -> (idx >= 0x200 && idx <= 0x20F) || idx == 0x250 || idx == 0x258 || idx == 0x259
                || (idx >= 0x268 && idx <= 0x26F);
        };
    }
}
