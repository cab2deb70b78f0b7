package dev.jvmm.devmodel.irqchip;

/** A scheduled timer action that can still be withdrawn. */
@FunctionalInterface
public interface Cancellable {
    /**
     * Withdraws the action. Returns true if it had not started and now never will; false if it
     * already ran, is running, or was cancelled before. Devices that race with their own timer
     * (an action already started when they reprogram) must also check a generation number.
     */
    boolean cancel();

    /** A handle for an action that was never scheduled. */
    Cancellable NONE = () -> false;
}
