package dev.jvmm.kvm;

import dev.jvmm.devmodel.accel.VmLifecycle;

/**
 * Pause and resume for a set of vCPU threads: {@link #pause()} returns once every thread is
 * parked outside KVM_RUN (or has exited), so state can be read and written safely.
 */
final class RunControl {
    private final VmLifecycle lifecycle;
    private final int threads;
    /** Read by every vCPU on every exit: a volatile read, not a lock. */
    private volatile boolean pauseRequested;
    private int parked;
    private int exited;

    RunControl(VmLifecycle lifecycle, int threads) {
        this.lifecycle = lifecycle;
        this.threads = threads;
    }

    boolean pauseRequested() {
        return pauseRequested;
    }

    /** Called by a vCPU thread: waits while paused; false if the VM stopped meanwhile. */
    synchronized boolean park() {
        parked++;
        notifyAll();
        try {
            while (pauseRequested && !lifecycle.isStopping()) {
                wait();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            parked--;
        }
        return !lifecycle.isStopping();
    }

    synchronized void exited() {
        exited++;
        notifyAll();
    }

    synchronized void requestPause() {
        pauseRequested = true;
    }

    /** Waits until every thread is parked or gone. */
    synchronized void awaitParked(int started) throws InterruptedException {
        while (parked + exited < started) {
            wait();
        }
    }

    synchronized void resume() {
        pauseRequested = false;
        notifyAll();
    }

    /** Wakes parked threads so they notice the stop. */
    synchronized void wakeAll() {
        notifyAll();
    }

    int threads() {
        return threads;
    }
}
