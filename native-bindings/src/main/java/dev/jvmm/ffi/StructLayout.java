package dev.jvmm.ffi;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The layout jvmm assumes for one C structure: its size and the offsets of the fields it uses.
 * Tests compare every layout with what the C compiler says for the kernel's own header.
 *
 * @param cType  the C type, e.g. {@code struct kvm_regs}
 * @param size   sizeof the type
 * @param fields C member designator (as accepted by offsetof, e.g. {@code io.port}) to offset
 */
public record StructLayout(String cType, long size, Map<String, Long> fields) {
    public StructLayout {
        fields = Map.copyOf(fields);
    }

    public static Builder of(String cType, long size) {
        return new Builder(cType, size);
    }

    public static final class Builder {
        private final String cType;
        private final long size;
        private final Map<String, Long> fields = new LinkedHashMap<>();

        private Builder(String cType, long size) {
            this.cType = cType;
            this.size = size;
        }

        public Builder field(String member, long offset) {
            fields.put(member, offset);
            return this;
        }

        public StructLayout build() {
            return new StructLayout(cType, size, fields);
        }
    }
}
