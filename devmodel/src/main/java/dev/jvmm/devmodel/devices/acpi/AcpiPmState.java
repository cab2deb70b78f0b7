package dev.jvmm.devmodel.devices.acpi;

/** PM1a status, enable and control registers. */
public record AcpiPmState(int pm1Status, int pm1Enable, int pm1Control) {}
