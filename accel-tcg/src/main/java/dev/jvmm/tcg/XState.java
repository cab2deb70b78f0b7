package dev.jvmm.tcg;

/**
 * The extended state image (FXSAVE legacy area and XSAVE header/components) and the group-15
 * memory forms that move it: FXSAVE, FXRSTOR, LDMXCSR, STMXCSR, XSAVE, XRSTOR, XSAVEOPT (Intel SDM
 * vol. 1 10.5 and ch. 13, vol. 2).
 *
 * <p>The live state is {@link Cpu#fpu}, {@link Cpu#xmm} and {@link Cpu#mxcsr}. {@link Cpu#xsave}
 * only keeps the bytes of a loaded 4 KiB image that are not modelled (the legacy area's reserved
 * and software-available bytes, the header's reserved bytes and anything past it), so that an
 * image survives a load and save unchanged.
 *
 * <p>Legacy area layout: 0 FCW, 2 FSW, 4 abridged FTW, 6 FOP, 8 FIP, 16 FDP (64-bit each with
 * REX.W; otherwise 32-bit FIP, FCS at 12, 32-bit FDP, FDS at 20), 24 MXCSR, 28 MXCSR_MASK, 32+16i
 * ST(i), 160+16i XMMi. XSAVE header at 512: XSTATE_BV, XCOMP_BV. XCR0 supports x87 and SSE only,
 * so the standard-format image ends after the header (576 bytes).
 */
final class XState {
    private XState() {}

    static final int MXCSR_MASK = 0xFFFF;
    static final int LEGACY = 512, HEADER = 512, XSTATE_BV = 512, XCOMP_BV = 520, AREA = 576;
    static final long X87 = 1, SSE = 2;

    /** Executes 0F AE /0../6 with a memory operand. */
    static void group15(Exec x, int ext) {
        Cpu c = x.c;
        Insn in = x.in;
        long addr = x.ea();
        Seg s = x.seg();
        boolean em = (c.cr0 & 4) != 0, ts = (c.cr0 & 8) != 0;
        switch (ext) {
            case 0, 1 -> { // FXSAVE, FXRSTOR
                if (in.ssePrefix != 0) {
                    throw CpuFault.ud();
                }
                if (em || ts) {
                    throw CpuFault.of(CpuFault.NM);
                }
                checkAlign(c, s, addr, 16);
                boolean wide = in.rexW() && c.code64();
                if (ext == 0) {
                    byte[] img = new byte[LEGACY];
                    writeLegacy(c, img, wide, X87 | SSE, true);
                    store(x, s, addr, img, 0, c.code64() ? 416 : 288);
                } else {
                    byte[] img = new byte[LEGACY];
                    load(x, s, addr, img, 0, c.code64() ? 416 : 288);
                    int mxcsr = Sys.getInt(img, 24);
                    if ((mxcsr & ~MXCSR_MASK) != 0) {
                        throw CpuFault.gp(0);
                    }
                    readLegacy(c, img, wide, X87 | SSE, X87 | SSE, true, c.code64() ? 16 : 8);
                }
            }
            case 2, 3 -> { // LDMXCSR, STMXCSR
                if (in.ssePrefix != 0) {
                    throw CpuFault.ud();
                }
                if (em || (c.cr4 & (1 << 9)) == 0) {
                    throw CpuFault.ud();
                }
                if (ts) {
                    throw CpuFault.of(CpuFault.NM);
                }
                if (ext == 2) {
                    int v = (int) c.read(s, addr, 4);
                    if ((v & ~MXCSR_MASK) != 0) {
                        throw CpuFault.gp(0);
                    }
                    c.mxcsr = v;
                } else {
                    c.write(s, addr, 4, c.mxcsr & 0xFFFF_FFFFL);
                }
            }
            case 4, 5, 6 -> { // XSAVE, XRSTOR, XSAVEOPT
                if (in.ssePrefix != 0) {
                    throw CpuFault.ud(); // 66 /6 is CLWB, F3 /6 is not defined here
                }
                if ((c.cr4 & (1 << 18)) == 0) {
                    throw CpuFault.ud();
                }
                if (ts) {
                    throw CpuFault.of(CpuFault.NM);
                }
                checkAlign(c, s, addr, 64);
                boolean wide = in.rexW() && c.code64();
                long rfbm = c.xcr0 & ((c.r[0] & 0xFFFF_FFFFL) | (c.r[2] << 32));
                if (ext == 5) {
                    xrstor(x, c, s, addr, wide, rfbm);
                } else {
                    xsave(x, c, s, addr, wide, rfbm);
                }
            }
            default -> throw CpuFault.ud();
        }
        c.rip = x.next();
    }

