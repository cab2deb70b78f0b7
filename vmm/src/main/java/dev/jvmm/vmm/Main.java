package dev.jvmm.vmm;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The jvmm process. Every failure the user can cause ends in one line on stderr and a non-zero exit. */
@Command(name = "jvmm", mixinStandardHelpOptions = true, version = "jvmm 0.1.0",
    description = "A virtual machine monitor written in Java.",
    subcommands = {RunCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    static final int USAGE_ERROR = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required, e.g. 'jvmm run'");
    }

    public static void main(String[] args) {
        int status;
        try {
            status = execute(args);
        } catch (Throwable t) { // an Error escaping picocli's handlers: still one line, never a trace
            System.err.println("jvmm: " + describe(t));
            status = 1;
        }
        System.exit(status);
    }

    static int execute(String[] args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setParameterExceptionHandler((ex, a) -> {
            System.err.println("jvmm: " + ex.getMessage() + " (see 'jvmm " + commandName(ex) + "--help')");
            return USAGE_ERROR;
        });
        cl.setExecutionExceptionHandler((ex, c, r) -> {
            // picocli passes Exceptions here; Errors are caught in main().
            System.err.println("jvmm: " + describe(ex));
            if (System.getenv("JVMM_DEBUG") != null) {
                ex.printStackTrace();
            }
            return ex instanceof UsageException ? USAGE_ERROR : 1;
        });
        return cl.execute(args);
    }

    private static String commandName(CommandLine.ParameterException ex) {
        String n = ex.getCommandLine().getCommandName();
        return n.equals("jvmm") ? "" : n + " ";
    }

    /** One line for any failure: the message of what the user can act on, never a stack trace. */
    static String describe(Throwable ex) {
        if (ex instanceof UsageException || ex instanceof dev.jvmm.devmodel.boot.BootException
            || ex instanceof dev.jvmm.devmodel.accel.AcceleratorException
            || ex instanceof dev.jvmm.ffi.NativeException) {
            return ex.getMessage();
        }
        if (ex instanceof java.io.IOException) {
            return "I/O error: " + ex.getMessage();
        }
        return "internal error: " + ex; // a bug in jvmm: name it, but keep it to one line
    }
}
