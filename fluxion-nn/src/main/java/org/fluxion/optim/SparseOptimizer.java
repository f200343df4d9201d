package org.fluxion.optim;

import static org.fluxion.tensor.TensorInternals.storage;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.fluxion.autodiff.GradMode;
import org.fluxion.kernels.Parallel;
import org.fluxion.sparse.RowSparse;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * An optimizer of row-sparse gradients ({@link RowSparse}, e.g. from {@code EmbeddingBag(sparse = true)}):
 * a step reads and writes only the rows the gradient stores, so a {@code [30716, 64]} table costs per step
 * what the batch touched. The state (moments, accumulators) is dense, shaped like the parameter, as
 * PyTorch's, and is read and written at those rows only ("lazy" updates: a row's moments do not decay
 * while it is absent). Rows are updated in parallel; each is written by one thread, so the result does not
 * depend on the thread count.
 *
 * <p>State entries are named {@code <parameter>.<slot>}, as {@link Optimizer}'s.
 */
public abstract class SparseOptimizer {
    private double learningRate;
    private final Map<String, Tensor> state = new LinkedHashMap<>();

    protected SparseOptimizer(double learningRate) {
        setLearningRate(learningRate);
    }

    /**
     * Updates the stored rows of {@code parameter} (contiguous, float32 or float64, {@code [rows, d...]}) in
     * place from {@code gradient}; a null gradient (no lookup since the last step) does nothing.
     *
     * @throws IllegalArgumentException naming the parameter when the gradient's shape does not match it
     */
    public final void step(String name, Tensor parameter, RowSparse gradient) {
        if (gradient == null) {
            return;
        }
        if (!parameter.isContiguous() || !parameter.dtype().isFloatingPoint() || parameter.rank() < 1) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": parameter " + name + " must be a"
                    + " contiguous float32 or float64 tensor, got " + parameter.dtype().label() + " " + parameter.shape());
        }
        int[] rowShape = Arrays.copyOfRange(parameter.dims(), 1, parameter.rank());
        int[] gradRowShape = Arrays.copyOfRange(gradient.values().dims(), 1, gradient.values().rank());
        if (gradient.rows() != parameter.dim(0) || !Arrays.equals(rowShape, gradRowShape)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": gradient of " + gradient.rows()
                    + " rows of " + Arrays.toString(gradRowShape) + " does not match parameter " + name + " "
                    + parameter.shape());
        }
        long[] rows = gradient.indices().toLongArray();
        int width = parameter.dim(0) == 0 ? 0 : parameter.size() / parameter.dim(0);
        try (var noGrad = GradMode.noGrad()) {
            Tensor g = gradient.values().detach().to(parameter.dtype()).contiguous();
            update(name, parameter, rows, g, width);
        }
        storage(parameter).bumpVersion();
    }

    /**
     * Updates rows {@code rows} (distinct) of {@code parameter} given their gradient {@code g [rows.length,
     * width]}, contiguous and of the parameter's dtype.
     */
    protected abstract void update(String name, Tensor parameter, long[] rows, Tensor g, int width);

    /** Runs {@code body} over the gradient's rows {@code [start, end)} in parallel chunks. */
    protected static void forRows(int count, int width, Parallel.RangeBody body) {
        Parallel.forRange(count, Math.max(1, (1 << 14) / Math.max(1, width)), body);
    }

    /** The dense state slot shaped like the parameter, created filled with {@code initial} on first use. */
    protected final Tensor slot(String name, String slot, Tensor like, double initial) {
        Tensor t = state.get(name + "." + slot);
        if (t == null || !t.isContiguous() || t.dtype() != like.dtype()) {
            t = t == null ? Tensor.full(initial, like.dtype(), like.dims()) : t.contiguous().to(like.dtype());
            state.put(name + "." + slot, t);
        }
        return t;
    }

    /** Increments and returns the parameter's step count (1 on its first step). */
    protected final long nextStep(String name) {
        Tensor t = state.get(name + ".step");
        long step = (t == null ? 0 : Math.round(t.item())) + 1;
        state.put(name + ".step", Tensor.scalar(step, DType.FLOAT64));
        return step;
    }

    public final double learningRate() {
        return learningRate;
    }

    public final void setLearningRate(double learningRate) {
        if (!(learningRate >= 0)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": learning rate must be >= 0, got "
                    + learningRate);
        }
        this.learningRate = learningRate;
    }

    /** A copy of the whole state, by entry name, for checkpoints. */
    public final Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        state.forEach((k, v) -> out.put(k, v.copy()));
        return out;
    }

    /** Replaces the whole state with a copy of {@code saved}. */
    public final void loadState(Map<String, Tensor> saved) {
        state.clear();
        saved.forEach((k, v) -> state.put(k, v.detach().copy()));
    }

    /** The backing array of a contiguous tensor (its offset is {@code t.offset()}). */
    protected static Object array(Tensor t) {
        return storage(t).array();
    }
}
