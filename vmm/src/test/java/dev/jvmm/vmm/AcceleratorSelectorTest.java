package dev.jvmm.vmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jvmm.devmodel.accel.Accelerator;
import dev.jvmm.devmodel.accel.Availability;
import dev.jvmm.devmodel.accel.Vm;
import dev.jvmm.devmodel.accel.VmConfig;
import dev.jvmm.devmodel.accel.VmLifecycle;
import dev.jvmm.devmodel.bus.IoBuses;
import dev.jvmm.devmodel.memory.GuestMemory;
import java.util.List;
import org.junit.jupiter.api.Test;

class AcceleratorSelectorTest {
    record Fake(String name, int priority, Availability availability) implements Accelerator {
        @Override
        public Vm createVm(VmConfig config, GuestMemory memory, IoBuses buses, VmLifecycle lifecycle) {
            throw new UnsupportedOperationException();
        }
    }

    static final Fake KVM_OK = new Fake("kvm", 100, Availability.yes());
    static final Fake KVM_NO = new Fake("kvm", 100, Availability.no("/dev/kvm does not exist"));
    static final Fake TCG_OK = new Fake("tcg", 10, Availability.yes());
    static final Fake XEN_NO = new Fake("xen", 50, Availability.no("/dev/xen/privcmd does not exist"));

    @Test
    void autoPrefersTheHighestPriorityAvailable() throws Exception {
        assertEquals("kvm", new AcceleratorSelector(List.of(TCG_OK, XEN_NO, KVM_OK)).select("auto").name());
        assertEquals("tcg", new AcceleratorSelector(List.of(TCG_OK, XEN_NO, KVM_NO)).select("auto").name());
    }

    @Test
    void autoWithNothingAvailableGivesEveryReason() {
        UsageException e = assertThrows(UsageException.class,
            () -> new AcceleratorSelector(List.of(KVM_NO, XEN_NO)).select("auto"));
        assertTrue(e.getMessage().contains("/dev/kvm does not exist"), e.getMessage());
        assertTrue(e.getMessage().contains("/dev/xen/privcmd does not exist"), e.getMessage());
    }

    @Test
    void namedButUnavailableSaysWhy() {
        UsageException e = assertThrows(UsageException.class,
            () -> new AcceleratorSelector(List.of(KVM_NO, TCG_OK)).select("kvm"));
        assertEquals("accelerator 'kvm' is not available: /dev/kvm does not exist", e.getMessage());
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        UsageException e = assertThrows(UsageException.class,
            () -> new AcceleratorSelector(List.of(KVM_OK, TCG_OK)).select("hvf"));
        assertEquals("unknown accelerator 'hvf' (this build has: kvm, tcg, auto)", e.getMessage());
    }
}
