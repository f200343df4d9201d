package org.fluxion.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.fluxion.data.Npz;
import org.fluxion.kernels.Parallel;
import org.fluxion.nn.EmbeddingBag;
import org.fluxion.nn.Init;
import org.fluxion.nn.Linear;
import org.fluxion.nn.Losses;
import org.fluxion.optim.Adam;
import org.fluxion.optim.SparseAdam;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * {@code ./fluxion bench embedding-bag}: one training step of a bag-of-words classifier over seed 000's
 * vocabulary: an {@link EmbeddingBag} {@code [30716, 64]} (mean, sparse gradient) on a batch of 50 bags of
 * about 200 ids (150 to 250; ids log-uniform over the vocabulary, so frequent ids repeat as in text), a
 * linear head {@code 64 -> 1}, binary cross-entropy; {@link SparseAdam} on the touched rows of the table and
 * Adam on the head. The reference is PyTorch's {@code EmbeddingBag(sparse=True)} + {@code SparseAdam} on the
 * same batches and initial weights ({@code python/embedding_bag.py}, written by this class to an .npz file),
 * 2 threads each. Then a {@code config=peak-rss} line: both processes' peak resident set sizes, speedup =
 * PyTorch's / Fluxion's.
 */
public final class EmbeddingBagBench implements Benchmark {
    static final int VOCAB = 30_716;
    static final int DIM = 64;
    static final int BAGS = 50;
    static final int BATCHES = 8;
    static final int STEPS_PER_ROUND = 20;
    static final int THREADS = 2;

    @Override
    public String name() {
        return "embedding-bag";
    }

    @Override
    public String description() {
        return "EmbeddingBag 30716x64 (mean, sparse) + linear head, batch 50 bags of ~200 ids, SparseAdam: one training"
                + " step vs PyTorch EmbeddingBag(sparse=True) + SparseAdam";
    }

    /** The batches: ids and offsets of each, and labels. */
    record Batches(Tensor[] ids, Tensor[] offsets, Tensor[] labels) {
    }

    static Batches batches(SplittableRandom rng) {
        Tensor[] ids = new Tensor[BATCHES];
        Tensor[] offsets = new Tensor[BATCHES];
        Tensor[] labels = new Tensor[BATCHES];
        for (int b = 0; b < BATCHES; b++) {
            long[] off = new long[BAGS];
            int n = 0;
            for (int i = 0; i < BAGS; i++) {
                off[i] = n;
                n += 150 + rng.nextInt(101);
            }
            long[] id = new long[n];
            for (int j = 0; j < n; j++) {
                id[j] = Math.min(VOCAB - 1, (long) Math.floor(Math.exp(rng.nextDouble() * Math.log(VOCAB + 1))) - 1);
            }
            float[] y = new float[BAGS];
            for (int i = 0; i < BAGS; i++) {
                y[i] = rng.nextBoolean() ? 1 : 0;
            }
            ids[b] = Tensor.of(id, n);
            offsets[b] = Tensor.of(off, BAGS);
            labels[b] = Tensor.of(y, BAGS);
        }
        return new Batches(ids, offsets, labels);
    }

    @Override
    public void run(PrintStream out) throws Exception {
        int saved = Parallel.threads();
        Parallel.setThreads(THREADS);
        try {
            runWithThreads(out);
        } finally {
            Parallel.setThreads(saved);
        }
    }

