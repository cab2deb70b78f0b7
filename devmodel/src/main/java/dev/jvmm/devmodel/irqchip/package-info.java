/**
 * The PC's interrupt controllers and timers in software, for accelerators without in-kernel ones
 * (the TCG, Xen): the 8259 pair ({@code pic}), the 8254 ({@code pit}), the IOAPIC ({@code
 * ioapic}), the local APICs and the bus between them ({@code apic}), and {@link
 * dev.jvmm.devmodel.irqchip.SoftIrqChip}, which wires them as a PC does.
 *
 * <p>Time: every model reads time and schedules its expiries through a {@link
 * dev.jvmm.devmodel.irqchip.TimerScheduler}, one event per expiry, never a ticking thread: {@link
 * dev.jvmm.devmodel.irqchip.TimerThread} in a VM, {@link dev.jvmm.devmodel.irqchip.ManualTimers}
 * in deterministic tests.
 *
 * <p>Locks are taken in one order only: PIT, then 8259 pair (released before its INTR listener
 * runs), then {@code SoftIrqChip}'s ExtINT lock, then IOAPIC, then local APIC. A local APIC never
 * calls out while holding its lock, and schedulers never run actions while holding theirs, so no
 * cycle can form. {@link dev.jvmm.devmodel.irqchip.apic.ApicCpu} callbacks run on the delivering
 * thread and must not block.
 *
 * <p>Every guest-facing entry point (bus reads and writes) accepts any offset, size and value
 * without throwing, allocating without bound or looping: periodic timers are clamped to a
 * minimum period (50 microseconds) and IPI storms are bounded by the guest's own speed.
 */
package dev.jvmm.devmodel.irqchip;
