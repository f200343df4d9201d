package org.fluxion.bench;

import java.util.List;
import java.util.Optional;

/** The list of benchmarks that {@code ./fluxion bench} knows. */
public final class Benchmarks {
    private Benchmarks() {
    }

    /** All benchmarks, in the order they are listed. */
    public static List<Benchmark> all() {
        return List.of(
                new GemmBench(),
                new ElementwiseBench(),
                new ScalarOpBench(),
                new ScalarAdBench(),
                new JavaAdBench(),
                new AdMemoryBench(),
                EpochBench.mlp(),
                EpochBench.cnn(),
                EpochBench.lenet(),
                new MoonsBench(),
                new MoonsEagerBench(),
                new JitChainBench(),
                new JitMlpStepBench(),
                SequenceBench.lstm(),
                SequenceBench.transformer(),
                new LinalgBench(),
                new OdeBench(),
                new EmbeddingBagBench(),
                new OnnxBench());
    }

    /** The benchmark called {@code name}, if any. */
    public static Optional<Benchmark> named(String name) {
        return all().stream().filter(b -> b.name().equals(name)).findFirst();
    }
}
