package dev.jvmm.devmodel.devices.i8042;

import static org.junit.jupiter.api.Assertions.*;

import dev.jvmm.devmodel.accel.VmLifecycle;
import dev.jvmm.devmodel.accel.VmStop;
import dev.jvmm.devmodel.bus.PortIoBus;
import org.junit.jupiter.api.Test;

/** i8042 (8042 keyboard controller) semantics as a PC sees them at ports 0x60 and 0x64. */
class I8042Test {
    static final int DATA = 0x60, STATUS_COMMAND = 0x64;
    static final int ST_OBF = 0x01, ST_SYS = 0x04, ST_A2 = 0x08;

    final VmLifecycle lifecycle = new VmLifecycle();
    final I8042 kbc = new I8042(lifecycle);
    final PortIoBus bus = new PortIoBus();

    I8042Test() {
        bus.register(I8042.DATA_PORT, 1, kbc.data());
        bus.register(I8042.COMMAND_PORT, 1, kbc.command());
    }

    int status() {
        return (int) bus.read(STATUS_COMMAND, 1);
    }

    int data() {
        return (int) bus.read(DATA, 1);
    }

    void command(int c) {
        bus.write(STATUS_COMMAND, 1, c);
    }

    void writeData(int v) {
        bus.write(DATA, 1, v);
    }

