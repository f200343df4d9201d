package org.fluxion.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code fluxion example NAME}: the seeds' examples, one subcommand each; alone, it lists them. */
@Command(name = "example", mixinStandardHelpOptions = true,
        description = "Run one of the seeds' examples (each writes PNGs under --out); with no NAME, list them.",
        subcommands = {MoonsExample.class, LogisticExample.class, SvmExample.class, AutoencoderExample.class,
                LinearRegressionExample.class, FluxMnistExample.class, TfDnnExample.class, DeqExample.class,
                NeuralOdeExample.class, ImdbExample.class})
final class ExampleCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        System.out.println("Examples (./fluxion example NAME [--help]):");
        spec.subcommands().forEach((name, sub) -> {
            String[] description = sub.getCommandSpec().usageMessage().description();
            System.out.println(Cli.fmt("  %-18s %s", name, description.length > 0 ? description[0] : ""));
        });
    }
}
