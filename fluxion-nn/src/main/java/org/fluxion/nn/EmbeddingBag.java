package org.fluxion.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.fluxion.autodiff.GradMode;
import org.fluxion.sparse.CsrMatrix;
import org.fluxion.sparse.RowSparse;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Shape;
import org.fluxion.tensor.Storage;
import org.fluxion.tensor.Tensor;

/**
 * Bags of embeddings (PyTorch's {@code nn.EmbeddingBag}): a table {@code [vocab, dim]} and, for each of
 * {@code B} bags of ids (variable length, given by offsets), the sum, mean or maximum of their rows, giving
 * {@code [B, dim]} without materializing the {@code [N, dim]} lookups for sum and mean (a sparse
 * {@code [B, vocab]} matrix times the table). In sum mode, per-sample weights scale each id's row. An empty
 * bag gives zeros.
 *
 * <p><b>Sparse gradient.</b> With {@code sparse = true}, a lookup under gradient recording copies the rows it
 * touches into a leaf {@code [U, dim]} (U distinct ids) and computes from that: backward then fills a
 * {@code [U, dim]} gradient only, and {@link #takeSparseGradient()} returns it as a {@link RowSparse} over the
 * table's rows, which {@code SparseAdam}, {@code SparseAdagrad} and {@code SparseSgd} apply to those rows.
 * The table's own {@code grad()} stays null, so dense optimizers skip it. With {@code sparse = false} the
 * table gets an ordinary dense gradient {@code [vocab, dim]} on the tape.
 */
public final class EmbeddingBag extends Module {
    /** How a bag's rows are reduced. */
    public enum Mode { SUM, MEAN, MAX }

    private final Tensor weight;
    private final Mode mode;
    private final boolean sparse;
    /** The leaves of the lookups since the last {@link #takeSparseGradient()}: distinct ids and their rows. */
    private final List<Tensor[]> lookups = new ArrayList<>();

    public EmbeddingBag(Tensor weight, Mode mode, boolean sparse) {
        if (weight.rank() != 2 || !weight.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("EmbeddingBag: weight must be a float [vocab, dim] table, got "
                    + weight.dtype().label() + " " + weight.shape());
        }
        this.weight = (weight.isContiguous() ? weight : weight.contiguous()).requiresGrad(true);
        this.mode = mode;
        this.sparse = sparse;
    }

    /** A float32 table {@code [vocab, dim]} from {@code N(0, 1)}, as PyTorch. */
    public EmbeddingBag(int vocab, int dim, Mode mode, boolean sparse, RandomGenerator rng) {
        LayerArguments.atLeast("EmbeddingBag", "vocab", vocab, 1);
        LayerArguments.atLeast("EmbeddingBag", "dim", dim, 1);
        this(Init.normal(rng, 1, DType.FLOAT32, vocab, dim), mode, sparse);
    }

    /** Fixed-length bags: ids {@code [B, L]} give {@code [B, dim]}. */
    @Override
    public Tensor apply(Tensor ids) {
        if (ids.rank() != 2) {
            throw badInput("[B, L] ids (or ids with offsets)", ids);
        }
        int b = ids.dim(0);
        int l = ids.dim(1);
        long[] offsets = new long[b];
        for (int i = 0; i < b; i++) {
            offsets[i] = (long) i * l;
        }
        return apply(ids.reshape(-1), Tensor.of(offsets, b), null);
    }

    /** Bags of a flat id list: bag {@code i} is {@code ids[offsets[i] .. offsets[i+1])}, the last to the end. */
    public Tensor apply(Tensor ids, Tensor offsets) {
        return apply(ids, offsets, null);
    }