    VmStop stop() throws InterruptedException {
        return lifecycle.awaitStop(0, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Test
    void portsAreThePcOnes() {
        assertEquals(0x60, I8042.DATA_PORT);
        assertEquals(0x64, I8042.COMMAND_PORT);
    }

    @Test
    void port61IsNotClaimedByTheController() {
        assertEquals(0xFF, bus.read(0x61, 1));
        assertEquals(1, bus.unclaimedReads());
    }

    @Test
    void pulseResetCommandRequestsAResetStop() throws InterruptedException {
        command(0xFE);
        VmStop s = stop();
        assertInstanceOf(VmStop.Reset.class, s);
        assertEquals(0, s.exitStatus());
        assertNotNull(s.message());
    }

    @Test
    void resetCommandAtDeviceOffsetFourDirectly() {
        kbc.write(4, 1, 0xFE);
        assertTrue(lifecycle.isStopping());
    }

    @Test
    void resetCommandWrittenToTheDataPortDoesNotReset() {
        writeData(0xFE);
        assertFalse(lifecycle.isStopping());
    }

    @Test
    void idleStatusHasOnlyTheSystemFlag() {
        assertEquals(ST_SYS, status() & (ST_OBF | ST_SYS));
        assertFalse(lifecycle.isStopping());
    }

    @Test
    void selfTestPutsFiftyFiveInTheOutputBuffer() {
        command(0xAA);
        assertEquals(ST_OBF, status() & ST_OBF);
        assertEquals(0x55, data());
        assertEquals(0, status() & ST_OBF, "reading port 0x60 empties the output buffer");
    }

    @Test
    void statusReadDoesNotConsumeTheOutputBuffer() {
        command(0xAA);
        status();
        status();
        assertEquals(ST_OBF, status() & ST_OBF);
        assertEquals(0x55, data());
    }

    @Test
    void interfaceTestReportsNoError() {
        command(0xAB);
        assertEquals(ST_OBF, status() & ST_OBF);
        assertEquals(0x00, data());
    }

    @Test
    void statusBitThreeTellsWhetherTheLastWriteWasACommand() {
        command(0xAA);
        assertEquals(ST_A2, status() & ST_A2);
        writeData(0x00);
        assertEquals(0, status() & ST_A2);
    }

    @Test
    void writeCommandByteThenReadItBack() {
        command(0x60);
        writeData(0x47);
        assertFalse(lifecycle.isStopping());
        command(0x20);
        assertEquals(ST_OBF, status() & ST_OBF);
        assertEquals(0x47, data());
        assertEquals(0, status() & ST_OBF);
    }

    @Test
    void commandByteIsReadableWithoutWritingFirst() {
        command(0x20);
        assertEquals(ST_OBF, status() & ST_OBF);
        data(); // whatever the default, it is a byte
        assertEquals(0, status() & ST_OBF);
    }

    @Test
    void dataWithoutAPendingCommandDoesNotChangeTheCommandByte() {
        command(0x60);
        writeData(0x11);
        writeData(0x22); // no command pending any more
        command(0x20);
        assertEquals(0x11, data());
    }

    @Test
    void anotherCommandCancelsAPendingWrite() {
        command(0x60);
        writeData(0x33);
        command(0x60);
        command(0xAA); // abandons the 0x60
        writeData(0x44);
        command(0x20);
        assertEquals(0x33, data());
    }

    @Test
    void outputPortWriteWithBitZeroClearResets() throws InterruptedException {
        command(0xD1);
        assertFalse(lifecycle.isStopping(), "nothing happens until the data byte");
        writeData(0xFE);
        assertInstanceOf(VmStop.Reset.class, stop());
    }

    @Test
    void outputPortWriteWithBitZeroSetDoesNotReset() {
        command(0xD1);
        writeData(0xDF); // A20 on, reset line high
        assertFalse(lifecycle.isStopping());
    }

    @Test
    void outputPortReadShowsTheResetLineDeasserted() {
        command(0xD0);
        assertEquals(ST_OBF, status() & ST_OBF);
        assertEquals(0x01, data() & 0x01);
    }

    @Test
    void unknownCommandsDoNothing() {
        command(0xA7); // disable mouse port
        command(0xAD); // disable keyboard
        assertFalse(lifecycle.isStopping());
        assertEquals(0, status() & ST_OBF);
    }

    @Test
    void firstResetStopWins() throws InterruptedException {
        command(0xFE);
        lifecycle.requestStop(new VmStop.PowerOff());
        assertInstanceOf(VmStop.Reset.class, stop());
    }

    @Test
    void portsBetweenDataAndCommandReadAllOnes() {
        for (int p = 0x61; p <= 0x63; p++) {
            assertEquals(0xFF, bus.read(p, 1), Integer.toHexString(p));
            bus.write(p, 1, 0xFE);
        }
        assertFalse(lifecycle.isStopping());
    }

    @Test
    void wideAccessesAreIgnored() {
        command(0xAA);
        bus.read(DATA, 2);
        bus.write(STATUS_COMMAND, 2, 0xFE);
        bus.write(STATUS_COMMAND, 4, 0xFE);
        assertFalse(lifecycle.isStopping());
        assertEquals(ST_OBF, status() & ST_OBF, "a wide read did not consume the byte");
    }

    @Test
    void stateRoundTripKeepsCommandByteAndOutputBuffer() {
        command(0x60);
        writeData(0x61);
        command(0xAA);
        I8042 copy = new I8042(lifecycle);
        copy.restore(kbc.state());
        assertEquals(ST_OBF, copy.read(4, 1) & ST_OBF);
        assertEquals(0x55, copy.read(0, 1));
        copy.write(4, 1, 0x20);
        assertEquals(0x61, copy.read(0, 1));
    }

    @Test
    void stateRoundTripKeepsAPendingCommand() {
        command(0x60);
        I8042 copy = new I8042(lifecycle);
        copy.restore(kbc.state());
        copy.write(0, 1, 0x29);
        copy.write(4, 1, 0x20);
        assertEquals(0x29, copy.read(0, 1));
    }

    @Test
    void stateRoundTripKeepsAPendingOutputPortWrite() {
        command(0xD1);
        VmLifecycle other = new VmLifecycle();
        I8042 copy = new I8042(other);
        copy.restore(kbc.state());
        copy.write(0, 1, 0x00);
        assertTrue(other.isStopping());
        assertFalse(lifecycle.isStopping());
    }

    @Test
    void pulseCommandsWithBitZeroSetDoNotReset() {
        for (int cmd = 0xF1; cmd <= 0xFF; cmd += 2) {
            new I8042(lifecycle).write(4, 1, cmd);
        }
        assertFalse(lifecycle.isStopping());
    }

    @Test
    void restoreIgnoresAnInvalidPendingCommand() {
        I8042 copy = new I8042(lifecycle);
        copy.restore(new I8042State(0x45, 0, false, 0xFE, false));
        copy.write(0, 1, 0x00);
        assertFalse(lifecycle.isStopping());
        copy.write(4, 1, 0x20);
        assertEquals(0x45, copy.read(0, 1));
    }

    @Test
    void restoreMasksValuesToBytes() {
        I8042 copy = new I8042(lifecycle);
        copy.restore(new I8042State(0x1_23, 0x4_56, true, -1, false));
        assertEquals(0x56, copy.read(0, 1));
        copy.write(4, 1, 0x20);
        assertEquals(0x23, copy.read(0, 1));
    }

    @Test
    void stateRoundTripKeepsTheStatusRegister() {
        command(0xAA); // status now: output full, system flag, last write was a command
        I8042 copy = new I8042(lifecycle);
        copy.restore(kbc.state());
        assertEquals(status(), copy.read(4, 1));
    }

    @Test
    void everyPulseCommandWithBitZeroClearResets() {
        // Commands 0xF0-0xFF pulse the output-port bits whose command bit is 0; bit 0 is the reset line.
        for (int cmd = 0xF0; cmd <= 0xFE; cmd += 2) {
            VmLifecycle lc = new VmLifecycle();
            new I8042(lc).write(4, 1, cmd);
            assertTrue(lc.isStopping(), "command 0x" + Integer.toHexString(cmd));
        }
    }
}
