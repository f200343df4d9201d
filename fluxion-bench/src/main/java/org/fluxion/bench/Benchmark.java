package org.fluxion.bench;

import java.io.PrintStream;

/** One side-by-side benchmark, run by {@code ./fluxion bench NAME}. */
public interface Benchmark {
    /** The name given on the command line, e.g. {@code gemm}. */
    String name();

    /** One line saying what is measured and against which reference. */
    String description();

    /**
     * Runs every configuration and prints, after any human-friendly output, one
     * {@link BenchLine} per configuration.
     */
    void run(PrintStream out) throws Exception;
}
