package dev.jvmm.devmodel.devices.serial;

import static org.junit.jupiter.api.Assertions.*;

import dev.jvmm.devmodel.bus.PortIoBus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Register semantics from the National Semiconductor PC16550D datasheet. */
class Uart16550Test {
    // Register offsets (DLAB = 0 unless noted).
    static final int RBR = 0, THR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5,
        MSR = 6, SCR = 7;
    static final int LCR_DLAB = 0x80, LCR_8N1 = 0x03;
    static final int IER_RDA = 0x01, IER_THRE = 0x02, IER_RLS = 0x04;
    static final int IIR_NO_INTERRUPT = 0x01, IIR_THRE = 0x02, IIR_RDA = 0x04, IIR_RLS = 0x06, IIR_FIFOS = 0xC0;
    static final int LSR_DR = 0x01, LSR_OE = 0x02, LSR_THRE = 0x20, LSR_TEMT = 0x40;
    static final int MCR_DTR = 0x01, MCR_RTS = 0x02, MCR_OUT1 = 0x04, MCR_OUT2 = 0x08, MCR_LOOP = 0x10;
    static final int FIFO_DEPTH = 16;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final RecordingIrqLine irq = new RecordingIrqLine();
    final Uart16550 uart = new Uart16550(out, irq);

    int rd(int reg) {
        return (int) uart.read(reg, 1);
    }

    void wr(int reg, int v) {
        uart.write(reg, 1, v);
    }

