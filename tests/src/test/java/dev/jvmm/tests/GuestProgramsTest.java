package dev.jvmm.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each guest test program, run end to end through the real process on every accelerator, with
 * its exact serial output and exit status compared with the hand-written expectation.
 */
class GuestProgramsTest {
    static Stream<String> accelerators() {
        return Accelerators.names().stream();
    }

    static Stream<Arguments> programs() {
        return accelerators().flatMap(a -> Stream.of(
            Arguments.of(a, "hello", new String[] {"-m", "64", "-append", "hello-arg"}),
            Arguments.of(a, "mmio", new String[] {"--device", "testdev"}),
            Arguments.of(a, "rep_io", new String[] {"--device", "testdev"}),
            Arguments.of(a, "exceptions", new String[0]),
            Arguments.of(a, "pit_timer", new String[0]),
            Arguments.of(a, "smp_count", new String[] {"--smp", "2"}),
            Arguments.of(a, "elf64_hello", new String[] {"--append", "hello-arg"})));
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("programs")
    void guestProgramPrintsExactlyWhatItsExpectationSays(String accel, String program, String[] extra)
        throws Exception {
        Accelerators.assumeAvailable(accel);
        Guests.Expected expected = Guests.Expected.of(program);
        String[] args = Stream.concat(Stream.of("run", "--accel", accel, "--kernel", Guests.image(program).toString()),
            Stream.of(extra)).toArray(String[]::new);
        JvmmProcess.Result r = JvmmProcess.run(args);
        assertEquals(expected.output(), r.stdout(), () -> program + " serial output differs; " + r);
        assertEquals(Integer.parseInt(expected.exit()), r.exit(), () -> program + " exit status; " + r);
    }

    @ParameterizedTest(name = "serial input on {0}")
    @MethodSource("accelerators")
    void serialInputFromStdinReachesTheGuestThroughTheUartInterrupt(String accel) throws Exception {
        Accelerators.assumeAvailable(accel);
        Guests.Expected expected = Guests.Expected.of("serial_echo");
        JvmmProcess.Result r = JvmmProcess.runWithInput(120,
            "hello world\nJvmm 42\nquit\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
            "run", "--accel", accel, "--kernel", Guests.image("serial_echo").toString());
        assertEquals(expected.output(), r.stdout(), r::toString);
        assertEquals(Integer.parseInt(expected.exit()), r.exit(), r::toString);
    }

    @ParameterizedTest(name = "smp_count with 4 vCPUs on {0}")
    @MethodSource("accelerators")
    void vcpusTheGuestNeverStartsDoNotKeepTheVmAlive(String accel) throws Exception {
        Accelerators.assumeAvailable(accel);
        Guests.Expected expected = Guests.Expected.of("smp_count");
        JvmmProcess.Result r = JvmmProcess.run("run", "--accel", accel, "--smp", "4", "--kernel",
            Guests.image("smp_count").toString());
        assertEquals(expected.output(), r.stdout(), r::toString);
        assertEquals(0, r.exit(), r::toString);
    }

    @ParameterizedTest(name = "triple fault on {0}")
    @MethodSource("accelerators")
    void tripleFaultStopsTheVmWithOneLineNamingTheRegisters(String accel) throws Exception {
        Accelerators.assumeAvailable(accel);
        Guests.Expected expected = Guests.Expected.of("triple_fault");
        JvmmProcess.Result r = JvmmProcess.run("run", "--accel", accel, "--kernel",
            Guests.image("triple_fault").toString());
        assertEquals(expected.output(), r.stdout(), r::toString);
        assertNotEquals(0, r.exit(), r::toString);
        String err = r.stderr().strip();
        assertFalse(err.contains("\n"), () -> "more than one line on stderr: " + r);
        for (String reg : new String[] {"triple-fault", "RIP=", "CR0=", "CR3=", "CR4=", "EFER="}) {
            assertTrue(err.contains(reg), () -> "stderr lacks " + reg + ": " + r);
        }
    }

    @ParameterizedTest(name = "debug exit status on {0}")
    @MethodSource("accelerators")
    void demoGuestBootsAndPowersOffWithStatusZero(String accel) throws Exception {
        Accelerators.assumeAvailable(accel);
        JvmmProcess.Result r = JvmmProcess.run("run", "--accel", accel);
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.stdout().contains("jvmm demo guest"), r::toString);
        assertTrue(r.stdout().contains("128 MiB"), () -> "demo should report the default 128 MiB: " + r);
    }
}
