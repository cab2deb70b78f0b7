package dev.jvmm.devmodel.devices.i8042;

/** The controller's command byte, pending output and the command awaiting a data byte. */
public record I8042State(int commandByte, int outputBuffer, boolean outputFull, int pendingCommand,
                         boolean lastWasCommand) {}
