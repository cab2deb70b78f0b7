package dev.jvmm.tcg;

import dev.jvmm.devmodel.accel.VmLifecycle;

/** Pause and resume for software vCPUs: {@link #awaitParked} returns once every thread is parked or gone. */
final class TcgRunControl {
    private final VmLifecycle lifecycle;
    private volatile boolean pauseRequested;
    private int parked;
    private int exited;

    TcgRunControl(VmLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    boolean pauseRequested() {
        return pauseRequested;
    }

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

    synchronized void awaitParked(int started) throws InterruptedException {
        while (parked + exited < started) {
            wait();
        }
    }

    synchronized void resume() {
        pauseRequested = false;
        notifyAll();
    }

    synchronized void wakeAll() {
        notifyAll();
    }
}
