package dev.jvmm.devmodel.accel;

/** Whether an accelerator can run here, and if not, why in one sentence. */
public record Availability(boolean available, String reason) {
    public static Availability yes() {
        return new Availability(true, "available");
    }

    public static Availability no(String reason) {
        return new Availability(false, reason);
    }
}
