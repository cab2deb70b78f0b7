package dev.jvmm.devmodel.devices.serial;

import dev.jvmm.devmodel.bus.BusDevice;
import dev.jvmm.devmodel.irq.IrqLine;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;

/**
 * A 16550A UART (COM1 at 0x3F8, IRQ 4 on a PC). Transmission is instantaneous: a byte written to
 * THR goes straight to the output and THR is empty again. Received bytes queue in the 16-byte
 * FIFO; {@link #offer} refuses bytes when it is full so the feeder can apply back-pressure.
 */
public final class Uart16550 implements BusDevice {
    public static final int COM1_BASE = 0x3F8;
    public static final int COM1_IRQ = 4;
    public static final int REGISTER_COUNT = 8;
    static final int FIFO_SIZE = 16;

    // Register offsets.
    static final int RBR_THR = 0, IER = 1, IIR_FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;
    // IER bits.
    static final int IER_RDA = 0x01, IER_THRE = 0x02, IER_RLS = 0x04, IER_MS = 0x08;
    // IIR values.
    static final int IIR_NONE = 0x01, IIR_MS = 0x00, IIR_THRE = 0x02, IIR_RDA = 0x04, IIR_RLS = 0x06,
        IIR_FIFO_ENABLED = 0xC0;
    // LSR bits.
    static final int LSR_DR = 0x01, LSR_OE = 0x02, LSR_THRE = 0x20, LSR_TEMT = 0x40;
    // MCR bits.
    static final int MCR_DTR = 0x01, MCR_RTS = 0x02, MCR_OUT1 = 0x04, MCR_OUT2 = 0x08, MCR_LOOP = 0x10;
    static final int LCR_DLAB = 0x80;
    // MSR: with nothing attached, report carrier, DSR and CTS as QEMU does.
    static final int MSR_DEFAULT = 0xB0;

    private final OutputStream out;
    private final IrqLine irq;
    private final ArrayDeque<Byte> rx = new ArrayDeque<>(FIFO_SIZE);
    private int ier, lcr, mcr, lsr = LSR_THRE | LSR_TEMT, msr = MSR_DEFAULT, scr, dll = 0x0C, dlm, fcr;
    private boolean thrInterruptPending;
    private boolean irqLevel;
    private long transmitted, received, overruns;

    public Uart16550(OutputStream out, IrqLine irq) {
        this.out = out;
        this.irq = irq;
    }

    @Override
    public synchronized long read(long offset, int size) {
        if (size != 1 || offset < 0 || offset >= REGISTER_COUNT) {
            return dev.jvmm.devmodel.bus.IoBus.allOnes(size); // the registers are bytes: wider reads float
        }
        int v;
        switch ((int) offset) {
            case RBR_THR -> {
                if ((lcr & LCR_DLAB) != 0) {
                    v = dll;
                } else {
                    Byte b = rx.poll();
                    v = b == null ? 0 : b & 0xFF;
                    if (rx.isEmpty()) {
                        lsr &= ~LSR_DR;
                    }
                }
            }
            case IER -> v = (lcr & LCR_DLAB) != 0 ? dlm : ier;
            case IIR_FCR -> {
                v = interruptIdentification();
                if (v == IIR_THRE) {
                    thrInterruptPending = false; // reading IIR acknowledges THRE
                }
                if ((fcr & 1) != 0) {
                    v |= IIR_FIFO_ENABLED;
                }
            }
            case LCR -> v = lcr;
            case MCR -> v = mcr;
            case LSR -> {
                v = lsr;
                lsr &= ~LSR_OE; // overrun is cleared by reading LSR
            }
            case MSR -> v = (mcr & MCR_LOOP) != 0 ? loopbackMsr() : msr;
            default -> v = scr;
        }
        updateIrq();
        return v;
    }

