package org.fluxion.cli;

import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every example takes (a picocli mixin). */
final class ExampleOptions {
    @Option(names = "--out", paramLabel = "DIR", description = "output directory (default: runs/<timestamp>-<example>)")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    /** The output directory, created. */
    Path outputDir(String example) throws IOException {
        return Cli.outputDir(out, example);
    }
}