    private static void checkAlign(Cpu c, Seg s, long addr, int align) {
        if ((c.linear(s, addr) & (align - 1)) != 0) {
            throw CpuFault.gp(0);
        }
    }

    private static void store(Exec x, Seg s, long addr, byte[] img, int from, int to) {
        long mask = Cpu.mask(x.in.addrSize);
        for (int i = from; i < to; i += 8) {
            x.c.write(s, (addr + i) & mask, 8, Sys.getLong(img, i));
        }
    }

    private static void load(Exec x, Seg s, long addr, byte[] img, int from, int to) {
        long mask = Cpu.mask(x.in.addrSize);
        for (int i = from; i < to; i += 8) {
            Sys.putLong(img, i, x.c.read(s, (addr + i) & mask, 8));
        }
    }

    private static void xsave(Exec x, Cpu c, Seg s, long addr, boolean wide, long rfbm) {
        byte[] img = new byte[AREA];
        writeLegacy(c, img, wide, rfbm, true);
        long mask = Cpu.mask(x.in.addrSize);
        long bv = c.read(s, (addr + XSTATE_BV) & mask, 8);
        // The processor may report a component as in use even in its initial configuration: both are.
        bv = (bv & ~rfbm) | (rfbm & (X87 | SSE));
        if ((rfbm & X87) != 0) {
            store(x, s, addr, img, 0, 24);
            store(x, s, addr, img, 32, 160);
        }
        if ((rfbm & SSE) != 0) {
            store(x, s, addr, img, 24, 32);
            store(x, s, addr, img, 160, c.code64() ? 416 : 288);
        }
        c.write(s, (addr + XSTATE_BV) & mask, 8, bv);
    }

    private static void xrstor(Exec x, Cpu c, Seg s, long addr, boolean wide, long rfbm) {
        byte[] img = new byte[AREA];
        load(x, s, addr, img, 0, AREA);
        long bv = Sys.getLong(img, XSTATE_BV);
        long comp = Sys.getLong(img, XCOMP_BV);
        long resv = Sys.getLong(img, XCOMP_BV + 8);
        // Standard form only (no compaction): XCOMP_BV and the next 8 bytes must be 0, and
        // XSTATE_BV may name only components enabled in XCR0.
        if (comp != 0 || resv != 0 || (bv & ~c.xcr0) != 0) {
            throw CpuFault.gp(0);
        }
        if ((rfbm & SSE) != 0 && (Sys.getInt(img, 24) & ~MXCSR_MASK) != 0) {
            throw CpuFault.gp(0);
        }
        readLegacy(c, img, wide, rfbm, bv, (rfbm & SSE) != 0, c.code64() ? 16 : 8);
    }

    // =====================================================================================
    // The legacy (FXSAVE) area
    // =====================================================================================

    /**
     * Writes the components in {@code which} into the legacy area {@code img} (bytes 0..415), with
     * the reserved bytes zeroed when {@code clearReserved} (else they are left as they are).
     */
    static void writeLegacy(Cpu c, byte[] img, boolean wide, long which, boolean clearReserved) {
        Fpu f = c.fpu;
        if ((which & X87) != 0) {
            Cpu.putShort(img, 0, f.fcw);
            Cpu.putShort(img, 2, f.status());
            img[4] = (byte) f.abridgedTag();
            if (clearReserved) {
                img[5] = 0;
            }
            Cpu.putShort(img, 6, f.fop & 0x7FF);
            if (wide) {
                Sys.putLong(img, 8, f.fip);
                Sys.putLong(img, 16, f.fdp);
            } else {
                Sys.putInt(img, 8, (int) f.fip);
                Cpu.putShort(img, 12, f.fcs);
                Sys.putInt(img, 16, (int) f.fdp);
                Cpu.putShort(img, 20, f.fds);
                if (clearReserved) {
                    Cpu.putShort(img, 14, 0);
                    Cpu.putShort(img, 22, 0);
                }
            }
            for (int i = 0; i < 8; i++) {
                int o = 32 + 16 * i;
                Ext80 v = f.st(i);
                Sys.putLong(img, o, v.sig);
                Cpu.putShort(img, o + 8, v.se);
                for (int k = 10; k < 16 && clearReserved; k++) {
                    img[o + k] = 0;
                }
            }
        }
        if ((which & SSE) != 0) {
            Sys.putInt(img, 24, c.mxcsr);
            if (clearReserved) {
                Sys.putInt(img, 28, MXCSR_MASK);
            }
            for (int i = 0; i < 16; i++) {
                Sys.putLong(img, 160 + 16 * i, c.xmm[2 * i]);
                Sys.putLong(img, 168 + 16 * i, c.xmm[2 * i + 1]);
            }
        }
    }