    private void runWithThreads(PrintStream out) throws Exception {
        SplittableRandom rng = new SplittableRandom(0);
        Batches data = batches(rng);
        Tensor table = Init.normal(rng, 1, DType.FLOAT32, VOCAB, DIM);
        Tensor headWeight = Init.normal(rng, 1 / Math.sqrt(DIM), DType.FLOAT32, 1, DIM);
        EmbeddingBag bag = new EmbeddingBag(table.copy(), EmbeddingBag.Mode.MEAN, true);
        Linear head = new Linear(headWeight.copy(), Tensor.zeros(1));
        var headParameters = head.parameters();
        SparseAdam sparse = new SparseAdam(1e-3);
        Adam dense = new Adam(1e-3);
        int[] k = {0};
        Runnable step = () -> {
            int b = k[0]++ % BATCHES;
            head.zeroGrad();
            Tensor logits = head.apply(bag.apply(data.ids()[b], data.offsets()[b])).reshape(BAGS);
            Losses.binaryCrossEntropyWithLogits(logits, data.labels()[b]).backward();
            dense.step(headParameters);
            sparse.step("weight", bag.weight(), bag.takeSparseGradient());
        };
        Runnable fluxion = () -> {
            for (int i = 0; i < STEPS_PER_ROUND; i++) {
                step.run();
            }
        };
        String config = "v" + VOCAB + "-d" + DIM + "-b" + BAGS + "-t" + THREADS;
        if (!PythonReference.available()) {
            double t = Alternating.run(fluxion, () -> { }, 2, 5, 1).fluxionSeconds() / STEPS_PER_ROUND;
            out.println(BenchLine.unavailable(name(), config, BenchLine.seconds(t), PythonReference.INSTALL_HINT));
            out.println(String.format(java.util.Locale.ROOT, "Fluxion peak RSS %.0fMB", PeakRss.bytes() / 1e6));
            return;
        }
        Path file = Files.createTempFile("fluxion-embedding-bag", ".npz");
        try {
            Map<String, Tensor> arrays = new LinkedHashMap<>();
            arrays.put("table", table);
            arrays.put("head_weight", headWeight);
            // ragged batches: padded with -1 to the longest, with each one's length
            arrays.put("ids", Tensor.stack(0, padTo(data.ids())));
            arrays.put("lengths", Tensor.of(lengths(data.ids()), BATCHES));
            arrays.put("offsets", Tensor.stack(0, data.offsets()));
            arrays.put("labels", Tensor.stack(0, data.labels()));
            Npz.write(file, arrays, false);
            try (PythonReference torch = PythonReference.start("embedding_bag", THREADS, file.toString())) {
                // One call of either side is a round of STEPS_PER_ROUND steps.
                Alternating.Result r = Alternating.runTimed(fluxion, calls -> torch.run(calls * STEPS_PER_ROUND), 2, 5, 1);
                double f = r.fluxionSeconds() / STEPS_PER_ROUND;
                double t = r.referenceSeconds() / STEPS_PER_ROUND;
                out.println("one training step (steady state, after 2 warm-up rounds of " + STEPS_PER_ROUND
                        + " steps): Fluxion " + BenchLine.seconds(f) + ", PyTorch " + BenchLine.seconds(t));
                out.println(BenchLine.time(name(), config, f, t));
                long fluxionRss = PeakRss.bytes();
                long torchRss = torch.peakRss();
                out.println(String.format(java.util.Locale.ROOT,
                        "BENCH name=%s config=peak-rss fluxion=%.0fMB reference=%.0fMB speedup=%.2f",
                        name(), fluxionRss / 1e6, torchRss / 1e6, (double) torchRss / fluxionRss));
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** The batches' ids padded with -1 to the longest (the reference cuts each back to its length). */
    private static Tensor[] padTo(Tensor[] ids) {
        int longest = 0;
        for (Tensor t : ids) {
            longest = Math.max(longest, t.dim(0));
        }
        Tensor[] out = new Tensor[ids.length];
        for (int b = 0; b < ids.length; b++) {
            out[b] = ids[b].pad(new int[] {0, longest - ids[b].dim(0)}, -1);
        }
        return out;
    }

    private static long[] lengths(Tensor[] ids) {
        long[] n = new long[ids.length];
        for (int b = 0; b < ids.length; b++) {
            n[b] = ids[b].dim(0);
        }
        return n;
    }
}
