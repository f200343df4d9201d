package org.fluxion.nn;

/**
 * The hyperparameters of {@link TransformerEncoderLayer} and {@link TransformerDecoderLayer}, PyTorch's
 * constructor arguments and defaults ({@link #of}: feed-forward 2048, dropout 0.1, ReLU, eps 1e-5,
 * time-major, post-norm).
 *
 * @param dModel         {@code E}
 * @param numHeads       heads of every attention block
 * @param dimFeedforward hidden width of the feed-forward block
 * @param dropout        dropout of attention weights, the residual branches and the feed-forward hidden layer
 * @param gelu           GELU (tanh form) instead of ReLU in the feed-forward block
 * @param layerNormEps   epsilon of the layer norms
 * @param batchFirst     inputs {@code [B, T, E]} instead of {@code [T, B, E]}
 * @param normFirst      pre-norm ({@code x + f(norm(x))}) instead of post-norm ({@code norm(x + f(x))})
 */
public record TransformerConfig(int dModel, int numHeads, int dimFeedforward, double dropout, boolean gelu,
                                double layerNormEps, boolean batchFirst, boolean normFirst) {
    /** @throws IllegalArgumentException naming the argument when it is out of range */
    public TransformerConfig {
        LayerArguments.atLeast("Transformer", "dModel", dModel, 1);
        LayerArguments.atLeast("Transformer", "numHeads", numHeads, 1);
        LayerArguments.atLeast("Transformer", "dimFeedforward", dimFeedforward, 1);
        LayerArguments.nonNegative("Transformer", "layerNormEps", layerNormEps);
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("Transformer: dropout must be in [0, 1), got " + dropout);
        }
    }

    /** PyTorch's defaults. */
    public static TransformerConfig of(int dModel, int numHeads) {
        return new TransformerConfig(dModel, numHeads, 2048, 0.1, false, 1e-5, false, false);
    }

    public TransformerConfig withFeedforward(int width) {
        return new TransformerConfig(dModel, numHeads, width, dropout, gelu, layerNormEps, batchFirst, normFirst);
    }

    public TransformerConfig withDropout(double p) {
        return new TransformerConfig(dModel, numHeads, dimFeedforward, p, gelu, layerNormEps, batchFirst, normFirst);
    }

    public TransformerConfig withGelu(boolean g) {
        return new TransformerConfig(dModel, numHeads, dimFeedforward, dropout, g, layerNormEps, batchFirst, normFirst);
    }

    public TransformerConfig withBatchFirst(boolean b) {
        return new TransformerConfig(dModel, numHeads, dimFeedforward, dropout, gelu, layerNormEps, b, normFirst);
    }

    public TransformerConfig withNormFirst(boolean n) {
        return new TransformerConfig(dModel, numHeads, dimFeedforward, dropout, gelu, layerNormEps, batchFirst, n);
    }
}
