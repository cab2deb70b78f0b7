package dev.jvmm.devmodel.accel;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Where a VM's stop is decided: devices, vCPU threads and the process request a stop, the first
 * request wins, and the accelerator's listeners kick the vCPUs out of the guest.
 */
public final class VmLifecycle {
    private final AtomicReference<VmStop> stop = new AtomicReference<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    /** Requests that the VM stop for {@code reason}; later requests are ignored. */
    public void requestStop(VmStop reason) {
        if (stop.compareAndSet(null, reason)) {
            try {
                runListeners();
            } finally {
                stopped.countDown(); // a failing listener must not leave awaitStop() waiting forever
            }
        }
    }

    /** Runs each listener that has not run yet; a listener runs exactly once whoever gets there first. */
    private void runListeners() {
        for (Listener l : listeners) {
            l.runOnce();
        }
    }

    private static final class Listener {
        private final Runnable action;
        private final java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();

        Listener(Runnable action) {
            this.action = action;
        }

        void runOnce() {
            if (ran.compareAndSet(false, true)) {
                action.run();
            }
        }
    }

    public boolean isStopping() {
        return stop.get() != null;
    }

    /** Runs {@code listener} once when a stop is requested (at once if it already was). */
    public void onStop(Runnable listener) {
        Listener l = new Listener(listener);
        listeners.add(l);
        if (isStopping()) {
            l.runOnce();
        }
    }

    public VmStop awaitStop() throws InterruptedException {
        stopped.await();
        return stop.get();
    }

    /** The stop reason, or null if none came within the timeout. */
    public VmStop awaitStop(long timeout, TimeUnit unit) throws InterruptedException {
        return stopped.await(timeout, unit) ? stop.get() : null;
    }
}
