package dev.jvmm.devmodel.vcpu;

/** GDTR or IDTR. */
public record DescriptorTable(long base, int limit) {}
