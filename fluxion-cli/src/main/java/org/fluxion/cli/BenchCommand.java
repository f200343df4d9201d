package org.fluxion.cli;

import java.util.concurrent.Callable;
import org.fluxion.bench.Benchmark;
import org.fluxion.bench.Benchmarks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code fluxion bench [NAME]}: runs a side-by-side benchmark, or lists them. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Run a side-by-side benchmark against its reference; with no NAME, list them.")
final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "benchmark to run")
    String name;

    @Override
    public Integer call() throws Exception {
        if (name == null) {
            System.out.println("Benchmarks (./fluxion bench NAME):");
            for (Benchmark b : Benchmarks.all()) {
                System.out.printf("  %-14s %s%n", b.name(), b.description());
            }
            // run by the launcher with the optional fluxion-spark module (SparkBench), not by this command
            System.out.printf("  %-14s %s%n", "spark", "MLP epoch on Spark local[1], local[2] and a standalone cluster"
                    + " (--master spark://...) vs single-process Fluxion; all-reduce time and bytes per step");
            return 0;
        }
        if (name.equals("spark")) {
            System.err.println("fluxion bench spark: run it through ./fluxion, which builds and adds the fluxion-spark"
                    + " module (mvn -Pspark)");
            return 2;
        }
        var bench = Benchmarks.named(name);
        if (bench.isEmpty()) {
            System.err.println("fluxion bench: unknown benchmark '" + name + "'; run ./fluxion bench to list them");
            return 2;
        }
        bench.get().run(System.out);
        return 0;
    }
}
