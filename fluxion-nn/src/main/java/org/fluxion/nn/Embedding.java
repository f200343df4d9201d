package org.fluxion.nn;

import java.util.Map;
import java.util.random.RandomGenerator;
import org.fluxion.tensor.DType;
import org.fluxion.tensor.Tensor;

/**
 * A lookup table: integer indices {@code [...]} (int32 or int64, each in {@code [0, vocab)}) select rows of
 * the weight {@code [vocab, dim]}, giving {@code [..., dim]}. The gradient of the table is the
 * scatter-add of the output's cotangent (rows that were not looked up get zero). Initialized from
 * {@code N(0, 1)} like PyTorch.
 */
public final class Embedding extends Module {
    private final Tensor weight;

    public Embedding(Tensor weight) {
        if (weight.rank() != 2) {
            throw new IllegalArgumentException("Embedding: weight must be [vocab, dim], got " + weight.shape());
        }
        this.weight = weight.requiresGrad(true);
    }

    /**
     * A float32 table {@code [vocab, dim]} from {@code N(0, 1)}.
     *
     * @throws IllegalArgumentException if {@code vocab} or {@code dim} is negative
     */
    public Embedding(int vocab, int dim, RandomGenerator rng) {
        LayerArguments.atLeast("Embedding", "vocab", vocab, 0);
        LayerArguments.atLeast("Embedding", "dim", dim, 0);
        this(Init.normal(rng, 1, DType.FLOAT32, vocab, dim));
    }

    @Override
    public Tensor apply(Tensor indices) {
        if (indices.dtype() != DType.INT32 && indices.dtype() != DType.INT64) {
            throw new LayerInputException(label(), "expected int32 or int64 indices, got " + indices.dtype().label()
                    + " " + indices.shape());
        }
        return Functions.embedding(indices, weight);
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

    @Override
    protected Map<String, Tensor> ownParameters() {
        return named("weight", weight);
    }

    @Override
    public String toString() {
        return "Embedding " + vocab() + "x" + dim();
    }
}
