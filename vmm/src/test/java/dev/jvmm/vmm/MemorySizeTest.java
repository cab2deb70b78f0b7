package dev.jvmm.vmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MemorySizeTest {
    @Test
    void bareNumberIsMebibytesAsInQemu() throws Exception {
        assertEquals(128L << 20, MemorySize.parse("128"));
    }

    @Test
    void suffixesAndSpellings() throws Exception {
        assertEquals(512L << 20, MemorySize.parse("512M"));
        assertEquals(512L << 20, MemorySize.parse("512m"));
        assertEquals(512L << 20, MemorySize.parse("512MiB"));
        assertEquals(512L << 20, MemorySize.parse("512MB"));
        assertEquals(2L << 30, MemorySize.parse("2G"));
        assertEquals(4096L << 10, MemorySize.parse("4096K"));
        assertEquals(1L << 40, MemorySize.parse("1T"));
        assertEquals(64L << 20, MemorySize.parse("size=64M"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "-1", "0", "1M", "12.5G", "2T", "4097K", "99999999999999999999", "9223372036854775807G"})
    void nonsenseAndOutOfRangeAreRefused(String text) {
        assertThrows(UsageException.class, () -> MemorySize.parse(text));
    }
}