    @Override
    public synchronized void write(long offset, int size, long value) {
        if (size != 1 || offset < 0 || offset >= REGISTER_COUNT) {
            return;
        }
        int v = (int) (value & 0xFF);
        switch ((int) offset) {
            case RBR_THR -> {
                if ((lcr & LCR_DLAB) != 0) {
                    dll = v;
                } else {
                    transmit(v);
                }
            }
            case IER -> {
                if ((lcr & LCR_DLAB) != 0) {
                    dlm = v;
                } else {
                    boolean threNewlyEnabled = (ier & IER_THRE) == 0 && (v & IER_THRE) != 0;
                    ier = v & 0x0F;
                    if (threNewlyEnabled && (lsr & LSR_THRE) != 0) {
                        thrInterruptPending = true;
                    }
                }
            }
            case IIR_FCR -> {
                if ((v & 0x02) != 0) {
                    rx.clear();
                    lsr &= ~LSR_DR;
                }
                fcr = v & 0xC9;
            }
            case LCR -> lcr = v;
            case MCR -> mcr = v & 0x1F;
            case LSR, MSR -> { } // read-only on a 16550A
            default -> scr = v;
        }
        updateIrq();
    }

    private void transmit(int v) {
        if ((mcr & MCR_LOOP) != 0) {
            enqueue((byte) v);
        } else {
            try {
                out.write(v);
                out.flush();
            } catch (IOException e) {
                // The guest cannot be told; a closed console must not stop the VM.
            }
            transmitted++;
        }
        thrInterruptPending = true;
    }

    private int interruptIdentification() {
        if ((ier & IER_RLS) != 0 && (lsr & LSR_OE) != 0) {
            return IIR_RLS;
        }
        if ((ier & IER_RDA) != 0 && (lsr & LSR_DR) != 0) {
            return IIR_RDA;
        }
        if ((ier & IER_THRE) != 0 && thrInterruptPending) {
            return IIR_THRE;
        }
        if ((ier & IER_MS) != 0 && (msr & 0x0F) != 0) {
            return IIR_MS;
        }
        return IIR_NONE;
    }

    private int loopbackMsr() {
        // In loopback the modem outputs feed the modem inputs: RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD.
        return ((mcr & MCR_RTS) << 3) | ((mcr & MCR_DTR) << 5) | ((mcr & MCR_OUT1) << 4) | ((mcr & MCR_OUT2) << 4);
    }

    private void updateIrq() {
        // On a PC, OUT2 gates the UART's interrupt onto the ISA line.
        boolean level = interruptIdentification() != IIR_NONE && (mcr & MCR_OUT2) != 0;
        if (level != irqLevel) {
            irqLevel = level;
            irq.set(level);
        }
    }

    private boolean enqueue(byte b) {
        if (rx.size() >= FIFO_SIZE) {
            lsr |= LSR_OE;
            overruns++;
            return false;
        }
        rx.add(b);
        lsr |= LSR_DR;
        received++;
        return true;
    }

    /** Delivers a received byte; false when the FIFO is full (nothing is lost: offer it again later). */
    public synchronized boolean offer(byte b) {
        if (rx.size() >= FIFO_SIZE) {
            return false;
        }
        enqueue(b);
        updateIrq();
        return true;
    }

    public synchronized Uart16550Metrics metrics() {
        return new Uart16550Metrics(transmitted, received, overruns);
    }

    public synchronized Uart16550State state() {
        byte[] fifo = new byte[rx.size()];
        int i = 0;
        for (Byte b : rx) {
            fifo[i++] = b;
        }
        return new Uart16550State(ier, lcr, mcr, lsr, msr, scr, dll, dlm, fcr, thrInterruptPending, fifo);
    }

    public synchronized void restore(Uart16550State s) {
        ier = s.ier() & 0x0F;
        lcr = s.lcr() & 0xFF;
        mcr = s.mcr() & 0x1F;
        lsr = s.lsr() & 0xFF;
        msr = s.msr() & 0xFF;
        scr = s.scr() & 0xFF;
        dll = s.dll() & 0xFF;
        dlm = s.dlm() & 0xFF;
        fcr = s.fcr() & 0xC9;
        thrInterruptPending = s.thrInterruptPending();
        rx.clear();
        byte[] fifo = s.rxFifo();
        for (int i = 0; i < Math.min(fifo.length, FIFO_SIZE); i++) {
            rx.add(fifo[i]);
        }
        if (rx.isEmpty()) {
            lsr &= ~LSR_DR;
        } else {
            lsr |= LSR_DR;
        }
        updateIrq();
    }
}
