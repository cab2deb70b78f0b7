package dev.jvmm.devmodel.devices.serial;

/** Counters of a UART since it was created. */
public record Uart16550Metrics(long bytesTransmitted, long bytesReceived, long overruns) {}
