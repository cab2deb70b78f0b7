package dev.jvmm.tcg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** FXSAVE/FXRSTOR, LDMXCSR/STMXCSR, XSAVE/XRSTOR/XSAVEOPT and the 4 KiB VcpuState image. */
class XStateTest {
    static final long AREA = 0x200000; // 64-byte aligned

    static Rig rig() {
        Rig t = new Rig().longMode();
        t.cpu.cr4 |= (1 << 9) | (1 << 18); // OSFXSR, OSXSAVE
        t.cpu.xcr0 = 3;
        t.cpu.r[3] = AREA;
        return t;
    }

    static CpuFault exec(Rig t, int... insn) {
        t.code(insn);
        t.cpu.rip = Rig.CODE;
        return t.step();
    }

    static void ok(Rig t, int... insn) {
        CpuFault f = exec(t, insn);
        assertNull(f, () -> "fault " + f.vector + " " + f.getMessage());
    }

    /** A recognisable x87 and SSE state. */
    static void setState(Cpu c) {
        Fpu f = c.fpu;
        f.reset();
        f.fcw = 0x0A7F;
        f.push(Ext80.ONE); // physical 7
        f.push(new Ext80(0xC000, 0xC000_0000_0000_0000L)); // -3, physical 6
        f.fsw = Ext80.PE | Fpu.SW_C1;
        f.fop = 0x5C3;
        f.fip = 0x1234_5678_9ABCL;
        f.fcs = 0x33;
        f.fdp = 0x7766_5544_3322L;
        f.fds = 0x2B;
        for (int i = 0; i < 32; i++) {
            c.xmm[i] = 0x0101_0101_0101_0101L * (i + 1);
        }
        c.mxcsr = 0x1F80 | 0x20 | 0x6000; // PE flag, round toward zero
    }

    @Test
    void fxsaveLayoutByteByByte() {
        try (Rig t = rig()) {
            Cpu c = t.cpu;
            setState(c);
            for (int i = 0; i < 512; i += 8) {
                t.mem.writeLong(AREA + i, 0xEEEE_EEEE_EEEE_EEEEL);
            }
            ok(t, 0x48, 0x0F, 0xAE, 0x03); // fxsave64 [rbx]
            assertEquals(0x0A7F, t.mem.readShort(AREA) & 0xFFFF, "FCW");
            assertEquals((6 << 11) | Ext80.PE | Fpu.SW_C1, t.mem.readShort(AREA + 2) & 0xFFFF, "FSW with TOP");
            assertEquals((byte) 0xC0, t.mem.readByte(AREA + 4), "abridged FTW: physical 6 and 7 valid");
            assertEquals(0, t.mem.readByte(AREA + 5));
            assertEquals(0x5C3, t.mem.readShort(AREA + 6), "FOP");
            assertEquals(0x1234_5678_9ABCL, t.mem.readLong(AREA + 8), "64-bit FIP");
            assertEquals(0x7766_5544_3322L, t.mem.readLong(AREA + 16), "64-bit FDP");
            assertEquals(0x1F80 | 0x20 | 0x6000, t.mem.readInt(AREA + 24), "MXCSR");
            assertEquals(0xFFFF, t.mem.readInt(AREA + 28), "MXCSR_MASK");
            assertEquals(0xC000_0000_0000_0000L, t.mem.readLong(AREA + 32), "ST0 significand");
            assertEquals((short) 0xC000, t.mem.readShort(AREA + 40), "ST0 sign and exponent");
            assertEquals(0, t.mem.readShort(AREA + 42));
            assertEquals(0, t.mem.readInt(AREA + 44), "reserved bytes of the ST0 slot");
            assertEquals(Ext80.J, t.mem.readLong(AREA + 48));
            assertEquals(0x3FFF, t.mem.readShort(AREA + 56));
            for (int i = 0; i < 16; i++) {
                assertEquals(c.xmm[2 * i], t.mem.readLong(AREA + 160 + 16 * i), "XMM" + i + " low");
                assertEquals(c.xmm[2 * i + 1], t.mem.readLong(AREA + 168 + 16 * i), "XMM" + i + " high");
            }
            assertEquals(0xEEEE_EEEE_EEEE_EEEEL, t.mem.readLong(AREA + 416), "reserved bytes 416-463 untouched");
            assertEquals(0xEEEE_EEEE_EEEE_EEEEL, t.mem.readLong(AREA + 504), "software bytes 464-511 untouched");

            ok(t, 0x0F, 0xAE, 0x03); // fxsave (32-bit pointer form)
            assertEquals(0x5678_9ABC, t.mem.readInt(AREA + 8), "FIP[31:0]");
            assertEquals(0x33, t.mem.readShort(AREA + 12), "FCS");
            assertEquals(0, t.mem.readShort(AREA + 14));
            assertEquals(0x5544_3322, t.mem.readInt(AREA + 16), "FDP[31:0]");
            assertEquals(0x2B, t.mem.readShort(AREA + 20), "FDS");
            assertEquals(0, t.mem.readShort(AREA + 22));
        }
    }

