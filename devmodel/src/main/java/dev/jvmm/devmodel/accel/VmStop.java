package dev.jvmm.devmodel.accel;

/** Why a VM stopped, and what the process should say and return because of it. */
public sealed interface VmStop {
    /** The process exit status this stop maps to. */
    int exitStatus();

    /** One line for the user, or null when the stop needs no explanation. */
    String message();

    /** The guest wrote {@code value} to the debug-exit port: status {@code (value << 1) | 1}. */
    record DebugExit(int value) implements VmStop {
        public int exitStatus() {
            return ((value << 1) | 1) & 0xFF;
        }

        public String message() {
            return null;
        }
    }

    /** ACPI soft power-off (SLP_EN with the S5 sleep type). */
    record PowerOff() implements VmStop {
        public int exitStatus() {
            return 0;
        }

        public String message() {
            return null;
        }
    }

    /** The guest asked for a reset (i8042 pulse or KVM system event); jvmm stops as Firecracker does. */
    record Reset(String source) implements VmStop {
        public int exitStatus() {
            return 0;
        }

        public String message() {
            return "guest requested a reset (" + source + "); stopping the VM";
        }
    }

    /** A triple fault or a shutdown the guest cannot recover from; {@code cpu} names RIP, CRs, EFER. */
    record TripleFault(int vcpu, String cpu) implements VmStop {
        public int exitStatus() {
            return 2;
        }

        public String message() {
            return "vCPU " + vcpu + " triple-faulted (shutdown): " + cpu;
        }
    }

    /** The accelerator could not run the guest (emulation failure, failed entry, unknown exit). */
    record InternalError(int vcpu, String detail, String cpu) implements VmStop {
        public int exitStatus() {
            return 3;
        }

        public String message() {
            return "vCPU " + vcpu + " internal error: " + detail + ": " + cpu;
        }
    }

    /** jvmm itself failed (a native call, a device): names the failure. */
    record HostFailure(String detail) implements VmStop {
        public int exitStatus() {
            return 4;
        }

        public String message() {
            return "jvmm failed: " + detail;
        }
    }

    /** The user asked the VMM to quit (signal, control API). */
    record Quit(String why) implements VmStop {
        public int exitStatus() {
            return 0;
        }

        public String message() {
            return null;
        }
    }
}
