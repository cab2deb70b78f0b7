package dev.jvmm.vmm;

import dev.jvmm.devmodel.accel.Accelerator;
import dev.jvmm.devmodel.accel.Availability;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** Finds accelerators through ServiceLoader and picks the one the user asked for. */
final class AcceleratorSelector {
    private final List<Accelerator> accelerators;

    AcceleratorSelector(List<Accelerator> accelerators) {
        this.accelerators = new ArrayList<>(accelerators);
        this.accelerators.sort(Comparator.comparingInt(Accelerator::priority).reversed());
    }

    static AcceleratorSelector fromServiceLoader() {
        List<Accelerator> found = new ArrayList<>();
        ServiceLoader.load(Accelerator.class).forEach(found::add);
        return new AcceleratorSelector(found);
    }

    String names() {
        return accelerators.stream().map(Accelerator::name).collect(Collectors.joining(", "));
    }

    /** {@code auto} picks the preferred available accelerator; a name must be present and available. */
    Accelerator select(String name) throws UsageException {
        if (name.equals("auto")) {
            List<String> reasons = new ArrayList<>();
            for (Accelerator a : accelerators) {
                Availability av = a.availability();
                if (av.available()) {
                    return a;
                }
                reasons.add(a.name() + ": " + av.reason());
            }
            throw new UsageException("no accelerator is available (" + String.join("; ", reasons) + ")");
        }
        for (Accelerator a : accelerators) {
            if (a.name().equals(name)) {
                Availability av = a.availability();
                if (!av.available()) {
                    throw new UsageException("accelerator '" + name + "' is not available: " + av.reason());
                }
                return a;
            }
        }
        throw new UsageException("unknown accelerator '" + name + "' (this build has: " + names() + ", auto)");
    }
}
