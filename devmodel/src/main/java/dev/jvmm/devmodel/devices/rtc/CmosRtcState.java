package dev.jvmm.devmodel.devices.rtc;

/** The CMOS index, its 128 bytes and the guest clock's offset from the host's, in seconds. */
public record CmosRtcState(int index, byte[] cmos, long offsetSeconds) {
    public CmosRtcState {
        cmos = cmos.clone();
    }

    @Override
    public byte[] cmos() {
        return cmos.clone();
    }
}
