package dev.jvmm.devmodel.accel;

/**
 * Pause and resume for a VM's vCPU threads, whatever runs them: vCPUs poll
 * {@link #pauseRequested()} (a volatile read) between guest runs and {@link #park()} when asked;
 * the pausing thread returns from {@link #awaitParked} once every vCPU is parked or gone, so vCPU
 * state can then be read and written safely.
 */
public final class VcpuPauseGate {
    private final VmLifecycle lifecycle;
    private volatile boolean pauseRequested;
    private int parked;
    private int exited;

    public VcpuPauseGate(VmLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    public boolean pauseRequested() {
        return pauseRequested;
    }

    /** Called by a vCPU thread: waits while paused; false if the VM stopped meanwhile. */
    public synchronized boolean park() {
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

    /** Called by a vCPU thread as it ends. */
    public synchronized void exited() {
        exited++;
        notifyAll();
    }

    public synchronized void requestPause() {
        pauseRequested = true;
    }

    /**
     * Waits until {@code started} vCPU threads are parked or gone. An interrupt does not cut the wait
     * short (returning early would break the caller's premise); it is kept for the caller.
     */
    public void awaitParked(int started) {
        boolean interrupted = false;
        synchronized (this) {
            while (parked + exited < started) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    public synchronized void resume() {
        pauseRequested = false;
        notifyAll();
    }

    /** Wakes parked threads so they notice a stop. */
    public synchronized void wakeAll() {
        notifyAll();
    }

    /**
     * Joins a vCPU thread even if interrupted meanwhile (native resources are freed only after, and a
     * thread still running would use them); the interrupt is kept for the caller.
     */
    public static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
