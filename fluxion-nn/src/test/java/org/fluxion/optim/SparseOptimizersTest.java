package org.fluxion.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.fluxion.nn.EmbeddingBag;
import org.fluxion.sparse.RowSparse;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The sparse optimizers: only the rows of the gradient change; with every row touched at every step they
 * agree with the dense optimizers of the same formulas; and on the same data they give PyTorch's results
 * ({@code EmbeddingBag(sparse=True)} with {@code SGD}, {@code Adagrad}, {@code SparseAdam}) when
 * {@code /usr/bin/python3} has torch.
 */
class SparseOptimizersTest {
    static final int VOCAB = 12;
    static final int DIM = 3;
    /** Three steps: bags over part of the table, so some rows are absent from some steps. */
    static final long[][] IDS = {{1, 4, 4, 7, 2}, {7, 0, 3, 11}, {2, 2, 9, 1, 5, 5}};
    static final long[][] OFFSETS = {{0, 3}, {0, 1, 1}, {0, 4}};

    static Tensor table() {
        return Tensor.randn(new SplittableRandom(3), DType.FLOAT32, VOCAB, DIM);
    }

    static Tensor cotangent(int step) {
        return Tensor.randn(new SplittableRandom(10 + step), DType.FLOAT32, OFFSETS[step].length, DIM);
    }

    /** Trains a sparse sum-bag for the three steps with {@code optimizer}; returns the final table. */
    static float[] train(SparseOptimizer optimizer) {
        EmbeddingBag bag = new EmbeddingBag(table(), EmbeddingBag.Mode.SUM, true);
        for (int s = 0; s < IDS.length; s++) {
            bag.apply(Tensor.of(IDS[s], IDS[s].length), Tensor.of(OFFSETS[s], OFFSETS[s].length)).mul(cotangent(s)).sum()
                    .backward();
            optimizer.step("weight", bag.weight(), bag.takeSparseGradient());
        }
        return bag.weight().toFloatArray();
    }

    @Test
    void rowsAbsentFromEveryStepDoNotChange() {
        float[] before = table().toFloatArray();
        for (SparseOptimizer o : List.of(new SparseSgd(0.1), new SparseAdagrad(0.1), new SparseAdam(0.1))) {
            float[] after = train(o);
            for (int row : new int[] {6, 8, 10}) {
                for (int k = 0; k < DIM; k++) {
                    assertEquals(before[row * DIM + k], after[row * DIM + k], o.getClass().getSimpleName() + " row " + row);
                }
            }
            assertTrue(after[DIM] != before[DIM], o.getClass().getSimpleName() + ": row 1 was trained");
        }
    }

    /** With every row in every gradient, lazy and dense updates are one formula. */
    @Test
    void withEveryRowTouchedTheyEqualTheDenseOptimizers() {
        List<Supplier<Object[]>> pairs = List.of(
                () -> new Object[] {new SparseSgd(0.1), new Sgd(0.1)},
                () -> new Object[] {new SparseAdagrad(0.1, 0.05, 0.1, 1e-10), new Adagrad(0.1, 0.05, 0, 0.1, 1e-10)},
                () -> new Object[] {new SparseAdam(0.01, 0.9, 0.999, 1e-12), new Adam(0.01, 0.9, 0.999, 1e-12, 0)});
        long[] all = new long[VOCAB];
        Arrays.setAll(all, i -> i);
        for (var pair : pairs) {
            Object[] o = pair.get();
            Tensor sparse = table().to(DType.FLOAT64);
            Tensor dense = sparse.copy().requiresGrad(true);
            for (int s = 0; s < 3; s++) {
                Tensor g = Tensor.randn(new SplittableRandom(20 + s), DType.FLOAT64, VOCAB, DIM);
                ((SparseOptimizer) o[0]).step("w", sparse, new RowSparse(Tensor.of(all, VOCAB), g, VOCAB));
                dense.zeroGrad();
                dense.mul(g).sum().backward();
                ((Optimizer) o[1]).step(Map.of("w", dense));
            }
            assertTrue(sparse.allClose(dense.detach(), 1e-9, 1e-9), o[0].getClass().getSimpleName() + " vs "
                    + o[1].getClass().getSimpleName() + ":\n" + sparse + "\n" + dense);
        }
    }

