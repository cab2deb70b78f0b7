package dev.jvmm.devmodel.irqchip.pit;

/**
 * One 8254 counter, independent of any clock: {@code ticks} is how many input clocks the counter
 * has counted since its count was (re)loaded, as of the save; a restore continues from there.
 *
 * @param mode          0-5
 * @param accessMode    1 low byte, 2 high byte, 3 low then high byte
 * @param reload        the count register as written (0 means 65536, or 10000 in BCD)
 * @param counting      the counter is advancing (count loaded, gate allows, triggered for 1/5)
 * @param writeHigh     in low-then-high access, the low byte was written ({@code pendingLow})
 * @param readHigh      in low-then-high access, the next unlatched read returns the high byte
 * @param latchState    0 none; 1 latched low byte; 2 latched high byte; 3 latched both, low
 *                      next; 4 latched both, high next
 * @param latchedStatus the latched status byte, or -1
 * @param irqLevel      the level this counter last drove onto its interrupt line
 */
public record PitChannelState(int mode, int accessMode, boolean bcd, int reload, boolean gate,
                              boolean countWritten, boolean counting, long ticks, boolean nullCount,
                              boolean writeHigh, int pendingLow, boolean readHigh, int latchedCount,
                              int latchState, int latchedStatus, boolean irqLevel) {
}