    @Test
    void fxrstorRestoresWhatFxsaveSaved() {
        try (Rig t = rig()) {
            Cpu c = t.cpu;
            setState(c);
            ok(t, 0x48, 0x0F, 0xAE, 0x03); // fxsave64
            byte[] before = XState.save(c);
            c.fpu.reset();
            java.util.Arrays.fill(c.xmm, 0);
            c.mxcsr = 0x1F80;
            ok(t, 0x48, 0x0F, 0xAE, 0x0B); // fxrstor64
            assertArrayEquals(before, XState.save(c));
            assertEquals(new Ext80(0xC000, 0xC000_0000_0000_0000L), c.fpu.st(0));
            assertEquals(6, c.fpu.top);
        }
    }

    @Test
    void fxsaveAndFxrstorFaults() {
        try (Rig t = rig()) {
            Cpu c = t.cpu;
            c.r[3] = AREA + 8;
            assertEquals(CpuFault.GP, exec(t, 0x0F, 0xAE, 0x03).vector, "not 16-byte aligned");
            assertEquals(CpuFault.GP, exec(t, 0x0F, 0xAE, 0x0B).vector);
            c.r[3] = AREA;
            ok(t, 0x0F, 0xAE, 0x03);
            t.mem.writeInt(AREA + 24, 0x1_1F80); // a reserved MXCSR bit
            int mxcsr = c.mxcsr;
            assertEquals(CpuFault.GP, exec(t, 0x0F, 0xAE, 0x0B).vector);
            assertEquals(mxcsr, c.mxcsr, "nothing restored");
            c.cr0 |= 8; // TS
            assertEquals(CpuFault.NM, exec(t, 0x0F, 0xAE, 0x03).vector);
        }
    }

    @Test
    void ldmxcsrAndStmxcsr() {
        try (Rig t = rig()) {
            Cpu c = t.cpu;
            t.mem.writeInt(AREA, 0x7F80 | 0x40); // all masked, DAZ, round down
            ok(t, 0x0F, 0xAE, 0x13); // ldmxcsr [rbx]
            assertEquals(0x7FC0, c.mxcsr);
            ok(t, 0x0F, 0xAE, 0x5B, 0x08); // stmxcsr [rbx+8]
            assertEquals(0x7FC0, t.mem.readInt(AREA + 8));
            t.mem.writeInt(AREA, 0x1_0000);
            assertEquals(CpuFault.GP, exec(t, 0x0F, 0xAE, 0x13).vector, "reserved bit");
            assertEquals(0x7FC0, c.mxcsr);
            c.cr4 &= ~(1 << 9);
            assertEquals(CpuFault.UD, exec(t, 0x0F, 0xAE, 0x1B).vector, "CR4.OSFXSR clear");
        }
    }

