package dev.jvmm.devmodel.irqchip.pic;

/**
 * One 8259A's registers and mode. {@code inputLevels} are the pins' current levels (for edge
 * detection); {@code priorityBase} is the IR with the highest priority (lowest priority + 1);
 * {@code initStep} is 0 when initialized or the ICW (2, 3, 4) the chip waits for.
 */
public record Pic8259State(int irr, int isr, int imr, int inputLevels, int elcr, int vectorBase, int icw3,
                           int initStep, boolean icw4Needed, boolean singleMode, boolean autoEoi,
                           boolean rotateOnAutoEoi, boolean specialFullyNested, int priorityBase,
                           boolean readIsr, boolean poll, boolean specialMask) {
}
