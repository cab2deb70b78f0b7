package dev.jvmm.devmodel.devices.i8042;

import dev.jvmm.devmodel.accel.VmLifecycle;
import dev.jvmm.devmodel.accel.VmStop;
import dev.jvmm.devmodel.bus.BusDevice;

/**
 * The part of the i8042 keyboard controller a guest needs to reset the machine: command 0xFE
 * (pulse the reset line), plus the command byte, self-test and output-port commands that
 * drivers probe first. No keyboard or mouse is attached.
 */
public final class I8042 implements BusDevice {
    public static final int DATA_PORT = 0x60;
    public static final int COMMAND_PORT = 0x64;
    /**
     * Registered as two one-port ranges at 0x60 and 0x64 (never 0x61-0x63: port 0x61 is system control
     * port B). Both reach this device; the offset of an access is 0 either way, so {@link #data()}
     * and {@link #command()} tell them apart.
     */
    public dev.jvmm.devmodel.bus.BusDevice data() {
        return new dev.jvmm.devmodel.bus.BusDevice() {
            public long read(long offset, int size) {
                return offset == 0 ? I8042.this.read(0, size) : -1L;
            }

            public void write(long offset, int size, long value) {
                if (offset == 0) {
                    I8042.this.write(0, size, value);
                }
            }
        };
    }

    public dev.jvmm.devmodel.bus.BusDevice command() {
        return new dev.jvmm.devmodel.bus.BusDevice() {
            public long read(long offset, int size) {
                return offset == 0 ? I8042.this.read(4, size) : -1L;
            }

            public void write(long offset, int size, long value) {
                if (offset == 0) {
                    I8042.this.write(4, size, value);
                }
            }
        };
    }

    static final int STATUS_OUTPUT_FULL = 0x01, STATUS_SYSTEM_FLAG = 0x04, STATUS_COMMAND = 0x08;
    static final int CMD_READ_COMMAND_BYTE = 0x20, CMD_WRITE_COMMAND_BYTE = 0x60, CMD_SELF_TEST = 0xAA,
        CMD_INTERFACE_TEST = 0xAB, CMD_READ_OUTPUT_PORT = 0xD0, CMD_WRITE_OUTPUT_PORT = 0xD1, CMD_PULSE_RESET = 0xFE;

    private final VmLifecycle lifecycle;
    private int commandByte = 0x45;
    private int outputBuffer;
    private boolean outputFull;
    private int pendingCommand = -1;
    private int lastWasCommand;

    public I8042(VmLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Override
    public synchronized long read(long offset, int size) {
        if (size != 1) {
            return -1L;
        }
        if (offset == 0) {
            outputFull = false;
            return outputBuffer;
        }
        if (offset == 4) {
            return (outputFull ? STATUS_OUTPUT_FULL : 0) | STATUS_SYSTEM_FLAG | lastWasCommand;
        }
        return 0xFF;
    }

    @Override
    public synchronized void write(long offset, int size, long value) {
        if (size != 1) {
            return;
        }
        int v = (int) (value & 0xFF);
        if (offset == 4) {
            lastWasCommand = STATUS_COMMAND;
            command(v);
        } else if (offset == 0) {
            lastWasCommand = 0;
            data(v);
        }
    }

    private void command(int cmd) {
        pendingCommand = -1;
        // 0xF0-0xFF pulse the output-port lines whose bit is 0; bit 0 is the CPU reset line.
        if ((cmd & 0xF0) == 0xF0) {
            if ((cmd & 1) == 0) {
                lifecycle.requestStop(new VmStop.Reset(String.format("i8042 command 0x%X", cmd)));
            }
            return;
        }
        switch (cmd) {
            case CMD_READ_COMMAND_BYTE -> output(commandByte);
            case CMD_WRITE_COMMAND_BYTE, CMD_WRITE_OUTPUT_PORT -> pendingCommand = cmd;
            case CMD_SELF_TEST -> output(0x55);
            case CMD_INTERFACE_TEST -> output(0x00);
            case CMD_READ_OUTPUT_PORT -> output(0x01); // reset line high (not asserted)
            default -> { } // other commands have no effect here
        }
    }

    private void data(int v) {
        int cmd = pendingCommand;
        pendingCommand = -1;
        if (cmd == CMD_WRITE_COMMAND_BYTE) {
            commandByte = v;
        } else if (cmd == CMD_WRITE_OUTPUT_PORT && (v & 1) == 0) {
            lifecycle.requestStop(new VmStop.Reset("i8042 output port bit 0 cleared"));
        }
    }

    private void output(int v) {
        outputBuffer = v;
        outputFull = true;
    }

    public synchronized I8042State state() {
        return new I8042State(commandByte, outputBuffer, outputFull, pendingCommand, lastWasCommand != 0);
    }

    public synchronized void restore(I8042State s) {
        commandByte = s.commandByte() & 0xFF;
        outputBuffer = s.outputBuffer() & 0xFF;
        outputFull = s.outputFull();
        int p = s.pendingCommand();
        pendingCommand = p == CMD_WRITE_COMMAND_BYTE || p == CMD_WRITE_OUTPUT_PORT ? p : -1;
        lastWasCommand = s.lastWasCommand() ? STATUS_COMMAND : 0;
    }
}
