package dev.jvmm.ffi.kvm;

import dev.jvmm.ffi.StructLayout;

/** struct kvm_pit_state2: three struct kvm_pit_channel_state and flags. */
public final class KvmPitState2 {
    private KvmPitState2() {}

    public static final int CHANNELS = 0, CHANNEL_SIZE = 24, FLAGS = 72, SIZE = 112;
    public static final StructLayout LAYOUT = StructLayout.of("struct kvm_pit_state2", SIZE)
        .field("channels", CHANNELS).field("flags", FLAGS).build();
    public static final StructLayout CHANNEL_LAYOUT = StructLayout.of("struct kvm_pit_channel_state", CHANNEL_SIZE)
        .field("count", 0).field("latched_count", 4).field("count_latched", 6).field("status_latched", 7)
        .field("status", 8).field("read_state", 9).field("write_state", 10).field("write_latch", 11)
        .field("rw_mode", 12).field("mode", 13).field("bcd", 14).field("gate", 15).field("count_load_time", 16)
        .build();
}
