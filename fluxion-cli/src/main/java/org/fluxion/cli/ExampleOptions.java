package org.fluxion.cli;

import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Options every example takes (a picocli mixin). */
final class ExampleOptions {
    @Option(names = "--out", paramLabel = "DIR", description = "output directory (default: runs/<timestamp>-<example>)")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /** The output directory, created and checked writable (a parameter error naming --out otherwise). */
    Path outputDir(String example) {
        return Cli.outputDir(spec, out, example);
    }
}