    @Test
    void xsaveWithRequestedFeatureMasking() {
        try (Rig t = rig()) {
            Cpu c = t.cpu;
            setState(c);
            for (int i = 0; i < 576; i += 8) {
                t.mem.writeLong(AREA + i, 0);
            }
            t.mem.writeLong(AREA + 512, 0x8000_0000_0000_0004L); // XSTATE_BV bits outside RFBM stay
            c.r[0] = 1; // EDX:EAX = x87 only
            c.r[2] = 0;
            ok(t, 0x48, 0x0F, 0xAE, 0x23); // xsave64 [rbx]
            assertEquals(0x0A7F, t.mem.readShort(AREA) & 0xFFFF, "x87 saved");
            assertEquals(0xC000_0000_0000_0000L, t.mem.readLong(AREA + 32));
            assertEquals(0, t.mem.readInt(AREA + 24), "MXCSR not saved");
            assertEquals(0, t.mem.readLong(AREA + 160), "XMM not saved");
            assertEquals(0x8000_0000_0000_0005L, t.mem.readLong(AREA + 512), "XSTATE_BV: x87 set, others kept");
            c.r[0] = 2; // SSE only
            ok(t, 0x48, 0x0F, 0xAE, 0x23);
            assertEquals(c.mxcsr, t.mem.readInt(AREA + 24));
            assertEquals(0xFFFF, t.mem.readInt(AREA + 28));
            assertEquals(c.xmm[0], t.mem.readLong(AREA + 160));
            assertEquals(c.xmm[31], t.mem.readLong(AREA + 408));
            assertEquals(0x8000_0000_0000_0007L, t.mem.readLong(AREA + 512));
            c.r[0] = -1L; // everything requested: masked by XCR0 = 3
            c.r[2] = -1L;
            c.xcr0 = 1;
            c.xmm[0] = 0x5555;
            ok(t, 0x0F, 0xAE, 0x33); // xsaveopt: XCR0 leaves SSE out
            assertEquals(0x0101_0101_0101_0101L, t.mem.readLong(AREA + 160), "XMM0 not saved again");
        }
    }

    @Test
    void xrstorLoadsOrInitializesByXstateBv() {
        try (Rig t = rig()) {
            Cpu c = t.cpu;
            setState(c);
            c.r[0] = 3;
            c.r[2] = 0;
            ok(t, 0x48, 0x0F, 0xAE, 0x23); // xsave64: both components
            byte[] saved = XState.save(c);
            c.fpu.reset();
            java.util.Arrays.fill(c.xmm, 0);
            c.mxcsr = 0x1F80;
            ok(t, 0x48, 0x0F, 0xAE, 0x2B); // xrstor64
            assertArrayEquals(saved, XState.save(c));

            // RFBM = x87 only: SSE state is left alone
            java.util.Arrays.fill(c.xmm, 7);
            c.r[0] = 1;
            ok(t, 0x48, 0x0F, 0xAE, 0x2B);
            assertEquals(7, c.xmm[0]);

            // XSTATE_BV clear for x87: the x87 state is initialized; MXCSR still loads with RFBM[1]
            t.mem.writeLong(AREA + 512, 2);
            t.mem.writeInt(AREA + 24, 0x1F80);
            c.r[0] = 3;
            ok(t, 0x48, 0x0F, 0xAE, 0x2B);
            assertEquals(0x37F, c.fpu.fcw);
            assertEquals(0xFFFF, c.fpu.tagWord());
            assertEquals(0, c.fpu.fip);
            assertEquals(Ext80.ZERO, c.fpu.physReg(6));
            assertEquals(0x1F80, c.mxcsr);
            assertEquals(0x0101_0101_0101_0101L, c.xmm[0]);
            // XSTATE_BV clear for SSE: XMM registers zeroed, MXCSR loaded from memory
            t.mem.writeLong(AREA + 512, 1);
            t.mem.writeInt(AREA + 24, 0x1F81);
            ok(t, 0x48, 0x0F, 0xAE, 0x2B);
            assertEquals(0, c.xmm[0]);
            assertEquals(0, c.xmm[31]);
            assertEquals(0x1F81, c.mxcsr);
        }
    }