    String output() {
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    // ---- transmit -------------------------------------------------------------------------------

    @Test
    void comOneConstantsMatchThePc() {
        assertEquals(0x3F8, Uart16550.COM1_BASE);
        assertEquals(4, Uart16550.COM1_IRQ);
        assertEquals(8, Uart16550.REGISTER_COUNT);
    }

    @Test
    void thrWriteReachesTheOutputStream() {
        wr(THR, 'H');
        wr(THR, 'i');
        wr(THR, 0xE9);
        assertEquals("Hi\u00E9", output());
    }

    @Test
    void thrWriteThroughThePortBusReachesTheOutput() {
        PortIoBus bus = new PortIoBus();
        bus.register(Uart16550.COM1_BASE, Uart16550.REGISTER_COUNT, uart);
        bus.write(0x3F8, 1, 'A');
        assertEquals("A", output());
        assertEquals(LSR_THRE | LSR_TEMT, bus.read(0x3FD, 1));
    }

    @Test
    void outputFailureDoesNotEscapeToTheGuest() {
        Uart16550 u = new Uart16550(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("console closed");
            }
        }, irq);
        assertDoesNotThrow(() -> u.write(THR, 1, 'x'));
        assertEquals(LSR_THRE | LSR_TEMT, u.read(LSR, 1));
    }

    @Test
    void lsrReportsTransmitterEmptyWhenIdle() {
        assertEquals(LSR_THRE | LSR_TEMT, rd(LSR), "idle: THRE and TEMT, no data, no errors");
        wr(THR, 'x');
        assertEquals(LSR_THRE | LSR_TEMT, rd(LSR), "transmission is instantaneous");
    }

    // ---- divisor latch ----------------------------------------------------------------------------

    @Test
    void dlabSwitchesOffsetsZeroAndOneToTheDivisorLatch() {
        wr(LCR, LCR_DLAB | LCR_8N1);
        wr(DLL, 0x01);
        wr(DLM, 0x02);
        assertEquals("", output(), "a DLL write is not a transmitted byte");
        assertEquals(0x01, rd(DLL));
        assertEquals(0x02, rd(DLM));
        wr(LCR, LCR_8N1);
        assertEquals(0x00, rd(IER), "IER untouched by the DLM write");
        wr(THR, 'z');
        assertEquals("z", output());
        wr(LCR, LCR_DLAB | LCR_8N1);
        assertEquals(0x01, rd(DLL), "the divisor survives DLAB being cleared");
        assertEquals(0x02, rd(DLM));
    }

    @Test
    void ierWriteUnderDlabDoesNotEnableInterrupts() {
        wr(MCR, MCR_OUT2);
        wr(LCR, LCR_DLAB);
        wr(DLM, IER_THRE | IER_RDA);
        assertTrue(uart.offer((byte) 'a'));
        assertEquals(IIR_NO_INTERRUPT, rd(IIR));
        assertFalse(irq.asserted());
    }

    @Test
    void dllReadUnderDlabDoesNotConsumeReceivedData() {
        assertTrue(uart.offer((byte) 'q'));
        wr(LCR, LCR_DLAB);
        rd(DLL);
        wr(LCR, 0);
        assertEquals(LSR_DR, rd(LSR) & LSR_DR);
        assertEquals('q', rd(RBR));
    }

    @Test
    void lcrReadsBackWhatWasWritten() {
        wr(LCR, 0x1B);
        assertEquals(0x1B, rd(LCR));
    }

    @Test
    void scratchRegisterHoldsAByte() {
        wr(SCR, 0xA5);
        assertEquals(0xA5, rd(SCR));
        wr(SCR, 0x5A);
        assertEquals(0x5A, rd(SCR));
    }

    @Test
    void lsrAndMsrAreReadOnly() {
        wr(LSR, 0x00);
        wr(MSR, 0x00);
        assertEquals(LSR_THRE | LSR_TEMT, rd(LSR));
        assertEquals(0xB0, rd(MSR), "no modem attached: DCD, DSR and CTS asserted");
    }

    // ---- receive ----------------------------------------------------------------------------------

    @Test
    void offeredByteSetsDataReadyAndIsReadFromRbr() {
        assertTrue(uart.offer((byte) 'k'));
        assertEquals(LSR_DR | LSR_THRE | LSR_TEMT, rd(LSR));
        assertEquals('k', rd(RBR));
        assertEquals(LSR_THRE | LSR_TEMT, rd(LSR), "DR clears when the FIFO is empty");
    }

    @Test
    void offerFillsTheSixteenByteFifoThenRefusesWithoutLosingBytes() {
        for (int i = 0; i < FIFO_DEPTH; i++) {
            assertTrue(uart.offer((byte) ('a' + i)), "byte " + i);
        }
        assertFalse(uart.offer((byte) '!'), "17th byte refused");
        assertFalse(uart.offer((byte) '!'));
        assertEquals(0, rd(LSR) & LSR_OE, "a refused offer is back-pressure, not an overrun");
        assertEquals('a', rd(RBR));
        assertTrue(uart.offer((byte) '!'), "room again after one read");
        StringBuilder sb = new StringBuilder();
        while ((rd(LSR) & LSR_DR) != 0) {
            sb.append((char) rd(RBR));
        }
        assertEquals("bcdefghijklmnop!", sb.toString());
        assertEquals(new Uart16550Metrics(0, FIFO_DEPTH + 1, 0), uart.metrics());
    }

    @Test
    void rbrDrainsInOrderAndClearsDataReadyOnlyWhenEmpty() {
        uart.offer((byte) 1);
        uart.offer((byte) 2);
        uart.offer((byte) 3);
        assertEquals(1, rd(RBR));
        assertEquals(LSR_DR, rd(LSR) & LSR_DR);
        assertEquals(2, rd(RBR));
        assertEquals(LSR_DR, rd(LSR) & LSR_DR);
        assertEquals(3, rd(RBR));
        assertEquals(0, rd(LSR) & LSR_DR);
    }

    @Test
    void highBitBytesAreReceivedUnsigned() {
        uart.offer((byte) 0xFE);
        assertEquals(0xFE, rd(RBR));
    }

    @Test
    void fcrBitOneClearsTheReceiveFifo() {
        uart.offer((byte) 'x');
        uart.offer((byte) 'y');
        wr(FCR, 0x03); // enable FIFOs, reset receiver FIFO
        assertEquals(0, rd(LSR) & LSR_DR);
        uart.offer((byte) 'z');
        assertEquals('z', rd(RBR), "old bytes are gone");
        assertEquals(0, rd(LSR) & LSR_DR);
    }

    @Test
    void fcrWithoutBitOneKeepsTheReceiveFifo() {
        uart.offer((byte) 'x');
        wr(FCR, 0x01);
        wr(FCR, 0x05); // transmit FIFO reset only
        assertEquals('x', rd(RBR));
    }

    // ---- interrupt identification -----------------------------------------------------------------

    @Test
    void iirReportsNoInterruptAfterReset() {
        assertEquals(IIR_NO_INTERRUPT, rd(IIR));
    }

    @Test
    void enablingTheThreInterruptRaisesItWhileThrIsEmpty() {
        wr(IER, IER_THRE);
        assertEquals(IIR_THRE, rd(IIR));
    }

    @Test
    void readingIirAcknowledgesThre() {
        wr(IER, IER_THRE);
        assertEquals(IIR_THRE, rd(IIR));
        assertEquals(IIR_NO_INTERRUPT, rd(IIR));
    }

    @Test
    void writingThrRaisesThreAgainOnceEmpty() {
        wr(IER, IER_THRE);
        rd(IIR);
        wr(THR, 'a');
        assertEquals(IIR_THRE, rd(IIR));
    }

    @Test
    void rewritingIerWithThreAlreadySetDoesNotRetrigger() {
        wr(IER, IER_THRE);
        rd(IIR);
        wr(IER, IER_THRE | IER_RDA);
        assertEquals(IIR_NO_INTERRUPT, rd(IIR));
    }

    @Test
    void threInterruptNeedsTheEnableBit() {
        wr(THR, 'a');
        assertEquals(IIR_NO_INTERRUPT, rd(IIR));
    }

    @Test
    void receivedDataInterruptNeedsTheEnableBit() {
        uart.offer((byte) 'a');
        assertEquals(IIR_NO_INTERRUPT, rd(IIR));
        wr(IER, IER_RDA);
        assertEquals(IIR_RDA, rd(IIR));
    }

    @Test
    void receivedDataHasPriorityOverThre() {
        wr(IER, IER_RDA | IER_THRE);
        uart.offer((byte) 'a');
        assertEquals(IIR_RDA, rd(IIR));
        assertEquals(IIR_RDA, rd(IIR), "reading IIR does not clear RDA: reading RBR does");
        rd(RBR);
        assertEquals(IIR_THRE, rd(IIR), "THRE was still pending under RDA");
        assertEquals(IIR_NO_INTERRUPT, rd(IIR));
    }

    @Test
    void lineStatusHasPriorityOverReceivedData() {
        wr(MCR, MCR_LOOP);
        wr(IER, IER_RDA | IER_RLS);
        for (int i = 0; i <= FIFO_DEPTH; i++) {
            wr(THR, i); // the 17th looped-back byte overruns the FIFO
        }
        assertEquals(IIR_RLS, rd(IIR));
        assertEquals(LSR_OE, rd(LSR) & LSR_OE);
        assertEquals(0, rd(LSR) & LSR_OE, "reading LSR clears OE");
        assertEquals(IIR_RDA, rd(IIR));
    }

    @Test
    void iirHasFifoBitsWhenFifosAreEnabled() {
        wr(FCR, 0x01);
        assertEquals(IIR_FIFOS | IIR_NO_INTERRUPT, rd(IIR));
        wr(IER, IER_THRE);
        assertEquals(IIR_FIFOS | IIR_THRE, rd(IIR));
        wr(FCR, 0x00);
        assertEquals(IIR_NO_INTERRUPT, rd(IIR));
    }

    // ---- the IRQ line -----------------------------------------------------------------------------

    @Test
    void irqStaysLowWithoutOut2() {
        wr(IER, IER_RDA | IER_THRE);
        uart.offer((byte) 'a');
        assertEquals(IIR_RDA, rd(IIR), "the interrupt condition exists");
        assertFalse(irq.levels.contains(true), "but OUT2 gates it off the ISA line");
    }

    @Test
    void irqFollowsReceivedDataWhenOut2IsSet() {
        wr(MCR, MCR_OUT2);
        wr(IER, IER_RDA);
        assertFalse(irq.asserted());
        uart.offer((byte) 'a');
        assertTrue(irq.asserted());
        rd(RBR);
        assertFalse(irq.asserted());
        assertEquals(List.of(true, false), irq.levels);
    }

    @Test
    void settingOut2DeliversAnAlreadyPendingInterrupt() {
        wr(IER, IER_RDA);
        uart.offer((byte) 'a');
        assertFalse(irq.asserted());
        wr(MCR, MCR_OUT2 | MCR_DTR | MCR_RTS);
        assertTrue(irq.asserted());
        wr(MCR, MCR_DTR | MCR_RTS);
        assertFalse(irq.asserted(), "clearing OUT2 takes the interrupt off the line");
    }

    @Test
    void irqFollowsThreUntilIirIsRead() {
        wr(MCR, MCR_OUT2);
        wr(IER, IER_THRE);
        assertTrue(irq.asserted());
        rd(IIR);
        assertFalse(irq.asserted());
        wr(THR, 'a');
        assertTrue(irq.asserted());
        wr(IER, 0);
        assertFalse(irq.asserted(), "disabling the source lowers the line");
    }

    @Test
    void irqLineOnlySeesLevelChanges() {
        wr(MCR, MCR_OUT2);
        wr(IER, IER_RDA);
        uart.offer((byte) 1);
        uart.offer((byte) 2);
        rd(LSR);
        rd(RBR);
        rd(RBR);
        assertEquals(List.of(true, false), irq.levels);
    }

    // ---- loopback ---------------------------------------------------------------------------------

    @Test
    void loopbackFeedsThrToRbrAndNotToTheOutput() {
        wr(MCR, MCR_LOOP);
        wr(THR, 'L');
        assertEquals("", output());
        assertEquals(LSR_DR, rd(LSR) & LSR_DR);
        assertEquals('L', rd(RBR));
        wr(MCR, 0);
        wr(THR, 'M');
        assertEquals("M", output());
        assertEquals(0, rd(LSR) & LSR_DR);
    }

    @Test
    void loopbackConnectsModemOutputsToModemInputs() {
        // RTS->CTS (bit 4), DTR->DSR (bit 5), OUT1->RI (bit 6), OUT2->DCD (bit 7).
        wr(MCR, MCR_LOOP);
        assertEquals(0x00, rd(MSR) & 0xF0);
        wr(MCR, MCR_LOOP | MCR_RTS);
        assertEquals(0x10, rd(MSR) & 0xF0);
        wr(MCR, MCR_LOOP | MCR_DTR);
        assertEquals(0x20, rd(MSR) & 0xF0);
        wr(MCR, MCR_LOOP | MCR_OUT1);
        assertEquals(0x40, rd(MSR) & 0xF0);
        wr(MCR, MCR_LOOP | MCR_OUT2);
        assertEquals(0x80, rd(MSR) & 0xF0);
    }

    @Test
    void loopbackOverrunSetsOeAndKeepsTheFirstSixteenBytes() {
        wr(MCR, MCR_LOOP);
        for (int i = 0; i < FIFO_DEPTH + 2; i++) {
            wr(THR, 'A' + i);
        }
        assertEquals(LSR_OE | LSR_DR, rd(LSR) & (LSR_OE | LSR_DR));
        for (int i = 0; i < FIFO_DEPTH; i++) {
            assertEquals('A' + i, rd(RBR));
        }
        assertEquals(0, rd(LSR) & LSR_DR);
        assertEquals(2, uart.metrics().overruns());
    }

    @Test
    void mcrKeepsItsFiveDefinedBits() {
        wr(MCR, 0xFF);
        assertEquals(0x1F, rd(MCR));
    }

    // ---- odd accesses -----------------------------------------------------------------------------

    @Test
    void wideAccessesAreHarmless() {
        uart.offer((byte) 'r');
        for (int size : new int[] {2, 4, 8}) {
            uart.read(RBR, size);
            uart.write(THR, size, 'w');
            uart.write(LCR, size, LCR_DLAB);
        }
        assertEquals("", output(), "no byte transmitted by a wide write");
        assertEquals(0, rd(LCR), "LCR not changed by a wide write");
        assertEquals('r', rd(RBR), "received byte not consumed by a wide read");
    }

    @Test
    void outOfRangeOffsetsAreHarmless() {
        uart.offer((byte) 'r');
        for (long off : new long[] {-1, 8, 0x3F8, Long.MIN_VALUE, 0x1_0000_0000L}) {
            assertDoesNotThrow(() -> uart.read(off, 1));
            assertDoesNotThrow(() -> uart.write(off, 1, 'w'));
        }
        assertEquals("", output(), "offset 0x1_0000_0000 must not alias THR");
        assertEquals('r', rd(RBR), "nor RBR");
    }

    @Test
    void valuesAreTruncatedToOneByte() {
        wr(SCR, 0x1AB);
        assertEquals(0xAB, rd(SCR));
        uart.write(THR, 1, 0xFFFF_FF41L);
        assertEquals("A", output());
    }

    // ---- metrics ----------------------------------------------------------------------------------

    @Test
    void metricsCountTransmittedAndReceivedBytes() {
        assertEquals(new Uart16550Metrics(0, 0, 0), uart.metrics());
        wr(THR, 'a');
        wr(THR, 'b');
        wr(THR, 'c');
        uart.offer((byte) 1);
        uart.offer((byte) 2);
        Uart16550Metrics m = uart.metrics();
        assertEquals(3, m.bytesTransmitted());
        assertEquals(2, m.bytesReceived());
        assertEquals(0, m.overruns());
    }

    // ---- save and restore -------------------------------------------------------------------------

    @Test
    void stateRoundTripRestoresRegistersAndFifo() {
        wr(LCR, LCR_DLAB | LCR_8N1);
        wr(DLL, 0x01);
        wr(DLM, 0x00);
        wr(LCR, LCR_8N1);
        wr(IER, IER_RDA | IER_RLS);
        wr(MCR, MCR_OUT2 | MCR_RTS | MCR_DTR);
        wr(FCR, 0x01);
        wr(SCR, 0x5A);
        uart.offer((byte) 'a');
        uart.offer((byte) 'b');
        uart.offer((byte) 'c');

        RecordingIrqLine irq2 = new RecordingIrqLine();
        Uart16550 copy = new Uart16550(new ByteArrayOutputStream(), irq2);
        copy.restore(uart.state());

        assertTrue(irq2.asserted(), "restored pending RDA interrupt is delivered");
        for (int reg : new int[] {IER, LCR, MCR, LSR, MSR, SCR}) {
            assertEquals(rd(reg), copy.read(reg, 1), "register " + reg);
        }
        assertEquals(IIR_FIFOS | IIR_RDA, copy.read(IIR, 1));
        assertEquals('a', copy.read(RBR, 1));
        assertEquals('b', copy.read(RBR, 1));
        assertEquals('c', copy.read(RBR, 1));
        assertEquals(0, copy.read(LSR, 1) & LSR_DR);
        assertFalse(irq2.asserted());
        copy.write(LCR, 1, LCR_DLAB);
        assertEquals(0x01, copy.read(DLL, 1));
        assertEquals(0x00, copy.read(DLM, 1));
    }

    @Test
    void stateRoundTripKeepsAPendingThreInterrupt() {
        wr(IER, IER_THRE);
        Uart16550 copy = new Uart16550(new ByteArrayOutputStream(), irq);
        copy.restore(uart.state());
        assertEquals(IIR_THRE, copy.read(IIR, 1));
        rd(IIR);
        Uart16550 acked = new Uart16550(new ByteArrayOutputStream(), irq);
        acked.restore(uart.state());
        assertEquals(IIR_NO_INTERRUPT, acked.read(IIR, 1));
    }

    @Test
    void stateCapturesTheFifoInOrder() {
        uart.offer((byte) 7);
        uart.offer((byte) 8);
        assertArrayEquals(new byte[] {7, 8}, uart.state().rxFifo());
        assertEquals(7, rd(RBR), "taking the state does not consume the FIFO");
    }

    @Test
    void stateIsASnapshotNotAView() {
        uart.offer((byte) 7);
        Uart16550State s = uart.state();
        s.rxFifo()[0] = 9;
        rd(RBR);
        assertArrayEquals(new byte[] {7}, s.rxFifo());
    }

    @Test
    void restoreReplacesTheReceiveFifo() {
        uart.offer((byte) 'o');
        Uart16550 other = new Uart16550(new ByteArrayOutputStream(), irq);
        other.offer((byte) 'n');
        uart.restore(other.state());
        assertEquals('n', rd(RBR));
        assertEquals(0, rd(LSR) & LSR_DR);
    }

    @Test
    void restoreOfAnOversizedFifoKeepsSixteenBytes() {
        byte[] fifo = new byte[40];
        for (int i = 0; i < fifo.length; i++) {
            fifo[i] = (byte) i;
        }
        uart.restore(new Uart16550State(0, 0, 0, LSR_THRE | LSR_TEMT, 0xB0, 0, 0x0C, 0, 0, false, fifo));
        for (int i = 0; i < FIFO_DEPTH; i++) {
            assertEquals(i, rd(RBR));
        }
        assertEquals(0, rd(LSR) & LSR_DR);
    }

    @Test
    void restoreFixesDataReadyToMatchTheFifo() {
        uart.restore(new Uart16550State(0, 0, 0, LSR_THRE | LSR_TEMT | LSR_DR, 0xB0, 0, 0x0C, 0, 0, false, new byte[0]));
        assertEquals(0, rd(LSR) & LSR_DR);
        uart.restore(new Uart16550State(0, 0, 0, LSR_THRE | LSR_TEMT, 0xB0, 0, 0x0C, 0, 0, false, new byte[] {1}));
        assertEquals(LSR_DR, rd(LSR) & LSR_DR);
    }
}
