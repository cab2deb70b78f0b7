package dev.jvmm.ffi.kvm;

import dev.jvmm.ffi.StructLayout;
import java.util.List;

/** Every KVM structure layout jvmm relies on. */
public final class KvmLayouts {
    private KvmLayouts() {}

    public static List<StructLayout> all() {
        return List.of(KvmRun.LAYOUT, KvmRegs.LAYOUT, KvmSregs.LAYOUT, KvmSregs.SEGMENT_LAYOUT,
            KvmSregs.DTABLE_LAYOUT, KvmFpu.LAYOUT, KvmMsrs.LAYOUT, KvmMsrs.ENTRY_LAYOUT, KvmMsrs.LIST_LAYOUT,
            KvmCpuid2.LAYOUT, KvmCpuid2.ENTRY_LAYOUT, KvmUserspaceMemoryRegion.LAYOUT, KvmDirtyLog.LAYOUT,
            KvmIrqLevel.LAYOUT, KvmLapicState.LAYOUT, KvmPitConfig.LAYOUT, KvmPitState2.LAYOUT,
            KvmPitState2.CHANNEL_LAYOUT, KvmIrqchip.LAYOUT, KvmXsave.LAYOUT, KvmXcrs.LAYOUT, KvmXcrs.XCR_LAYOUT,
            KvmVcpuEvents.LAYOUT, KvmMpState.LAYOUT, KvmClockData.LAYOUT);
    }
}