    /**
     * Bags with per-sample weights {@code [N]} (sum mode only, as PyTorch; null for none): bag {@code i} is
     * {@code sum_j w_j table[ids_j]} over {@code j} in {@code [offsets[i], offsets[i+1])}.
     *
     * @throws LayerInputException naming this layer for ids out of range, offsets that do not start at 0 or
     *                             decrease or pass the end, or weights of the wrong shape or mode
     */
    public Tensor apply(Tensor ids, Tensor offsets, Tensor perSampleWeights) {
        long[] id = integers("ids", ids);
        long[] off = integers("offsets", offsets);
        checkBags(id, off);
        if (perSampleWeights != null && (mode != Mode.SUM || !perSampleWeights.shape().equals(Shape.of(id.length)))) {
            throw new LayerInputException(label(), "per-sample weights must be [" + id.length + "] (one per id) and"
                    + " need mode SUM, got " + perSampleWeights.shape() + " in mode " + mode);
        }
        int bags = off.length;
        long[] crow = Arrays.copyOf(off, bags + 1);
        crow[bags] = id.length;
        Tensor table = weight;
        long[] local = id;
        if (sparse && GradMode.isEnabled()) {
            local = new long[id.length];
            long[] unique = distinct(id, vocab(), local);
            Tensor uniqueIds = Tensor.wrap(Storage.wrap(DType.INT64, unique), Shape.of(unique.length));
            try (var noGrad = GradMode.noGrad()) {
                table = weight.indexSelect(0, uniqueIds);
            }
            table.requiresGrad(true);
            lookups.add(new Tensor[] {uniqueIds, table});
        }
        return reduce(table, local, crow, perSampleWeights, mode);
    }

