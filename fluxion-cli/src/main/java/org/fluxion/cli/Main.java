package org.fluxion.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/**
 * Entry point of the {@code fluxion} command.
 *
 * <p>Exit codes: 0 success; {@value Cli#EXIT_ERROR} a failure while running (an unreadable or corrupt
 * file, a failed write, a bug); {@value Cli#EXIT_USAGE} a wrong command line (picocli's usage error,
 * also an unwritable {@code --out} or missing {@code --data}); {@value Cli#EXIT_DIVERGED} training
 * stopped because its loss became NaN or infinite. A failure prints one line {@code fluxion: <what>}
 * on stderr; {@code --verbose} adds the stack trace.
 */
@Command(name = "fluxion", mixinStandardHelpOptions = true, version = "fluxion 0.1.0",
        description = "Differentiable programming and deep learning for the JVM.",
        subcommands = {TrainCommand.class, ExampleCommand.class, DemoCommand.class, BenchCommand.class, ClassifyCommand.class,
                OnnxCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    // Inherited: accepted after any subcommand too (./fluxion train --verbose). The value is read from
    // the parse result by the exception handler, whichever command it was given to.
    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "print stack traces of failures")
    boolean verbose;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The command line with Fluxion's failure reporting; {@link #main} and the tests run this one. */
    static CommandLine commandLine() {
        return new CommandLine(new Main()).setExecutionExceptionHandler(Main::reportFailure)
                .setParameterExceptionHandler(Main::reportUsageError);
    }

    /** A wrong command line: one line naming the flag, a pointer to --help (not the whole help); exit 2. */
    private static int reportUsageError(CommandLine.ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        err.println("fluxion: " + e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Run '" + command.getCommandSpec().qualifiedName() + " --help' for the options.");
        err.flush();
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    /** Prints {@code fluxion: <what went wrong>} (and the stack trace with --verbose); returns exit code 1. */
    private static int reportFailure(Exception e, CommandLine command, ParseResult parsed) {
        PrintWriter err = command.getErr();
        boolean verbose = verbose(parsed);
        boolean expected = e instanceof java.io.IOException || e instanceof java.io.UncheckedIOException
                || e instanceof IllegalArgumentException;
        err.println("fluxion: " + Cli.describe(e)
                + (verbose || expected ? "" : " (an internal error; --verbose prints the stack trace)"));
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return Cli.EXIT_ERROR;
    }

    private static boolean verbose(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    public static void main(String[] args) {
        int code;
        try {
            code = commandLine().execute(args);
        } catch (OutOfMemoryError e) {
            // Errors escape picocli's handler. The heap is set by ./fluxion (-Xmx2g); say how to raise it.
            System.err.println("fluxion: out of memory (" + e.getMessage() + "); give Java more heap with "
                    + "FLUXION_JAVA_OPTS=-Xmx8g, or use less data (--limit)");
            code = Cli.EXIT_ERROR;
        }
        System.exit(code);
    }
}