    @Test
    void aGradientOfAnotherShapeIsNamed() {
        Tensor p = Tensor.zeros(5, 2);
        RowSparse g = new RowSparse(Tensor.of(new long[] {1}, 1), Tensor.ones(1, 3), 5);
        var e = assertThrows(IllegalArgumentException.class, () -> new SparseAdam(0.1).step("table", p, g));
        assertTrue(e.getMessage().contains("parameter table [5, 2]"), e.getMessage());
    }

    @Test
    void theSameTablesAsPyTorch() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")) && torchAvailable(),
                "/usr/bin/python3 with torch is not available: the comparison with PyTorch is skipped"
                        + " (apt-get install python3-torch to run it)");
        Map<String, SparseOptimizer> ours = Map.of(
                "sgd", new SparseSgd(0.1),
                "adagrad", new SparseAdagrad(0.1, 0.05, 0.1, 1e-10),
                "adam", new SparseAdam(0.05, 0.8, 0.99, 1e-8));
        for (var e : ours.entrySet()) {
            float[] expected = torch(e.getKey());
            float[] actual = train(e.getValue());
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], 1e-5 * (1 + Math.abs(expected[i])), e.getKey() + " element " + i);
            }
        }
    }

    private static float[] torch(String optimizer) throws IOException, InterruptedException {
        String script = """
                import sys, torch
                opt_name, table, steps = sys.argv[1], eval(sys.argv[2]), eval(sys.argv[3])
                bag = torch.nn.EmbeddingBag.from_pretrained(torch.tensor(table, dtype=torch.float32).reshape(%d, %d),
                                                            freeze=False, mode='sum', sparse=True)
                opt = {'sgd': lambda p: torch.optim.SGD(p, lr=0.1),
                       'adagrad': lambda p: torch.optim.Adagrad(p, lr=0.1, lr_decay=0.05, initial_accumulator_value=0.1, eps=1e-10),
                       'adam': lambda p: torch.optim.SparseAdam(p, lr=0.05, betas=(0.8, 0.99), eps=1e-8)}[opt_name](bag.parameters())
                for ids, offsets, r in steps:
                    opt.zero_grad()
                    out = bag(torch.tensor(ids), torch.tensor(offsets))
                    (out * torch.tensor(r, dtype=torch.float32).reshape(out.shape)).sum().backward()
                    assert bag.weight.grad.is_sparse
                    opt.step()
                print(' '.join(repr(float(x)) for x in bag.weight.detach().reshape(-1)))
                """.formatted(VOCAB, DIM);
        StringBuilder steps = new StringBuilder("[");
        for (int s = 0; s < IDS.length; s++) {
            steps.append("(").append(list(IDS[s])).append(",").append(list(OFFSETS[s])).append(",")
                    .append(list(cotangent(s).toFloatArray())).append("),");
        }
        steps.append("]");
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", script, optimizer, list(table().toFloatArray()),
                steps.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        String[] parts = out.lines().reduce((a, b) -> b).orElse("").split(" ");
        float[] r = new float[parts.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = Float.parseFloat(parts[i]);
        }
        assertArrayEquals(new int[] {VOCAB * DIM}, new int[] {r.length}, out);
        return r;
    }

    private static String list(long[] a) {
        return Arrays.stream(a).mapToObj(Long::toString).collect(Collectors.joining(",", "[", "]"));
    }

    private static String list(float[] a) {
        StringBuilder b = new StringBuilder("[");
        for (float x : a) {
            b.append(x).append(',');
        }
        return b.append(']').toString();
    }

    private static boolean torchAvailable() {
        try {
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import torch").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