    /**
     * The distinct ids (checked to lie in {@code [0, vocab)}) in increasing order; {@code local[i]} receives the
     * position of {@code ids[i]} among them. A table of positions over the vocabulary when it is not much larger
     * than the batch (one pass each way), else a sort and binary searches.
     */
    static long[] distinct(long[] ids, int vocab, long[] local) {
        if (vocab <= 8L * ids.length + 4096) {
            int[] position = new int[vocab];
            for (long id : ids) {
                position[(int) id] = 1;
            }
            int count = 0;
            for (int v = 0; v < vocab; v++) {
                if (position[v] != 0) {
                    position[v] = ++count;
                }
            }
            long[] unique = new long[count];
            for (int v = 0; v < vocab; v++) {
                if (position[v] != 0) {
                    unique[position[v] - 1] = v;
                }
            }
            for (int i = 0; i < ids.length; i++) {
                local[i] = position[(int) ids[i]] - 1;
            }
            return unique;
        }
        long[] sorted = ids.clone();
        Arrays.sort(sorted);
        int count = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (i == 0 || sorted[i] != sorted[i - 1]) {
                sorted[count++] = sorted[i];
            }
        }
        long[] unique = Arrays.copyOf(sorted, count);
        for (int i = 0; i < ids.length; i++) {
            local[i] = Arrays.binarySearch(unique, ids[i]);
        }
        return unique;
    }

    /**
     * The bags as a pure function of the table (what the layer computes, for {@code jit}, {@code vmap} and
     * functional use): bag {@code b} reduces rows {@code ids[crow[b] .. crow[b+1])} of {@code table [V, d]}
     * by {@code mode}, with per-sample weights {@code [N]} (sum mode, or null), giving {@code [B, d]}. The ids
     * and row pointers are data, fixed when traced (checked as those of a {@link CsrMatrix}).
     */
    public static Tensor reduce(Tensor table, long[] ids, long[] crow, Tensor perSampleWeights, Mode mode) {
        if (mode == Mode.MAX) {
            return max(table, ids, crow);
        }
        Tensor values = perSampleWeights != null ? perSampleWeights.to(table.dtype())
                : meanWeights(crow, ids.length, mode, table.dtype());
        return CsrMatrix.of(crow, ids, values, crow.length - 1, table.dim(0)).matmul(table);
    }

    /**
     * Bags given as sparse rows {@code [B, vocab]} (a bag of words): row {@code i}'s column indices are bag
     * {@code i}'s ids. In sum mode its values are the per-sample weights (counts, tf-idf); mean and max reduce
     * over the ids alone, as they take no weights.
     */
    public Tensor apply(CsrMatrix bags) {
        if (bags.cols() != vocab()) {
            throw new LayerInputException(label(), "expected sparse rows [B, " + vocab() + "], got " + bags.shape());
        }
        long[] crow = bags.crowIndices().toLongArray();
        return apply(bags.colIndices(), Tensor.wrap(Storage.wrap(DType.INT64, Arrays.copyOf(crow, bags.rows())),
                Shape.of(bags.rows())), mode == Mode.SUM ? bags.values() : null);
    }

    /** 1 for sum, {@code 1 / |bag|} for mean, per id. */
    private static Tensor meanWeights(long[] crow, int n, Mode mode, DType dtype) {
        double[] w = new double[n];
        for (int b = 0; b + 1 < crow.length; b++) {
            double scale = mode == Mode.MEAN ? 1.0 / (crow[b + 1] - crow[b]) : 1;
            Arrays.fill(w, (int) crow[b], (int) crow[b + 1], scale);
        }
        return Tensor.of(w, n).to(dtype);
    }

    /** Maximum over each bag's rows: the bags padded to the longest with masked entries; empty bags give 0. */
    private static Tensor max(Tensor table, long[] local, long[] crow) {
        int bags = crow.length - 1;
        int longest = 0;
        for (int b = 0; b < bags; b++) {
            longest = Math.max(longest, (int) (crow[b + 1] - crow[b]));
        }
        long[] padded = new long[bags * longest];
        boolean[] present = new boolean[bags * longest];
        boolean[] nonEmpty = new boolean[bags];
        for (int b = 0; b < bags; b++) {
            for (int j = 0; j < crow[b + 1] - crow[b]; j++) {
                padded[b * longest + j] = local[(int) crow[b] + j];
                present[b * longest + j] = true;
            }
            nonEmpty[b] = crow[b + 1] > crow[b];
        }
        int dim = table.dim(1);
        Tensor rows = table.indexSelect(0, Tensor.of(padded, padded.length)).reshape(bags, longest, dim);
        Tensor masked = Tensor.where(Tensor.of(present, bags, longest, 1), rows,
                Tensor.scalar(Double.NEGATIVE_INFINITY, table.dtype()));
        Tensor m = longest == 0 ? Tensor.zeros(table.dtype(), bags, dim) : masked.max(new int[] {1}, false);
        return Tensor.where(Tensor.of(nonEmpty, bags, 1), m, Tensor.scalar(0, table.dtype()));
    }

    /**
     * The gradient of the table accumulated by the lookups since the last call, as rows (null when no lookup
     * has a gradient yet), and forgets those lookups. Only for {@code sparse = true}.
     */
    public RowSparse takeSparseGradient() {
        if (!sparse) {
            throw new IllegalStateException(label() + ": the table has a dense gradient (sparse = false); read weight().grad()");
        }
        List<RowSparse> parts = new ArrayList<>();
        for (Tensor[] l : lookups) {
            if (l[1].grad() != null) {
                parts.add(new RowSparse(l[0], l[1].grad(), vocab()));
            }
        }
        lookups.clear();
        return parts.isEmpty() ? null : RowSparse.sum(parts);
    }

    private long[] integers(String role, Tensor t) {
        if ((t.dtype() != DType.INT64 && t.dtype() != DType.INT32) || t.rank() != 1) {
            throw new LayerInputException(label(), "expected " + role + " as an int32 or int64 vector, got "
                    + t.dtype().label() + " " + t.shape());
        }
        return t.toLongArray();
    }

    private void checkBags(long[] id, long[] off) {
        for (int i = 0; i < id.length; i++) {
            if (id[i] < 0 || id[i] >= vocab()) {
                throw new LayerInputException(label(), "id " + id[i] + " at position " + i + " is out of range for a"
                        + " table of " + vocab() + " rows");
            }
        }
        for (int b = 0; b < off.length; b++) {
            long prev = b == 0 ? 0 : off[b - 1];
            if ((b == 0 && off[0] != 0) || off[b] < prev || off[b] > id.length) {
                throw new LayerInputException(label(), "offsets must start at 0 and not decrease or pass the " + id.length
                        + " ids, but offsets[" + b + "] = " + off[b]);
            }
        }
    }

    /** The table {@code [vocab, dim]}. */
    public Tensor weight() {
        return weight;
    }

    public int vocab() {
        return weight.dim(0);
    }

    public int dim() {
        return weight.dim(1);
    }

    public Mode mode() {
        return mode;
    }

    public boolean sparse() {
        return sparse;
    }

    @Override
    protected Map<String, Tensor> ownParameters() {
        return named("weight", weight);
    }

    @Override
    public String toString() {
        return "EmbeddingBag " + vocab() + "x" + dim() + " " + mode.name().toLowerCase() + (sparse ? " sparse" : "");
    }
}