    /**
     * Restores from the legacy area: for each component in {@code rfbm}, from the image when its
     * bit in {@code present} is set, else to its initial state; MXCSR from the image when
     * {@code mxcsr}. {@code nXmm} registers are restored (8 outside 64-bit mode). The caller has
     * validated MXCSR.
     */
    static void readLegacy(Cpu c, byte[] img, boolean wide, long rfbm, long present, boolean mxcsr, int nXmm) {
        Fpu f = c.fpu;
        if ((rfbm & X87) != 0) {
            if ((present & X87) != 0) {
                f.fcw = Fpu.controlWord(getShort(img, 0) & 0xFFFF);
                f.setStatus(getShort(img, 2) & 0xFFFF);
                f.setAbridgedTag(img[4] & 0xFF);
                f.fop = getShort(img, 6) & 0x7FF;
                if (wide) {
                    f.fip = Sys.getLong(img, 8);
                    f.fdp = Sys.getLong(img, 16);
                    f.fcs = f.fds = 0;
                } else {
                    f.fip = Sys.getInt(img, 8) & 0xFFFF_FFFFL;
                    f.fcs = getShort(img, 12) & 0xFFFF;
                    f.fdp = Sys.getInt(img, 16) & 0xFFFF_FFFFL;
                    f.fds = getShort(img, 20) & 0xFFFF;
                }
                for (int i = 0; i < 8; i++) {
                    int o = 32 + 16 * i;
                    f.setPhysReg(f.phys(i), new Ext80(getShort(img, o + 8), Sys.getLong(img, o)));
                }
            } else {
                f.reset(); // initial configuration: FNINIT state with zeroed registers
            }
        }
        if (mxcsr) {
            c.mxcsr = Sys.getInt(img, 24);
        }
        if ((rfbm & SSE) != 0) {
            for (int i = 0; i < nXmm; i++) {
                boolean p = (present & SSE) != 0;
                c.xmm[2 * i] = p ? Sys.getLong(img, 160 + 16 * i) : 0;
                c.xmm[2 * i + 1] = p ? Sys.getLong(img, 168 + 16 * i) : 0;
            }
        }
    }

    private static int getShort(byte[] b, int off) {
        return (short) ((b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8);
    }

    // =====================================================================================
    // The 4 KiB image for VcpuState
    // =====================================================================================

    /** Whether the x87 state is in its initial configuration (SDM vol. 1, 13.6). */
    static boolean x87Init(Fpu f) {
        if (f.fcw != 0x37F || f.fsw != 0 || f.top != 0 || f.valid != 0 || f.fop != 0 || f.fip != 0 || f.fdp != 0
            || f.fcs != 0 || f.fds != 0) {
            return false;
        }
        for (int p = 0; p < 8; p++) {
            if (f.se[p] != 0 || f.sig[p] != 0) {
                return false;
            }
        }
        return true;
    }

    /** Whether the SSE state (the XMM registers) is in its initial configuration. */
    static boolean sseInit(Cpu c) {
        for (long v : c.xmm) {
            if (v != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * The 4 KiB XSAVE image of the CPU's current x87/SSE state, for VcpuState: standard format, the
     * legacy area in its 64-bit (REX.W) form as KVM reports it. XSTATE_BV has the x87 and SSE bits
     * set for components in use (not in their initial configuration); a component in its initial
     * configuration keeps the bit it had in the last loaded image (KVM reports 0 there), which
     * restores the same state either way. MXCSR_MASK and the bytes the model does not interpret
     * (reserved and software-available bytes, header reserved bytes, later components) are those of
     * the last loaded image, so that an image loaded and saved again is unchanged.
     */
    static byte[] save(Cpu c) {
        byte[] img = c.xsave.clone();
        writeLegacy(c, img, true, X87 | SSE, false);
        if (Sys.getInt(img, 28) == 0) {
            Sys.putInt(img, 28, MXCSR_MASK); // nothing loaded yet: this CPU's mask
        }
        long inUse = (x87Init(c.fpu) ? 0 : X87) | (sseInit(c) ? 0 : SSE);
        Sys.putLong(img, XSTATE_BV, Sys.getLong(c.xsave, XSTATE_BV) | inUse);
        return img;
    }

    /**
     * Loads the CPU's x87/SSE state from a 4 KiB XSAVE image as XRSTOR64 with every component
     * requested would (components whose XSTATE_BV bit is clear are initialized; MXCSR always comes
     * from the image); the image is kept for {@link #save}. An MXCSR with reserved bits set is
     * masked rather than refused.
     */
    static void load(Cpu c, byte[] image) {
        System.arraycopy(image, 0, c.xsave, 0, Math.min(image.length, c.xsave.length));
        long bv = Sys.getLong(image, XSTATE_BV);
        readLegacy(c, image, true, X87 | SSE, bv, true, 16);
        c.mxcsr &= MXCSR_MASK;
    }
}
