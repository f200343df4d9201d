package org.fluxion.nn;

import java.util.Map;
import java.util.random.RandomGenerator;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * Adds a position's vector to every step of a sequence: input and output {@code [T, B, E]}
 * ({@code [B, T, E]} batch-first, {@code [T, E]} unbatched), {@code T <= maxLen}. Either the fixed sinusoids
 * of Vaswani et al. ({@link #sinusoidal}: {@code pe[t, 2i] = sin(t / 10000^(2i/E))},
 * {@code pe[t, 2i+1] = cos(t / 10000^(2i/E))}, a buffer named {@code pe}) or a learned table
 * ({@link #learned}: parameter {@code weight [maxLen, E]} from {@code N(0, 1)}, as an {@link Embedding} of
 * positions).
 */
public final class PositionalEncoding extends Module {
    private final Tensor table;
    private final boolean learned;
    private final boolean batchFirst;

    private PositionalEncoding(Tensor table, boolean learned, boolean batchFirst) {
        this.table = table;
        this.learned = learned;
        this.batchFirst = batchFirst;
    }

    /** The sinusoidal table {@code [maxLen, dModel]}. */
    public static PositionalEncoding sinusoidal(int maxLen, int dModel, boolean batchFirst, DType dtype) {
        LayerArguments.atLeast("PositionalEncoding", "maxLen", maxLen, 1);
        LayerArguments.atLeast("PositionalEncoding", "dModel", dModel, 1);
        double[] pe = new double[maxLen * dModel];
        for (int t = 0; t < maxLen; t++) {
            for (int i = 0; i < dModel; i++) {
                double angle = t / Math.pow(10000, (i - i % 2) / (double) dModel);
                pe[t * dModel + i] = i % 2 == 0 ? Math.sin(angle) : Math.cos(angle);
            }
        }
        return new PositionalEncoding(Tensor.of(pe, maxLen, dModel).to(dtype), false, batchFirst);
    }

    /** A learned table {@code [maxLen, dModel]} from {@code N(0, 1)}. */
    public static PositionalEncoding learned(int maxLen, int dModel, boolean batchFirst, DType dtype,
                                             RandomGenerator rng) {
        LayerArguments.atLeast("PositionalEncoding", "maxLen", maxLen, 1);
        LayerArguments.atLeast("PositionalEncoding", "dModel", dModel, 1);
        return new PositionalEncoding(Init.normal(rng, 1, dtype, maxLen, dModel).requiresGrad(true), true, batchFirst);
    }

    @Override
    public Tensor apply(Tensor x) {
        int maxLen = table.dim(0);
        int e = table.dim(1);
        int timeAxis = x.rank() == 3 && batchFirst ? 1 : 0;
        if ((x.rank() != 2 && x.rank() != 3) || x.dim(-1) != e || x.dim(timeAxis) > maxLen) {
            throw badInput((batchFirst ? "[B, T, " : "[T, B, ") + e + "] or [T, " + e + "] with T <= " + maxLen, x);
        }
        Tensor pe = table.slice(0, 0, x.dim(timeAxis)); // [T, E]
        if (x.rank() == 3 && !batchFirst) {
            pe = pe.unsqueeze(1); // [T, 1, E]
        }
        return x.add(pe);
    }

    /** The table {@code [maxLen, dModel]}. */
    public Tensor table() {
        return table;
    }

    @Override
    protected Map<String, Tensor> ownParameters() {
        return learned ? named("weight", table) : Map.of();
    }

    @Override
    protected Map<String, Tensor> ownBuffers() {
        return learned ? Map.of() : named("pe", table);
    }

    @Override
    public String toString() {
        return "PositionalEncoding " + (learned ? "learned " : "sinusoidal ") + table.dim(0) + "x" + table.dim(1);
    }
}