    @Test
    void xsaveFamilyFaults() {
        try (Rig t = rig()) {
            Cpu c = t.cpu;
            c.r[0] = 3;
            ok(t, 0x0F, 0xAE, 0x23);
            c.r[3] = AREA + 16;
            assertEquals(CpuFault.GP, exec(t, 0x0F, 0xAE, 0x23).vector, "not 64-byte aligned");
            assertEquals(CpuFault.GP, exec(t, 0x0F, 0xAE, 0x2B).vector);
            c.r[3] = AREA;
            t.mem.writeLong(AREA + 520, 1L << 63); // XCOMP_BV: compacted form is not supported
            assertEquals(CpuFault.GP, exec(t, 0x0F, 0xAE, 0x2B).vector);
            t.mem.writeLong(AREA + 520, 0);
            t.mem.writeLong(AREA + 528, 1); // header bytes 16-23 must be zero
            assertEquals(CpuFault.GP, exec(t, 0x0F, 0xAE, 0x2B).vector);
            t.mem.writeLong(AREA + 528, 0);
            t.mem.writeLong(AREA + 512, 4); // AVX state is not enabled in XCR0
            assertEquals(CpuFault.GP, exec(t, 0x0F, 0xAE, 0x2B).vector);
            t.mem.writeLong(AREA + 512, 3);
            t.mem.writeInt(AREA + 24, 0x2_0000);
            assertEquals(CpuFault.GP, exec(t, 0x0F, 0xAE, 0x2B).vector, "reserved MXCSR bits");
            c.r[0] = 1;
            ok(t, 0x0F, 0xAE, 0x2B); // without SSE in RFBM, MXCSR is not looked at
            c.cr4 &= ~(1 << 18);
            assertEquals(CpuFault.UD, exec(t, 0x0F, 0xAE, 0x23).vector, "CR4.OSXSAVE clear");
            c.cr4 |= 1 << 18;
            c.cr0 |= 8;
            assertEquals(CpuFault.NM, exec(t, 0x0F, 0xAE, 0x23).vector, "CR0.TS");
        }
    }

    @Test
    void vcpuStateImageRoundTrips() {
        try (Rig t = rig(); Rig u = rig()) {
            Cpu c = t.cpu;
            setState(c);
            byte[] image = XState.save(c);
            assertEquals(4096, image.length);
            assertEquals(3, Sys.getLong(image, 512), "XSTATE_BV: x87 and SSE");
            assertEquals(0, Sys.getLong(image, 520), "standard format");
            assertEquals(0x1234_5678_9ABCL, Sys.getLong(image, 8), "the 64-bit legacy form, as KVM reports it");
            image[470] = 0x5A; // bytes the model does not interpret survive
            image[1000] = 0x33;
            XState.load(u.cpu, image);
            assertArrayEquals(image, XState.save(u.cpu));
            assertEquals(c.fpu.status(), u.cpu.fpu.status());
            assertEquals(c.fpu.tagWord(), u.cpu.fpu.tagWord());
            assertEquals(c.fpu.st(0), u.cpu.fpu.st(0));
            assertArrayEquals(c.xmm, u.cpu.xmm);
            assertEquals(c.mxcsr, u.cpu.mxcsr);
            // a KVM image with components in their initial state (XSTATE_BV = 0)
            byte[] init = image.clone();
            Sys.putLong(init, 512, 0);
            XState.load(u.cpu, init);
            assertEquals(0x37F, u.cpu.fpu.fcw);
            assertEquals(0xFFFF, u.cpu.fpu.tagWord());
            assertEquals(0, u.cpu.xmm[5]);
            byte[] again = XState.save(u.cpu);
            XState.load(t.cpu, again);
            assertArrayEquals(again, XState.save(t.cpu));
            // reset state
            t.cpu.reset();
            byte[] reset = XState.save(t.cpu);
            assertEquals(0x37F, reset[0] & 0xFF | (reset[1] & 0xFF) << 8);
            assertEquals(0x1F80, Sys.getInt(reset, 24));
            assertEquals(0xFFFF, Sys.getInt(reset, 28), "MXCSR_MASK");
            assertEquals(0, Sys.getLong(reset, 512), "both components in their initial configuration");
            // an image from another CPU keeps its MXCSR_MASK and XSTATE_BV bits when read back
            byte[] kvm = reset.clone();
            Sys.putInt(kvm, 28, 0x2FFFF);
            Sys.putLong(kvm, 512, 2);
            XState.load(u.cpu, kvm);
            assertArrayEquals(kvm, XState.save(u.cpu));
            u.cpu.xmm[3] = 1;
            assertEquals(2, Sys.getLong(XState.save(u.cpu), 512));
            u.cpu.fpu.fcw = 0x27F;
            assertEquals(3, Sys.getLong(XState.save(u.cpu), 512), "x87 no longer in its initial configuration");
        }
    }
}
