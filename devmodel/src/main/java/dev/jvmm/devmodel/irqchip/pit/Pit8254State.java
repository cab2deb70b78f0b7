package dev.jvmm.devmodel.irqchip.pit;

import java.util.List;

/** The three counters and the port 0x61 bits the PIT owns (gate 2, speaker, NMI enables). */
public record Pit8254State(List<PitChannelState> channels, int port61) {
    public Pit8254State {
        channels = List.copyOf(channels);
        if (channels.size() != Pit8254.CHANNELS) {
            throw new IllegalArgumentException("an 8254 has " + Pit8254.CHANNELS + " counters");
        }
    }
}
