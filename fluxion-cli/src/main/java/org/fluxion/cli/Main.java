package org.fluxion.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code fluxion} command. */
@Command(name = "fluxion", mixinStandardHelpOptions = true, version = "fluxion 0.1.0",
        description = "Differentiable programming and deep learning for the JVM.",
        subcommands = {TrainCommand.class, ExampleCommand.class, DemoCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
