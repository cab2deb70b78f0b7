package dev.jvmm.tests;

import dev.jvmm.devmodel.accel.Accelerator;
import dev.jvmm.devmodel.accel.Availability;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Assumptions;

/** The accelerators this build has; tests run on each, and skip with the reason where one is unusable. */
final class Accelerators {
    private Accelerators() {}

    static List<String> names() {
        List<String> names = new ArrayList<>();
        ServiceLoader.load(Accelerator.class).forEach(a -> names.add(a.name()));
        return names;
    }

    static void assumeAvailable(String name) {
        for (Accelerator a : ServiceLoader.load(Accelerator.class)) {
            if (a.name().equals(name)) {
                Availability av = a.availability();
                Assumptions.assumeTrue(av.available(), () -> name + " is not usable here: " + av.reason());
                return;
            }
        }
        Assumptions.abort(name + " is not in this build");
    }

}
